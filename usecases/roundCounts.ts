import { unitWhere, type Viewer } from '../access/visibility';
import type { Db } from '../src/db';
import { unitTaskList, type RoundSpec } from '../store/roundSpec';

export interface Counts {
  units: number;
  tasks: number;
  issued: number;
  submitted: number;
  accepted: number;
  returned: number;
  overdue: number;
  waived: number;
  escalated: number;
}

/**
 * Counts per round over the units the caller may see. `tasks` is what the round will issue:
 * the tasks of units already issued (their own lists, with tasks added since) and the planned
 * list of each unit still waiting; `issued` what exists so far; `escalated` the tasks that reached the
 * parent office or beyond (escalated or public_notice).
 */
export async function roundCounts(db: Db, viewer: Viewer, rounds: Array<{ id: string; spec: unknown }>): Promise<Map<string, Counts>> {
  const roundIds = rounds.map((r) => r.id);
  const visible = { roundId: { in: roundIds }, unit: unitWhere(viewer) };
  const [units, waiting, byStatus, escalated] = await Promise.all([
    db.roundUnit.groupBy({ by: ['roundId'], where: visible, _count: { _all: true } }),
    db.roundUnit.findMany({ where: { ...visible, issuedAt: null }, select: { roundId: true, unit: { select: { code: true } } } }),
    db.task.groupBy({ by: ['roundId', 'status'], where: visible, _count: { _all: true } }),
    db.task.groupBy({ by: ['roundId'], where: { ...visible, escalationLevel: { in: ['escalated', 'public_notice'] } }, _count: { _all: true } }),
  ]);
  return new Map(
    rounds.map((r) => {
      const unitCount = units.find((u) => u.roundId === r.id)?._count._all ?? 0;
      const statuses = byStatus.filter((s) => s.roundId === r.id);
      const of = (status: string) => statuses.find((s) => s.status === status)?._count._all ?? 0;
      const issued = statuses.reduce((s, x) => s + x._count._all, 0);
      const unitsWaiting = waiting.filter((w) => w.roundId === r.id);
      const planned = unitsWaiting.reduce((s, w) => s + unitTaskList(r.spec as RoundSpec, w.unit.code).length, 0);
      return [
        r.id,
        {
          units: unitCount,
          tasks: issued + planned,
          issued,
          submitted: of('submitted'),
          accepted: of('accepted'),
          returned: of('returned'),
          overdue: of('overdue'),
          waived: of('waived'),
          escalated: escalated.find((e) => e.roundId === r.id)?._count._all ?? 0,
        },
      ];
    }),
  );
}
