import { randomInt } from 'node:crypto';
import { uniqueCode } from './fixtures';
import { expectStatus, request, type Api, type Reply } from './http';

/** A password the policy accepts. */
export const GOOD_PASSWORD = 'Lüshan-瀑布-2026';

/** A client address of its own, so failed sign-ins of one test never count against another's (the API trusts X-Forwarded-For from loopback). */
export const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export interface Invited {
  id: string;
  username: string;
  invitationUrl: string;
  /** The invitation token: the link's last segment. */
  token: string;
}

export async function invitePerson(by: Api, body: { role: string; officeCode?: string; unitCode?: string; name?: string; username?: string }): Promise<Invited> {
  const username = body.username ?? uniqueCode(`p-${body.role}`).toLowerCase();
  const reply = expectStatus(await by.post('/people', { name: body.name ?? `测试人员 ${username}`, ...body, username }), 201);
  return { id: reply.id, username, invitationUrl: reply.invitationUrl, token: reply.invitationUrl.split('/').at(-1)! };
}

export const acceptInvitation = (token: string, password: string) => request('POST', `/api/v1/auth/invitations/${token}`, { body: { password } });

export const login = (username: string, password: string, address = someAddress()) =>
  request('POST', '/api/v1/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': address } });

/** The session cookie's `name=value` from a reply that set it. */
export function sessionCookie(reply: Reply): string {
  const set = reply.headers.getSetCookie().find((c) => c.startsWith('duban_session='));
  if (!set) throw new Error(`no session cookie in ${reply.status} ${reply.text.slice(0, 300)}`);
  return set.split(';')[0];
}

export interface Session extends Api {
  cookie: string;
  csrf: string;
  username: string;
  /** A request with the cookie and (for a change) the CSRF header unless `headers` replace them. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export function sessionApi(username: string, cookie: string, csrf: string): Session {
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(method, `/api/v1${path}`, { body, headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers } });
  return {
    token: undefined, cookie, csrf, username, call,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
  };
}

/** Signs in and reads the session's CSRF token. */
export async function signIn(username: string, password = GOOD_PASSWORD): Promise<Session> {
  const reply = await login(username, password);
  expectStatus(reply, 200);
  const cookie = sessionCookie(reply);
  const csrf = expectStatus(await request('GET', '/api/v1/auth/csrf', { headers: { cookie } }), 200).token as string;
  return sessionApi(username, cookie, csrf);
}

/** A person invited by `by`, with a password set, signed in. */
export async function personSession(by: Api, body: { role: string; officeCode?: string; unitCode?: string }): Promise<Session & { id: string }> {
  const invited = await invitePerson(by, body);
  expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
  return { ...(await signIn(invited.username)), id: invited.id };
}
