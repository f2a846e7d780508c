import { CreateObserverBody, CreateOfficeBody, CreateTokenBody, CreateUnitBody, ListObserversQuery, ListUnitsQuery, ObserverLinkSheetView, ObserverLinkView, ObserverView, OfficeView, TokenView, UnitView } from '../../domain/schemas/directory';
import { Code, z } from '../../domain/schemas/common';
import { PRINCIPAL_KINDS } from '../../domain/vocabulary';
import type { UseCaseContext } from '../../usecases/context';
import { createObserver, createOffice, createUnit, listObservers, listOffices, listUnits, mintTokenFor } from '../../usecases/directory';
import { issueObserverLink, issueUnitObserverLinks } from '../../usecases/observerLinks';
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
  })
  .openapi('Me');

export function directoryRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/me', summary: 'Who your token belongs to', tags: ['Directory'], roles: ['office', 'unit', 'observer'], response: MeView,
      handler: ({ principal }) => whoAmI(ctx, principal),
    })
    .add({
      method: 'post', path: '/offices', summary: 'Add an office below one in your subtree', tags: ['Directory'], roles: ['office'], body: CreateOfficeBody, status: 201, response: OfficeView, errors: [409],
      handler: ({ body, principal }) => createOffice(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/offices', summary: 'Offices in your subtree', tags: ['Directory'], roles: ['office'], response: z.array(OfficeView),
      handler: ({ principal }) => listOffices(ctx, principal),
    })
    .add({
      method: 'post', path: '/units', summary: 'Add a pilot unit to an office in your subtree', tags: ['Directory'], roles: ['office'], body: CreateUnitBody, status: 201, response: UnitView, errors: [409],
      handler: ({ body, principal }) => createUnit(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/units', summary: 'Pilot units in your subtree', tags: ['Directory'], roles: ['office'], query: ListUnitsQuery, response: z.array(UnitView),
      handler: ({ query, principal }) => listUnits(ctx, principal, query),
    })
    .add({
      method: 'post', path: '/observers', summary: 'Appoint a reform observer at a unit in your subtree', tags: ['Directory'], roles: ['office'], body: CreateObserverBody, status: 201, response: ObserverView, errors: [409],
      handler: ({ body, principal }) => createObserver(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/observers', summary: 'Reform observers in your subtree', tags: ['Directory'], roles: ['office'], query: ListObserversQuery, response: z.array(ObserverView),
      handler: ({ query, principal }) => listObservers(ctx, principal, query),
    })
    .add({
      method: 'post', path: '/tokens', summary: 'Mint a token for a unit, an observer or an office below yours', tags: ['Directory'], roles: ['office'], body: CreateTokenBody, status: 201, response: TokenView,
      handler: ({ body, principal }) => mintTokenFor(ctx, principal, body),
    })
    .add({
      method: 'post', path: '/observers/{code}/link', summary: "Issue an observer's personal link (the previous one stops working)", tags: ['Directory'], roles: ['office'],
      params: z.object({ code: Code }), status: 201, response: ObserverLinkView,
      handler: ({ params, principal, req }) => issueObserverLink(ctx, principal, params.code, publicBase(ctx.config, req)),
    })
    .add({
      method: 'post', path: '/units/{code}/observer-links', summary: "New personal links, with QR codes, for every observer of a unit: a sheet to print", tags: ['Directory'], roles: ['office'],
      params: z.object({ code: Code }), status: 201, response: ObserverLinkSheetView,
      handler: ({ params, principal, req }) => issueUnitObserverLinks(ctx, principal, params.code, publicBase(ctx.config, req)),
    });
}
