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
 * Counts per round over the units the caller may see, summed from the per-unit counts that
 * triggers on tasks keep in round_units (never a count over tasks). `tasks` is what the round
 * will issue (units x task specs); `issued` what exists so far; `escalated` the tasks that
 * reached the parent office or beyond (escalated or public_notice).
 */
export async function roundCounts(db: Db, viewer: Viewer, rounds: Array<{ id: string; spec: unknown }>): Promise<Map<string, Counts>> {
  const sums = await db.roundUnit.groupBy({
    by: ['roundId'],
    where: { roundId: { in: rounds.map((r) => r.id) }, unit: unitWhere(viewer) },
    _count: { _all: true },
    _sum: { taskCount: true, submittedCount: true, acceptedCount: true, returnedCount: true, overdueCount: true, waivedCount: true, escalatedCount: true },
  });
  return new Map(
    rounds.map((r) => {
      const row = sums.find((s) => s.roundId === r.id);
      const units = row?._count._all ?? 0;
      const sum = row?._sum;
      return [
        r.id,
        {
          units,
          tasks: units * (r.spec as { tasks: unknown[] }).tasks.length,
          issued: sum?.taskCount ?? 0,
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
