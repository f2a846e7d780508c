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
// RFC 6749 keeps these to visible ASCII; the limits keep the whole address well inside what the server reads.
const vschar = (max: number) => z.string().max(max).regex(/^[\x20-\x7e]*$/, 'visible ASCII characters only');
const CallbackQuery = z
  .object({
    code: vschar(1024).optional(),
    state: vschar(256).optional(),
    error: vschar(100).optional(),
    error_description: vschar(500).optional(),
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
