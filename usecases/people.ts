import { createHash, randomBytes } from 'node:crypto';
import { capabilitiesOf, requireCapabilities, tokenRoleFor } from '../access/roles';
import { personWhere, tokenWhere, visibleObserver, visibleOffice, visiblePerson, visibleToken, visibleUnit } from '../access/visibility';
import { mintTokenRow } from '../api/auth';
import { badRequest, forbidden, notFound } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import type { CreatePersonBody, CreateTokenBody } from '../domain/schemas/people';
import type { Db } from '../src/db';
import { hashPassword, passwordProblems } from '../src/passwords';
import type { Actor, UseCaseContext } from './context';
import { uniquely } from './directory';
import { endSessionsOf } from './sessions';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Where a person sets a password: the pages' address with the token last, in the fragment so it stays out of logs and Referer. */
export const invitationUrl = (origin: string, token: string) => `${origin.replace(/\/+$/, '')}/#/invitation/${token}`;

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A new one-time link for a person; any earlier open one stops working. */
async function invite(tx: Tx, personId: string, origin: string) {
  await tx.invitation.updateMany({ where: { personId, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  await tx.invitation.create({ data: { tokenHash: hashOf(token), personId, expiresAt } });
  return { id: personId, invitationUrl: invitationUrl(origin, token), expiresAt: expiresAt.toISOString() };
}

const field = (path: string, message: string, code: string) => badRequest(`${path}: ${message}`, [{ path, message, in: 'body', code }]);

/** Adds a person to an office or unit of the caller's subtree and returns their invitation link. */
export async function createPerson({ db }: UseCaseContext, actor: Actor, body: CreatePersonBody, origin: string) {
  let place: { officeId: string } | { unitId: string };
  if (body.role === 'unit_contact') {
    if (body.officeCode) throw field('officeCode', 'a unit contact belongs to a unit: give unitCode only', 'not_allowed');
    if (!body.unitCode) throw field('unitCode', 'required for a unit contact', 'required');
    place = { unitId: (await visibleUnit(db, actor, body.unitCode)).id };
  } else {
    if (body.unitCode) throw field('unitCode', 'office roles belong to an office: give officeCode', 'not_allowed');
    place = { officeId: (await visibleOffice(db, actor, body.officeCode ?? actor.office!.code)).id };
  }
  return uniquely(`username ${body.username}`, () =>
    db.$transaction(async (tx) => {
      const person = await tx.person.create({ data: { name: body.name, username: body.username, role: body.role, ...place, createdBy: actor.actor } });
      await tx.auditEntry.create({ data: { actor: actor.actor, action: 'person.create', subject: `person:${person.id}`, detail: { ...body } } });
      return invite(tx, person.id, origin);
    }),
  );
}

type PersonRow = Awaited<ReturnType<typeof visiblePerson>> & { invitations?: Array<{ expiresAt: Date }> };

const personView = (p: PersonRow) => ({
  id: p.id, name: p.name, username: p.username, role: p.role, officeCode: p.office?.code ?? null, unitCode: p.unit?.code ?? null, active: p.active,
  hasPassword: p.passwordHash !== null, invitationExpiresAt: p.invitations?.[0]?.expiresAt.toISOString() ?? null, createdAt: p.createdAt.toISOString(), createdBy: p.createdBy,
});

const OPEN_INVITATION = () => ({ where: { usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, orderBy: { expiresAt: 'desc' as const }, take: 1 });

export async function listPeople({ db }: UseCaseContext, actor: Actor) {
  const people = await db.person.findMany({ where: personWhere(actor), include: { office: true, unit: true, invitations: OPEN_INVITATION() }, orderBy: [{ username: 'asc' }] });
  return people.map(personView);
}

/** Deactivates a person of the caller's subtree: every session of theirs ends at once, and open invitations stop working. */
export async function deactivatePerson({ db }: UseCaseContext, actor: Actor, id: string) {
  const person = await visiblePerson(db, actor, id);
  await db.$transaction(async (tx) => {
    await tx.person.update({ where: { id: person.id }, data: { active: false, deactivatedAt: new Date() } });
    await endSessionsOf(tx, person.id);
    await tx.invitation.updateMany({ where: { personId: person.id, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.auditEntry.create({ data: { actor: actor.actor, action: 'person.deactivate', subject: `person:${person.id}`, detail: { username: person.username } } });
  });
  return personView({ ...(await visiblePerson(db, actor, id)), invitations: [] });
}

/** A new invitation link: the old password stops working, every session ends, and a deactivated person is active again. */
export async function reinvitePerson({ db }: UseCaseContext, actor: Actor, id: string, origin: string) {
  const person = await visiblePerson(db, actor, id);
  return db.$transaction(async (tx) => {
    await tx.person.update({ where: { id: person.id }, data: { passwordHash: null, active: true, deactivatedAt: null } });
    await endSessionsOf(tx, person.id);
    await tx.auditEntry.create({ data: { actor: actor.actor, action: 'person.reinvite', subject: `person:${person.id}`, detail: { username: person.username } } });
    return invite(tx, person.id, origin);
  });
}

/**
 * Sets a password with an invitation token: once, within 7 days. Any other token (unknown,
 * used, replaced, expired) answers the same 404. The policy is checked first, so a weak
 * password is refused the same way whatever the token.
 */
export async function acceptInvitation({ db }: UseCaseContext, token: string, password: string) {
  const weak = passwordProblems(password);
  if (weak.length > 0) throw badRequest(`password: ${weak[0].message}`, weak, ErrorCode.WeakPassword);
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashOf(token) }, include: { person: true } });
  const now = new Date();
  if (!invitation || invitation.usedAt || invitation.revokedAt || invitation.expiresAt <= now || !invitation.person.active) throw notFound('invitation');
  const mine = passwordProblems(password, invitation.person.username);
  if (mine.length > 0) throw badRequest(`password: ${mine[0].message}`, mine, ErrorCode.WeakPassword);
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const used = await tx.invitation.updateMany({ where: { id: invitation.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (used.count !== 1) throw notFound('invitation');
    await tx.person.update({ where: { id: invitation.personId }, data: { passwordHash } });
    await endSessionsOf(tx, invitation.personId);
    await tx.auditEntry.create({ data: { actor: `person:${invitation.person.username}`, action: 'person.password_set', subject: `person:${invitation.personId}`, detail: {} } });
  });
}

// Program tokens.

type TokenRow = Awaited<ReturnType<typeof visibleToken>>;

const tokenEntry = (t: TokenRow) => ({
  id: t.id, kind: t.kind, code: (t.office ?? t.unit ?? t.observer)?.code ?? '', label: t.label, role: t.kind === 'office' ? t.role : null,
  expiresAt: t.expiresAt?.toISOString() ?? null, createdAt: t.createdAt.toISOString(), createdBy: t.createdBy, revokedAt: t.revokedAt?.toISOString() ?? null,
});

async function tokenTarget(db: Db, actor: Actor, kind: CreateTokenBody['kind'], code: string) {
  if (kind === 'unit') return { kind, id: (await visibleUnit(db, actor, code)).id };
  if (kind === 'observer') return { kind, id: (await visibleObserver(db, actor, code)).id };
  const office = await visibleOffice(db, actor, code);
  if (office.id === actor.office!.id) throw forbidden('an office may mint tokens only for offices below it');
  return { kind, id: office.id };
}

/**
 * A token for a unit, an observer or an office strictly below the caller's, all within its
 * subtree; an office token never carries more than the caller may do itself.
 */
export async function mintTokenFor({ db }: UseCaseContext, actor: Actor, body: CreateTokenBody) {
  if (body.role && body.kind !== 'office') throw field('role', 'only office tokens carry a role', 'not_allowed');
  if (body.expiresAt && new Date(body.expiresAt).getTime() <= Date.now()) throw field('expiresAt', 'must be in the future', 'past');
  const target = await tokenTarget(db, actor, body.kind, body.code);
  const role = body.kind === 'office' ? (body.role ?? tokenRoleFor(actor.capabilities ?? [])) : undefined;
  if (role) requireCapabilities(actor, capabilitiesOf(role), `a ${role} token`);
  const { token, row } = await mintTokenRow(db, target, {
    label: body.label ?? `minted by ${actor.actor}`, role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined, createdBy: actor.actor,
  });
  return { token, ...tokenEntry({ ...row, office: null, unit: null, observer: null }), code: body.code };
}

export async function listTokens({ db }: UseCaseContext, actor: Actor) {
  const tokens = await db.apiToken.findMany({ where: tokenWhere(actor), include: { office: true, unit: true, observer: true }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  return tokens.map(tokenEntry);
}

/** Revokes a token of the caller's subtree; revoking one already revoked changes nothing. */
export async function revokeToken({ db }: UseCaseContext, actor: Actor, id: string) {
  const token = await visibleToken(db, actor, id);
  if (!token.revokedAt) {
    await db.$transaction([
      db.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } }),
      db.auditEntry.create({ data: { actor: actor.actor, action: 'token.revoke', subject: `token:${token.id}`, detail: { label: token.label } } }),
    ]);
  }
  return tokenEntry(await visibleToken(db, actor, id));
}
