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
 * Counts per round over the units the caller may see, summed from the per-unit counts that
 * triggers on tasks keep in round_units (never a count over tasks). `tasks` is what the round
 * will issue: the tasks of units already issued (their own lists, with tasks added since) and
 * the planned list of each unit not yet issued (a list is written in one statement, so a unit
 * has none or all of it); `issued` what exists so far; `escalated` the tasks that reached the
 * parent office or beyond (escalated or public_notice).
 */
export async function roundCounts(db: Db, viewer: Viewer, rounds: Array<{ id: string; spec: unknown }>): Promise<Map<string, Counts>> {
  const visible = { roundId: { in: rounds.map((r) => r.id) }, unit: unitWhere(viewer) };
  const [sums, waiting] = await Promise.all([
    db.roundUnit.groupBy({
      by: ['roundId'],
      where: visible,
      _count: { _all: true },
      _sum: { taskCount: true, submittedCount: true, acceptedCount: true, returnedCount: true, overdueCount: true, waivedCount: true, escalatedCount: true },
    }),
    db.roundUnit.findMany({ where: { ...visible, taskCount: 0 }, select: { roundId: true, unit: { select: { code: true } } } }),
  ]);
  return new Map(
    rounds.map((r) => {
      const row = sums.find((s) => s.roundId === r.id);
      const sum = row?._sum;
      const issued = sum?.taskCount ?? 0;
      const planned = waiting.filter((w) => w.roundId === r.id).reduce((n, w) => n + unitTaskList(r.spec as RoundSpec, w.unit.code).length, 0);
      return [
        r.id,
        {
          units: row?._count._all ?? 0,
          tasks: issued + planned,
          issued,
          submitted: sum?.submittedCount ?? 0,
          accepted: sum?.acceptedCount ?? 0,
          returned: sum?.returnedCount ?? 0,
          overdue: sum?.overdueCount ?? 0,
          waived: sum?.waivedCount ?? 0,
          escalated: sum?.escalatedCount ?? 0,
        },
      ];
    }),
  );
}
