import { z } from '../../domain/schemas/common';
import { ErrorCode } from '../../domain/errors';
import type { UseCaseContext } from '../../usecases/context';
import { beginOidcSignIn, completeOidcSignIn, oidcEnabled, signInOptions } from '../../usecases/oidc';
import { AppError } from '../problem';
import { publicBase } from '../publicUrl';
import type { Routes } from '../route';

const SignInOptionsView = z
  .object({
    password: z.boolean().openapi({ description: 'Whether POST /auth/login is on' }),
    oidc: z.object({ label: z.string() }).nullable().openapi({ description: 'Single sign-on, when configured: GET /auth/oidc/login starts it' }),
  })
  .openapi('SignInOptions');

// What a provider sends back: the code and state, or an error; providers add parameters of their own (iss, session_state).
const CallbackQuery = z
  .object({
    code: z.string().max(2000).optional(),
    state: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .loose();

const oidcOff = () => new AppError(404, ErrorCode.OidcOff, 'Not Found', 'single sign-on is not configured here');

/** Single sign-on (OpenID Connect) and what the sign-in page offers; all before authentication. */
export function signOnRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/auth/options', summary: 'How people sign in here: password, single sign-on or both', tags: ['People'], roles: [], public: true, response: SignInOptionsView,
      handler: async () => signInOptions(ctx.config),
    })
    .add({
      method: 'get', path: '/auth/oidc/login', summary: 'Start single sign-on: a redirect to the OpenID provider (authorisation code flow with PKCE)', tags: ['People'], roles: [], public: true,
      status: 303, produces: 'text/plain', errors: [404],
      handler: async ({ req, res }) => {
        if (!oidcEnabled(ctx.config)) throw oidcOff();
        await beginOidcSignIn(ctx, publicBase(ctx.config, req), req, res);
      },
    })
    .add({
      method: 'get', path: '/auth/oidc/callback', summary: "The OpenID provider's redirect back: signs the person in (matched by username) and returns to the pages", tags: ['People'], roles: [], public: true,
      query: CallbackQuery, status: 303, produces: 'text/plain', errors: [404],
      handler: async ({ req, res }) => {
        if (!oidcEnabled(ctx.config)) throw oidcOff();
        await completeOidcSignIn(ctx, publicBase(ctx.config, req), req, res);
      },
    });
}
