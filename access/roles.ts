import { AppError } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import { CAPABILITIES, PERSON_ROLES, TOKEN_ROLES, type Capability, type PersonRole, type TokenRole } from '../domain/vocabulary';

export { CAPABILITIES, PERSON_ROLES, TOKEN_ROLES, type Capability };

/**
 * What a role within an office may do, in one place. Every route declares the capability it
 * needs (`act` in the route table, api/route.ts); reads need none, so every office role reads.
 *
 *   admin       people, the directory (offices, units, observers, imports, tokens), the catalogue,
 *               webhooks, and (at the root office) the working-day calendar;
 *   supervisor  rounds, programmes, reviews, extensions, waivers, closing, cancelling, tailoring;
 *   viewer      reads only;
 *   unit_contact acts as its unit: a unit principal carrying the person.
 *
 * Office tokens carry a role too; `full` (the CLI's, and the default) is admin and supervisor
 * together, so programs and scripts keep every power an office token always had.
 */

/** What a route needs: a capability, or `anyone` for an action every caller may take on itself (signing out). */
export type Act = Capability | 'anyone';


export function capabilitiesOf(role: PersonRole | TokenRole): Capability[] {
  if (role === 'full') return ['admin', 'supervisor'];
  if (role === 'admin' || role === 'supervisor') return [role];
  return [];
}

/** The token role that grants exactly these capabilities. */
export function tokenRoleFor(caps: readonly Capability[]): TokenRole {
  if (caps.includes('admin') && caps.includes('supervisor')) return 'full';
  return caps[0] ?? 'viewer';
}

interface Acting {
  kind: string;
  /** Office principals only: what it may do beyond reading. */
  capabilities?: readonly Capability[];
}

/** Whether the caller may take an action needing `act`. Units and observers are judged by kind alone. */
export function mayAct(p: Acting, act: Act | undefined): boolean {
  if (!act || act === 'anyone' || p.kind !== 'office') return true;
  return (p.capabilities ?? []).includes(act);
}

export const roleForbidden = (detail: string) => new AppError(403, ErrorCode.RoleForbidden, 'Forbidden', detail);

/** Refuses unless the caller holds every capability in `caps` (e.g. to grant them to a token it mints). */
export function requireCapabilities(p: Acting, caps: readonly Capability[], what: string): void {
  const missing = caps.filter((c) => !mayAct(p, c));
  if (missing.length > 0) throw roleForbidden(`${what} needs the ${missing.join(' and ')} role`);
}
