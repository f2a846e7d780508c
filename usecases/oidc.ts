import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import type { Config } from '../src/config';
import type { UseCaseContext } from './context';
import { findPersonByUsername, principalOfPerson, startSession } from './sessions';

/**
 * Single sign-on with OpenID Connect: the authorisation code flow with PKCE (openid-client).
 * `GET /auth/oidc/login` sends the browser to the provider with a fresh state, nonce and code
 * verifier kept in a short-lived cookie; `GET /auth/oidc/callback` exchanges the code, checks the
 * ID token, and matches the person by username. A person unknown here, or deactivated, is not
 * signed in: single sign-on says who someone is, the office decides whether they work here.
 */

const FLOW_COOKIE = 'duban_oidc';
const FLOW_PATH = '/api/v1/auth/oidc';
const FLOW_MINUTES = 10;

export type OidcConfig = Pick<Config, 'DUBAN_OIDC_ISSUER' | 'DUBAN_OIDC_CLIENT_ID' | 'DUBAN_OIDC_CLIENT_SECRET' | 'DUBAN_OIDC_SCOPE' | 'DUBAN_OIDC_USERNAME_CLAIM' | 'DUBAN_OIDC_LABEL' | 'DUBAN_PASSWORD_SIGNIN'>;

export const oidcEnabled = (config: OidcConfig) => Boolean(config.DUBAN_OIDC_ISSUER && config.DUBAN_OIDC_CLIENT_ID);

/** What the sign-in page offers. */
export const signInOptions = (config: OidcConfig) => ({
  password: config.DUBAN_PASSWORD_SIGNIN,
  oidc: oidcEnabled(config) ? { label: config.DUBAN_OIDC_LABEL } : null,
});

// The provider's metadata, discovered once per process (again after a failure).
let discovered: { issuer: string; config: Promise<oidc.Configuration> } | null = null;

function providerConfig(config: OidcConfig): Promise<oidc.Configuration> {
  const issuer = config.DUBAN_OIDC_ISSUER!;
  if (discovered?.issuer !== issuer) {
    const insecure = new URL(issuer).protocol === 'http:';
    const pending = oidc.discovery(new URL(issuer), config.DUBAN_OIDC_CLIENT_ID!, config.DUBAN_OIDC_CLIENT_SECRET, undefined, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
    discovered = { issuer, config: pending };
    pending.catch(() => {
      if (discovered?.config === pending) discovered = null;
    });
  }
  return discovered.config;
}

const callbackUrl = (base: string) => `${base}${FLOW_PATH}/callback`;

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
}

/** The redirect to the provider; the flow's secrets go in an HttpOnly cookie bound to this browser. */
export async function beginOidcSignIn(ctx: Pick<UseCaseContext, 'config'>, base: string, req: Request, res: Response): Promise<void> {
  const provider = await providerConfig(ctx.config);
  const flow: Flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
  const url = oidc.buildAuthorizationUrl(provider, {
    redirect_uri: callbackUrl(base),
    scope: ctx.config.DUBAN_OIDC_SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  // Lax, not Strict: the provider's redirect back is a navigation from another site.
  res.cookie(FLOW_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), { httpOnly: true, sameSite: 'lax', secure: req.secure, path: FLOW_PATH, maxAge: FLOW_MINUTES * 60_000 });
  res.redirect(303, url.href);
}

function readFlow(req: Request): Flow | null {
  const raw = /(?:^|;\s*)duban_oidc=([\w-]+)/.exec(req.get('cookie') ?? '')?.[1];
  if (!raw) return null;
  try {
    const flow = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Flow>;
    return typeof flow.state === 'string' && typeof flow.nonce === 'string' && typeof flow.verifier === 'string' ? (flow as Flow) : null;
  } catch {
    return null;
  }
}

/**
 * The provider's answer: on success a session and a redirect to the pages; otherwise a redirect
 * to the sign-in page saying why (`?signin=unknown` for a person not known here or deactivated,
 * `?signin=failed` for a flow that did not complete).
 */
export async function completeOidcSignIn(ctx: Pick<UseCaseContext, 'db' | 'config'>, base: string, req: Request, res: Response): Promise<void> {
  const flow = readFlow(req);
  res.clearCookie(FLOW_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: FLOW_PATH });
  const back = (outcome: 'unknown' | 'failed') => res.redirect(303, `${base}/?signin=${outcome}#/signin`);
  const audit = (action: string, subject: string, detail: Record<string, unknown>, actor = 'anonymous') =>
    ctx.db.auditEntry.create({ data: { actor, action, subject, detail: { ...detail, address: req.ip ?? null, method: 'oidc' } } });
  if (!flow) return back('failed');
  let username: unknown;
  try {
    const provider = await providerConfig(ctx.config);
    const current = new URL(req.originalUrl, base);
    const tokens = await oidc.authorizationCodeGrant(provider, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    const claim = ctx.config.DUBAN_OIDC_USERNAME_CLAIM;
    // Providers put profile claims in the ID token or only in the userinfo answer; ask there when it lacks them.
    username = claims[claim] ?? (await oidc.fetchUserInfo(provider, tokens.access_token, claims.sub))[claim];
  } catch (e) {
    await audit('auth.login_failed', 'oidc', { reason: 'flow', error: (e as Error).message.slice(0, 200) });
    return back('failed');
  }
  const person = typeof username === 'string' ? await findPersonByUsername(ctx.db, username) : null;
  if (!person || !person.active || !principalOfPerson(person)) {
    await audit('auth.login_failed', `username:${typeof username === 'string' ? username.slice(0, 100) : '?'}`, { reason: person ? 'inactive' : 'unknown' });
    return back('unknown');
  }
  await startSession(ctx, person.id, req, res, 'oidc');
  await audit('auth.login', `person:${person.id}`, {}, `person:${person.username}`);
  res.redirect(303, `${base}/#/`);
}
