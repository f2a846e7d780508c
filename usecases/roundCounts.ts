import { unitWhere, type Viewer } from '../access/visibility';
import type { Db } from '../src/db';

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
 * Counts per round over the units the caller may see. `tasks` is what the round will issue
 * (units x task specs); `issued` what exists so far; `escalated` the tasks that reached the
 * parent office or beyond (escalated or public_notice).
 */
export async function roundCounts(db: Db, viewer: Viewer, rounds: Array<{ id: string; spec: unknown }>): Promise<Map<string, Counts>> {
  const roundIds = rounds.map((r) => r.id);
  const visible = { roundId: { in: roundIds }, unit: unitWhere(viewer) };
  const [units, byStatus, escalated] = await Promise.all([
    db.roundUnit.groupBy({ by: ['roundId'], where: visible, _count: { _all: true } }),
    db.task.groupBy({ by: ['roundId', 'status'], where: visible, _count: { _all: true } }),
    db.task.groupBy({ by: ['roundId'], where: { ...visible, escalationLevel: { in: ['escalated', 'public_notice'] } }, _count: { _all: true } }),
  ]);
  return new Map(
    rounds.map((r) => {
      const unitCount = units.find((u) => u.roundId === r.id)?._count._all ?? 0;
      const statuses = byStatus.filter((s) => s.roundId === r.id);
      const of = (status: string) => statuses.find((s) => s.status === status)?._count._all ?? 0;
      const specTasks = (r.spec as { tasks: unknown[] }).tasks.length;
      return [
        r.id,
        {
          units: unitCount,
          tasks: unitCount * specTasks,
          issued: statuses.reduce((s, x) => s + x._count._all, 0),
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
