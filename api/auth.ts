import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { PrincipalKind } from '../domain/vocabulary';
import type { Db } from '../src/db';
import type { Actor } from '../usecases/context';
import { unauthorized } from './problem';

/** The caller of a request: who they are, what they may see, and the name records carry. */
export type Principal = Actor;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newToken(): string {
  return `dbn_${randomBytes(24).toString('base64url')}`;
}

/** Mints a token for a principal and stores only its hash. */
export async function mintToken(db: Db, target: { kind: PrincipalKind; id: string }, label?: string): Promise<string> {
  const token = newToken();
  await db.apiToken.create({
    data: {
      tokenHash: hashToken(token),
      kind: target.kind,
      label,
      officeId: target.kind === 'office' ? target.id : null,
      unitId: target.kind === 'unit' ? target.id : null,
      observerId: target.kind === 'observer' ? target.id : null,
    },
  });
  return token;
}

export async function resolvePrincipal(db: Db, token: string): Promise<Principal | null> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { office: true, unit: true, observer: true },
  });
  if (!row || row.revokedAt) return null;
  if (row.kind === 'office' && row.office) {
    return { kind: 'office', tokenId: row.id, actor: `office:${row.office.code}`, office: { id: row.office.id, code: row.office.code, path: row.office.path } };
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

export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const principal = match ? await resolvePrincipal(db, match[1]) : null;
    if (!principal) throw unauthorized();
    req.principal = principal;
    next();
  };
}
