import { CreatePersonBody, CsrfView, InvitationParams, InvitationView, LoginBody, PasswordBody, PersonView, PrincipalView, TokenListView } from '../../domain/schemas/people';
import { IdParams, z } from '../../domain/schemas/common';
import type { UseCaseContext } from '../../usecases/context';
import { acceptInvitation, createPerson, deactivatePerson, listPeople, listTokens, reinvitePerson, revokeToken } from '../../usecases/people';
import { csrfToken, signIn, signOut } from '../../usecases/signIn';
import { publicBase } from '../publicUrl';
import type { Routes } from '../route';

export function peopleRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/auth/login', summary: 'Sign in with a username and password: sets the session cookie', tags: ['People'], roles: [], public: true,
      body: LoginBody, response: PrincipalView, errors: [401, 429],
      handler: ({ body, req, res }) => signIn(ctx, body, req, res),
    })
    .add({
      method: 'post', path: '/auth/invitations/{token}', summary: 'Set your password with an invitation link (once, within 7 days)', tags: ['People'], roles: [], public: true,
      params: InvitationParams, body: PasswordBody, status: 204,
      handler: async ({ params, body }) => {
        await acceptInvitation(ctx, params.token, body.password);
      },
    })
    .add({
      method: 'post', path: '/auth/logout', summary: 'End your session and clear its cookie (nothing to end for a bearer token)', tags: ['People'], roles: ['office', 'unit', 'observer'], act: 'anyone', status: 204,
      handler: async ({ principal, req, res }) => {
        await signOut(ctx, principal, req, res);
      },
    })
    .add({
      method: 'get', path: '/auth/csrf', summary: 'The X-CSRF-Token value your session\'s changes must carry', tags: ['People'], roles: ['office', 'unit', 'observer'], response: CsrfView,
      handler: ({ principal }) => csrfToken(ctx, principal),
    })
    .add({
      method: 'post', path: '/people', summary: 'Add a person to an office or unit of your subtree; returns their one-time invitation link', tags: ['People'], roles: ['office'], act: 'admin',
      body: CreatePersonBody, status: 201, response: InvitationView, errors: [409],
      handler: ({ body, principal, req }) => createPerson(ctx, principal, body, publicBase(ctx.config, req)),
    })
    .add({
      method: 'get', path: '/people', summary: 'People of your subtree (never their passwords)', tags: ['People'], roles: ['office'], response: z.array(PersonView),
      handler: ({ principal }) => listPeople(ctx, principal),
    })
    .add({
      method: 'post', path: '/people/{id}/deactivate', summary: 'Deactivate a person: their sessions end at once', tags: ['People'], roles: ['office'], act: 'admin', params: IdParams, response: PersonView,
      handler: ({ params, principal }) => deactivatePerson(ctx, principal, params.id),
    })
    .add({
      method: 'post', path: '/people/{id}/invitation', summary: 'A new invitation link: the old password stops working and sessions end', tags: ['People'], roles: ['office'], act: 'admin', params: IdParams,
      status: 201, response: InvitationView,
      handler: ({ params, principal, req }) => reinvitePerson(ctx, principal, params.id, publicBase(ctx.config, req)),
    })
    .add({
      method: 'get', path: '/tokens', summary: 'Tokens of your subtree\'s offices, units and observers (never their secrets)', tags: ['Directory'], roles: ['office'], response: z.array(TokenListView),
      handler: ({ principal }) => listTokens(ctx, principal),
    })
    .add({
      method: 'post', path: '/tokens/{id}/revoke', summary: 'Revoke a token of your subtree: it stops working at once', tags: ['Directory'], roles: ['office'], act: 'admin', params: IdParams, response: TokenListView,
      handler: ({ params, principal }) => revokeToken(ctx, principal, params.id),
    });
}
