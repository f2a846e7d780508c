import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { capabilitiesOf } from '../access/roles';
import type { Person } from '../generated/prisma/client';
import type { Db } from '../src/db';
import { sessionById, type Place } from '../store/principals';
import type { Actor, UseCaseContext } from './context';

/**
 * Sessions of people signed in in a browser. The cookie holds a random value; the server keeps
 * only its sha256 as the session's id, with when it began and was last used, so a session can be
 * ended (sign-out, deactivation, a new invitation) and expires when idle or simply old.
 *
 * `startSession` and `findPersonByUsername` are what any way of signing in (the password form,
 * a single sign-on callback) uses once it knows who the person is.
 */
export const SESSION_COOKIE = 'duban_session';

/** Last-seen times are written at most this often, so a busy page does not write on every request. */
const TOUCH_EVERY_MS = 15_000;

type SessionConfig = Pick<UseCaseContext['config'], 'DUBAN_SESSION_IDLE_MINUTES' | 'DUBAN_SESSION_MAX_HOURS'>;

const sessionId = (cookie: string) => createHash('sha256').update(cookie).digest('hex');

/** Usernames are compared as typed, lower-cased and trimmed. */
export const normalizeUsername = (username: string) => username.trim().toLowerCase();

export function findPersonByUsername(db: Db, username: string) {
  return db.person.findUnique({ where: { username: normalizeUsername(username) }, include: { office: true, unit: true } });
}

type PersonWithPlace = Pick<Person, 'id' | 'username' | 'name' | 'role'> & Place;

/** The principal a person acts as: its office with its role's capabilities, or (unit_contact) its unit. */
export function principalOfPerson(person: PersonWithPlace, sessionId?: string): Actor | null {
  const base = { actor: `person:${person.username}`, person: { id: person.id, username: person.username, name: person.name, role: person.role }, sessionId };
  if (person.role === 'unit_contact') {
    if (!person.unit) return null;
    return { ...base, kind: 'unit', unit: { id: person.unit.id, code: person.unit.code, officeId: person.unit.officeId } };
  }
  if (!person.office) return null;
  return { ...base, kind: 'office', capabilities: capabilitiesOf(person.role), office: { id: person.office.id, code: person.office.code, path: person.office.path } };
}

/** Opens a session for a person already known to be who they say, and sets its cookie on the response. */
export async function startSession(ctx: Pick<UseCaseContext, 'db' | 'config'>, personId: string, req: Request, res: Response, method = 'password') {
  const cookie = randomBytes(32).toString('base64url');
  const session = await ctx.db.session.create({ data: { id: sessionId(cookie), personId, csrfToken: randomBytes(24).toString('base64url'), method } });
  res.cookie(SESSION_COOKIE, cookie, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: req.secure,
    maxAge: Math.round(ctx.config.DUBAN_SESSION_MAX_HOURS * 3_600_000),
  });
  return session;
}

export function clearSessionCookie(req: Request, res: Response) {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
}

/** Whether a session of these times has outlived either limit at `now`. */
export function sessionExpired(config: SessionConfig, s: { createdAt: Date; lastSeenAt: Date }, now = Date.now()): boolean {
  return now - s.lastSeenAt.getTime() >= config.DUBAN_SESSION_IDLE_MINUTES * 60_000 || now - s.createdAt.getTime() >= config.DUBAN_SESSION_MAX_HOURS * 3_600_000;
}

/** The session a cookie names, if it is open, within both limits and its person active; a lapsed one is ended on the way. */
export async function resolveSession(ctx: Pick<UseCaseContext, 'db' | 'config'>, cookie: string): Promise<{ principal: Actor; csrfToken: string; id: string } | null> {
  const { db, config } = ctx;
  const session = await sessionById(db, sessionId(cookie));
  if (!session || session.endedAt || !session.person.active) return null;
  const now = Date.now();
  if (sessionExpired(config, session, now)) {
    await db.session.updateMany({ where: { id: session.id, endedAt: null }, data: { endedAt: new Date(now) } });
    return null;
  }
  const principal = principalOfPerson(session.person, session.id);
  if (!principal) return null;
  if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  return { principal, csrfToken: session.csrfToken, id: session.id };
}

export async function endSession(db: Db, id: string) {
  await db.session.updateMany({ where: { id, endedAt: null }, data: { endedAt: new Date() } });
}

/** Ends every open session of a person at once (deactivation, a new invitation, a new password). */
export function endSessionsOf(db: Pick<Db, 'session'>, personId: string) {
  return db.session.updateMany({ where: { personId, endedAt: null }, data: { endedAt: new Date() } });
}

export async function csrfTokenOf(db: Db, id: string) {
  return (await db.session.findUniqueOrThrow({ where: { id } })).csrfToken;
}
