import type { Prisma } from '../generated/prisma/client';
import type { Db } from '../src/db';
import type { Principal } from './auth';
import { notFound } from './problem';
import { unitWhere } from '../store/visibility';

/**
 * What each principal may see. An office sees its subtree of offices and their units; a
 * unit sees itself; an observer sees itself. Anything outside answers 404, as if absent.
 */
export function officePath(p: Principal): string {
  if (!p.office) throw new Error('office scope asked of a non-office principal');
  return p.office.path;
}

export { unitWhere };

export async function visibleOffice(db: Db, p: Principal, code: string) {
  const office = await db.office.findUnique({ where: { code } });
  if (!office || !p.office || !office.path.startsWith(p.office.path)) throw notFound(`office ${code}`);
  return office;
}

export async function visibleUnit(db: Db, p: Principal, code: string) {
  const unit = await db.unit.findFirst({ where: { AND: [{ code }, unitWhere(p)] }, include: { office: true } });
  if (!unit) throw notFound(`unit ${code}`);
  return unit;
}

/** Rounds an office launched within its subtree, or that include any unit it can see. */
export function roundWhere(p: Principal): Prisma.RoundWhereInput {
  const includesVisibleUnit: Prisma.RoundWhereInput = { units: { some: { unit: unitWhere(p) } } };
  if (p.office) return { OR: [{ office: { path: { startsWith: p.office.path } } }, includesVisibleUnit] };
  return includesVisibleUnit;
}

export async function visibleRound(db: Db, p: Principal, id: string) {
  const round = await db.round.findFirst({ where: { AND: [{ id }, roundWhere(p)] }, include: { office: true } });
  if (!round) throw notFound(`round ${id}`);
  return round;
}

export async function visibleTask(db: Db, p: Principal, id: string) {
  const task = await db.task.findFirst({ where: { id, unit: unitWhere(p) }, include: { unit: true, round: true } });
  if (!task) throw notFound(`task ${id}`);
  return task;
}
