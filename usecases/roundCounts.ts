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
  // Units not yet issued are counted, not loaded: each has the common list, except the few a round tailors,
  // which are the only ones read one by one (at launch a national round has 20,000 units waiting).
  const tailored = [...new Set(rounds.flatMap((r) => Object.keys((r.spec as RoundSpec).unitTasks ?? {})))];
  const [sums, waitingCounts, waitingTailored] = await Promise.all([
    db.roundUnit.groupBy({
      by: ['roundId'],
      where: visible,
      _count: { _all: true },
      _sum: { taskCount: true, submittedCount: true, acceptedCount: true, returnedCount: true, overdueCount: true, waivedCount: true, escalatedCount: true },
    }),
    db.roundUnit.groupBy({ by: ['roundId'], where: { ...visible, taskCount: 0 }, _count: { _all: true } }),
    tailored.length === 0
      ? Promise.resolve([])
      : db.roundUnit.findMany({
          where: { roundId: visible.roundId, taskCount: 0, unit: { AND: [unitWhere(viewer), { code: { in: tailored } }] } },
          select: { roundId: true, unit: { select: { code: true } } },
        }),
  ]);
  const plannedOf = (r: { id: string; spec: unknown }) => {
    const spec = r.spec as RoundSpec;
    const waiting = waitingCounts.find((w) => w.roundId === r.id)?._count._all ?? 0;
    const adjust = waitingTailored.filter((w) => w.roundId === r.id).reduce((n, w) => n + unitTaskList(spec, w.unit.code).length - spec.tasks.length, 0);
    return waiting * spec.tasks.length + adjust;
  };
  return new Map(
    rounds.map((r) => {
      const row = sums.find((s) => s.roundId === r.id);
      const sum = row?._sum;
      const issued = sum?.taskCount ?? 0;
      const planned = plannedOf(r);
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
