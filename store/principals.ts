import type { PersonRole, PrincipalKind, TokenRole } from '../generated/prisma/client';
import type { Db } from '../src/db';

/**
 * The caller of every request, read in one query: a bearer token or a session with the office,
 * unit or observer it acts for. (Prisma's `include` reads each relation in a query of its own:
 * four queries before any request could start its own work.)
 */

export interface Place {
  office: { id: string; code: string; path: string } | null;
  unit: { id: string; code: string; officeId: string } | null;
}

export interface TokenRow extends Place {
  id: string;
  kind: PrincipalKind;
  role: TokenRole;
  expiresAt: Date | null;
  revokedAt: Date | null;
  observer: { id: string; code: string; unitId: string } | null;
}

export interface SessionRow {
  id: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
  person: Place & { id: string; username: string; name: string; role: PersonRole; active: boolean };
}

interface PlaceColumns {
  office_id: string | null;
  office_code: string | null;
  office_path: string | null;
  unit_id: string | null;
  unit_code: string | null;
  unit_office_id: string | null;
}

const instant = (v: Date | string | null) => (v === null ? null : new Date(v));

function placeOf(r: PlaceColumns): Place {
  return {
    office: r.office_id ? { id: r.office_id, code: r.office_code!, path: r.office_path! } : null,
    unit: r.unit_id ? { id: r.unit_id, code: r.unit_code!, officeId: r.unit_office_id! } : null,
  };
}

export async function tokenByHash(db: Db, tokenHash: string): Promise<TokenRow | null> {
  const [r] = await db.$queryRaw<
    Array<PlaceColumns & { id: string; kind: PrincipalKind; role: TokenRole; expires_at: Date | null; revoked_at: Date | null; observer_id: string | null; observer_code: string | null; observer_unit_id: string | null }>
  >`
    SELECT t.id::text, t.kind::text AS kind, t.role::text AS role, t.expires_at, t.revoked_at,
           o.id::text AS office_id, o.code AS office_code, o.path AS office_path,
           u.id::text AS unit_id, u.code AS unit_code, u.office_id::text AS unit_office_id,
           b.id::text AS observer_id, b.code AS observer_code, b.unit_id::text AS observer_unit_id
    FROM api_tokens t
    LEFT JOIN offices o ON o.id = t.office_id
    LEFT JOIN units u ON u.id = t.unit_id
    LEFT JOIN observers b ON b.id = t.observer_id
    WHERE t.token_hash = ${tokenHash}`;
  if (!r) return null;
  return {
    id: r.id,
    kind: r.kind,
    role: r.role,
    expiresAt: instant(r.expires_at),
    revokedAt: instant(r.revoked_at),
    ...placeOf(r),
    observer: r.observer_id ? { id: r.observer_id, code: r.observer_code!, unitId: r.observer_unit_id! } : null,
  };
}

export async function sessionById(db: Db, id: string): Promise<SessionRow | null> {
  const [r] = await db.$queryRaw<
    Array<PlaceColumns & { id: string; csrf_token: string; created_at: Date; last_seen_at: Date; ended_at: Date | null; person_id: string; username: string; name: string; role: PersonRole; active: boolean }>
  >`
    SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, s.ended_at,
           p.id::text AS person_id, p.username, p.name, p.role::text AS role, p.active,
           o.id::text AS office_id, o.code AS office_code, o.path AS office_path,
           u.id::text AS unit_id, u.code AS unit_code, u.office_id::text AS unit_office_id
    FROM sessions s
    JOIN people p ON p.id = s.person_id
    LEFT JOIN offices o ON o.id = p.office_id
    LEFT JOIN units u ON u.id = p.unit_id
    WHERE s.id = ${id}`;
  if (!r) return null;
  return {
    id: r.id,
    csrfToken: r.csrf_token,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    endedAt: instant(r.ended_at),
    person: { id: r.person_id, username: r.username, name: r.name, role: r.role, active: r.active, ...placeOf(r) },
  };
}
