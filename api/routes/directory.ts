import { CreateObserverBody, CreateOfficeBody, CreateTokenBody, CreateUnitBody, ListObserversQuery, ListUnitsQuery, ObserverLinkSheetView, ObserverLinkView, ObserverView, OfficeView, TokenView, UnitView } from '../../domain/schemas/directory';
import { Code, z } from '../../domain/schemas/common';
import { CAPABILITIES, PERSON_ROLES, PRINCIPAL_KINDS } from '../../domain/vocabulary';
import type { UseCaseContext } from '../../usecases/context';
import { createObserver, createOffice, createUnit, listObservers, listOffices, listUnits } from '../../usecases/directory';
import { issueObserverLink, issueUnitObserverLinks } from '../../usecases/observerLinks';
import { mintTokenFor } from '../../usecases/people';
import { whoAmI } from '../../usecases/records';
import { publicBase } from '../publicUrl';
import type { Routes } from '../route';

export const MeView = z
  .object({
    kind: z.enum(PRINCIPAL_KINDS),
    code: z.string(),
    name: z.string(),
    officeCode: z.string().optional().openapi({ description: 'The office itself, or the office the unit (or the observer\'s unit) belongs to' }),
    unitCode: z.string().optional().openapi({ description: 'The unit itself, or the observer\'s unit' }),
    unitName: z.string().optional().openapi({ description: 'Observers only: the unit they observe' }),
    actor: z.string().openapi({ description: 'The name records carry for what the caller does: "person:<username>" when signed in as a person, else the token\'s principal ("office:jx")' }),
    capabilities: z.array(z.enum(CAPABILITIES)).optional().openapi({ description: 'Office callers: what they may do beyond reading (admin, supervisor); empty for a viewer' }),
    person: z.object({ username: z.string(), name: z.string(), role: z.enum(PERSON_ROLES) }).optional().openapi({ description: 'Present when signed in as a person' }),
  })
  .openapi('Me');

export function directoryRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/me', summary: 'Who you are: the principal of your token or session, and the person when signed in as one', tags: ['Directory'], roles: ['office', 'unit', 'observer'], response: MeView,
      handler: ({ principal }) => whoAmI(ctx, principal),
    })
    .add({
      method: 'post', path: '/offices', summary: 'Add an office below one in your subtree', tags: ['Directory'], roles: ['office'], act: 'admin', body: CreateOfficeBody, status: 201, response: OfficeView, errors: [409],
      handler: ({ body, principal }) => createOffice(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/offices', summary: 'Offices in your subtree', tags: ['Directory'], roles: ['office'], response: z.array(OfficeView),
      handler: ({ principal }) => listOffices(ctx, principal),
    })
    .add({
      method: 'post', path: '/units', summary: 'Add a pilot unit to an office in your subtree', tags: ['Directory'], roles: ['office'], act: 'admin', body: CreateUnitBody, status: 201, response: UnitView, errors: [409],
      handler: ({ body, principal }) => createUnit(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/units', summary: 'Pilot units in your subtree', tags: ['Directory'], roles: ['office'], query: ListUnitsQuery, response: z.array(UnitView),
      handler: ({ query, principal }) => listUnits(ctx, principal, query),
    })
    .add({
      method: 'post', path: '/observers', summary: 'Appoint a reform observer at a unit in your subtree', tags: ['Directory'], roles: ['office'], act: 'admin', body: CreateObserverBody, status: 201, response: ObserverView, errors: [409],
      handler: ({ body, principal }) => createObserver(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/observers', summary: 'Reform observers in your subtree', tags: ['Directory'], roles: ['office'], query: ListObserversQuery, response: z.array(ObserverView),
      handler: ({ query, principal }) => listObservers(ctx, principal, query),
    })
    .add({
      method: 'post', path: '/tokens', summary: 'Mint a token for a unit, an observer or an office below yours, with a label, an office role and an expiry; the secret is shown once', tags: ['Directory'], roles: ['office'], act: 'admin', body: CreateTokenBody, status: 201, response: TokenView,
      handler: ({ body, principal }) => mintTokenFor(ctx, principal, body),
    })
    .add({
      method: 'post', path: '/observers/{code}/link', summary: "Issue an observer's personal link (the previous one stops working)", tags: ['Directory'], roles: ['office'], act: 'admin',
      params: z.object({ code: Code }), status: 201, response: ObserverLinkView,
      handler: ({ params, principal, req }) => issueObserverLink(ctx, principal, params.code, publicBase(ctx.config, req)),
    })
    .add({
      method: 'post', path: '/units/{code}/observer-links', summary: "New personal links, with QR codes, for every observer of a unit: a sheet to print", tags: ['Directory'], roles: ['office'], act: 'admin',
      params: z.object({ code: Code }), status: 201, response: ObserverLinkSheetView,
      handler: ({ params, principal, req }) => issueUnitObserverLinks(ctx, principal, params.code, publicBase(ctx.config, req)),
    });
}
