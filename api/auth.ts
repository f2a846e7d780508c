import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { capabilitiesOf } from '../access/roles';
import type { TokenRole } from '../generated/prisma/client';
import { ErrorCode } from '../domain/errors';
import type { PrincipalKind } from '../domain/vocabulary';
import type { Db } from '../src/db';
import type { Actor, UseCaseContext } from '../usecases/context';
import { tokenByHash } from '../store/principals';
import { resolveSession, SESSION_COOKIE } from '../usecases/sessions';
import { AppError, unauthorized } from './problem';

/** The caller of a request: who they are, what they may see, and the name records carry. */
export type Principal = Actor;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newToken(): string {
  return `dbn_${randomBytes(24).toString('base64url')}`;
}

export interface MintOptions {
  label?: string;
  /** Office tokens: what the holder may do (default full). */
  role?: TokenRole;
  expiresAt?: Date;
  createdBy?: string;
}

/** Mints a token for a principal and stores only its hash. */
export async function mintToken(db: Db, target: { kind: PrincipalKind; id: string }, label?: string | MintOptions): Promise<string> {
  const opts: MintOptions = typeof label === 'string' || label === undefined ? { label } : label;
  return (await mintTokenRow(db, target, opts)).token;
}

export async function mintTokenRow(db: Db, target: { kind: PrincipalKind; id: string }, opts: MintOptions) {
  const token = newToken();
  const row = await db.apiToken.create({
    data: {
      tokenHash: hashToken(token),
      kind: target.kind,
      label: opts.label,
      role: target.kind === 'office' ? (opts.role ?? 'full') : 'full',
      expiresAt: opts.expiresAt,
      createdBy: opts.createdBy,
      officeId: target.kind === 'office' ? target.id : null,
      unitId: target.kind === 'unit' ? target.id : null,
      observerId: target.kind === 'observer' ? target.id : null,
    },
  });
  return { token, row };
}

export async function resolvePrincipal(db: Db, token: string): Promise<Principal | null> {
  const row = await tokenByHash(db, hashToken(token));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  if (row.kind === 'office' && row.office) {
    return {
      kind: 'office', tokenId: row.id, actor: `office:${row.office.code}`, capabilities: capabilitiesOf(row.role),
      office: { id: row.office.id, code: row.office.code, path: row.office.path },
    };
  }
  if (row.kind === 'unit' && row.unit) {
    return { kind: 'unit', tokenId: row.id, actor: `unit:${row.unit.code}`, unit: { id: row.unit.id, code: row.unit.code, officeId: row.unit.officeId } };
  }
  if (row.kind === 'observer' && row.observer) {
    return { kind: 'observer', tokenId: row.id, actor: `observer:${row.observer.code}`, observer: { id: row.observer.id, code: row.observer.code, unitId: row.observer.unitId } };
  }
  return null;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** The value of one cookie of the request, if sent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * A request is authenticated by `Authorization: Bearer <token>` (programs; a bearer that does
 * not resolve is refused, never read as the cookie instead) or by the session cookie (people in
 * the browser). A session's changes must carry X-CSRF-Token: a page of another site can make
 * the browser send the cookie, never that header.
 */
export function authenticate(ctx: Pick<UseCaseContext, 'db' | 'config'>): RequestHandler {
  return async (req, _res, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (bearer || req.get('authorization')) {
      const principal = bearer ? await resolvePrincipal(ctx.db, bearer[1]) : null;
      if (!principal) throw unauthorized();
      req.principal = principal;
      return next();
    }
    const cookie = cookieValue(req.get('cookie'), SESSION_COOKIE);
    const session = cookie ? await resolveSession(ctx, cookie) : null;
    if (!session) throw unauthorized();
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.get('x-csrf-token');
      if (!sent) throw new AppError(403, ErrorCode.CsrfMissing, 'Forbidden', 'a change made with a session needs the X-CSRF-Token header from GET /auth/csrf');
      if (!sameSecret(sent, session.csrfToken)) throw new AppError(403, ErrorCode.CsrfInvalid, 'Forbidden', 'X-CSRF-Token does not match this session');
    }
    req.principal = session.principal;
    next();
  };
}
