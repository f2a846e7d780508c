import type { Request, Response } from 'express';
import { AppError } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import { dummyHash, verifyPassword } from '../src/passwords';
import type { Actor, UseCaseContext } from './context';
import { whoAmI } from './records';
import { clearSessionCookie, csrfTokenOf, endSession, findPersonByUsername, normalizeUsername, principalOfPerson, startSession } from './sessions';

const loginFailed = () => new AppError(401, ErrorCode.LoginFailed, 'Unauthorized', 'wrong username or password');

/**
 * Password sign-in. An unknown username, a person without a password yet, a deactivated person
 * and a wrong password all answer the same 401, after the same Argon2 verification (against a
 * dummy hash when there is no real one), so neither the answer nor its timing tells them apart.
 */
export async function signIn(ctx: UseCaseContext, body: { username: string; password: string }, req: Request, res: Response) {
  const { db } = ctx;
  if (!ctx.config.DUBAN_PASSWORD_SIGNIN) throw new AppError(403, ErrorCode.PasswordSignInOff, 'Forbidden', 'password sign-in is switched off here; sign in through single sign-on');
  const username = normalizeUsername(body.username);
  const person = await findPersonByUsername(db, username);
  const matches = await verifyPassword(person?.passwordHash ?? (await dummyHash()), body.password);
  const principal = person && person.active && person.passwordHash && matches ? principalOfPerson(person) : null;
  if (!person || !principal) {
    const reason = !person ? 'unknown_username' : !person.active ? 'inactive' : !person.passwordHash ? 'no_password' : matches ? 'no_office' : 'wrong_password';
    await db.auditEntry.create({ data: { actor: 'anonymous', action: 'auth.login_failed', subject: `username:${username}`, detail: { reason, address: req.ip ?? null } } });
    throw loginFailed();
  }
  const session = await startSession(ctx, person.id, req, res);
  await db.auditEntry.create({ data: { actor: principal.actor, action: 'auth.login', subject: `person:${person.id}`, detail: { address: req.ip ?? null, method: 'password' } } });
  return { principal: await whoAmI(ctx, { ...principal, sessionId: session.id }) };
}

/** Ends the caller's session (a bearer token has none to end) and clears the cookie. */
export async function signOut(ctx: UseCaseContext, actor: Actor, req: Request, res: Response) {
  if (actor.sessionId) {
    await endSession(ctx.db, actor.sessionId);
    await ctx.db.auditEntry.create({ data: { actor: actor.actor, action: 'auth.logout', subject: `person:${actor.person!.id}`, detail: {} } });
  }
  clearSessionCookie(req, res);
}

/** The value a session's changes must carry in X-CSRF-Token; bearer tokens need none (null). */
export async function csrfToken(ctx: UseCaseContext, actor: Actor) {
  return { token: actor.sessionId ? await csrfTokenOf(ctx.db, actor.sessionId) : null };
}
