import { visibleRound } from '../access/visibility';
import { auditEntries } from '../store/audit';
import { burdenForPeriod } from '../store/burden';
import type { Actor, UseCaseContext } from './context';

/** The audit trail of tasks and submissions of units in the office's subtree. */
export async function listAudit({ db }: UseCaseContext, actor: Actor, query: { roundId?: string; subject?: string; limit: number; offset: number }) {
  if (query.roundId) await visibleRound(db, actor, query.roundId);
  const rows = await auditEntries(db, { officePath: actor.office!.path, roundId: query.roundId, subject: query.subject, limit: query.limit, offset: query.offset });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** 减轻基层负担: what each unit of the subtree received in a period's rounds, most burdened first. */
export async function burdenOfPeriod({ db }: UseCaseContext, actor: Actor, period: string) {
  const rows = await burdenForPeriod(db, period, actor.office!.path);
  return { period, units: rows.map(({ unitId: _unitId, ...r }) => r) };
}

/** Who the caller is, so a page can show the right portal. */
export async function whoAmI(ctx: UseCaseContext, actor: Actor) {
  const who = await principalView(ctx, actor);
  return {
    ...who,
    actor: actor.actor,
    ...(actor.office ? { capabilities: [...(actor.capabilities ?? [])] } : {}),
    ...(actor.person ? { person: { username: actor.person.username, name: actor.person.name, role: actor.person.role } } : {}),
  };
}

async function principalView({ db }: UseCaseContext, actor: Actor) {
  if (actor.office) {
    const office = await db.office.findUniqueOrThrow({ where: { id: actor.office.id } });
    return { kind: 'office' as const, code: office.code, name: office.name, officeCode: office.code };
  }
  if (actor.unit) {
    const unit = await db.unit.findUniqueOrThrow({ where: { id: actor.unit.id }, include: { office: { select: { code: true } } } });
    return { kind: 'unit' as const, code: unit.code, name: unit.name, officeCode: unit.office.code, unitCode: unit.code };
  }
  const observer = await db.observer.findUniqueOrThrow({ where: { id: actor.observer!.id }, include: { unit: { include: { office: { select: { code: true } } } } } });
  return { kind: 'observer' as const, code: observer.code, name: observer.name, officeCode: observer.unit.office.code, unitCode: observer.unit.code, unitName: observer.unit.name };
}
