import { countedOffice, unitWhere, type Viewer } from '../access/visibility';
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

type Sums = Omit<Counts, 'tasks' | 'issued'> & { taskCount: number; waitingUnits: number };

/**
 * Counts per round over the units the caller may see. `tasks` is what the round will issue: the
 * tasks of units already issued (their own lists, with tasks added since) and the planned list of
 * each unit not yet issued (a list is written in one statement, so a unit has none or all of it);
 * `issued` what exists so far; `escalated` the tasks that reached the parent office or beyond
 * (escalated or public_notice). Never a count over tasks: an office reads one row per round of
 * round_office_counts, anyone else sums the per-unit counts of round_units; triggers keep both.
 */
export async function roundCounts(db: Db, viewer: Viewer, rounds: Array<{ id: string; spec: unknown }>): Promise<Map<string, Counts>> {
  const roundIds = rounds.map((r) => r.id);
  // Units not yet issued are counted, not loaded: each has the common list, except the few a round tailors,
  // which are the only ones read one by one (at launch a national round has 20,000 units waiting).
  const tailored = [...new Set(rounds.flatMap((r) => Object.keys((r.spec as RoundSpec).unitTasks ?? {})))];
  const [sums, waitingTailored] = await Promise.all([
    visibleSums(db, viewer, roundIds),
    tailored.length === 0
      ? Promise.resolve([])
      : db.roundUnit.findMany({
          where: { roundId: { in: roundIds }, taskCount: 0, unit: { AND: [unitWhere(viewer), { code: { in: tailored } }] } },
          select: { roundId: true, unit: { select: { code: true } } },
        }),
  ]);
  const plannedOf = (r: { id: string; spec: unknown }) => {
    const spec = r.spec as RoundSpec;
    const adjust = waitingTailored.filter((w) => w.roundId === r.id).reduce((n, w) => n + unitTaskList(spec, w.unit.code).length - spec.tasks.length, 0);
    return (sums.get(r.id)?.waitingUnits ?? 0) * spec.tasks.length + adjust;
  };
  return new Map(
    rounds.map((r) => {
      const { taskCount: issued, waitingUnits: _, ...sum } = sums.get(r.id) ?? ZERO;
      return [r.id, { ...sum, tasks: issued + plannedOf(r), issued }];
    }),
  );
}

const ZERO: Sums = { units: 0, waitingUnits: 0, taskCount: 0, submitted: 0, accepted: 0, returned: 0, overdue: 0, waived: 0, escalated: 0 };

/** Per round, the sums over the units the viewer may see. */
async function visibleSums(db: Db, viewer: Viewer, roundIds: string[]): Promise<Map<string, Sums>> {
  const officeId = countedOffice(viewer);
  if (officeId) {
    const rows = await db.roundOfficeCount.findMany({ where: { roundId: { in: roundIds }, officeId } });
    return new Map(
      rows.map((r) => [
        r.roundId,
        { units: r.units, waitingUnits: r.waitingUnits, taskCount: r.taskCount, submitted: r.submittedCount, accepted: r.acceptedCount, returned: r.returnedCount, overdue: r.overdueCount, waived: r.waivedCount, escalated: r.escalatedCount },
      ]),
    );
  }
  const visible = { roundId: { in: roundIds }, unit: unitWhere(viewer) };
  const [sums, waiting] = await Promise.all([
    db.roundUnit.groupBy({
      by: ['roundId'],
      where: visible,
      _count: { _all: true },
      _sum: { taskCount: true, submittedCount: true, acceptedCount: true, returnedCount: true, overdueCount: true, waivedCount: true, escalatedCount: true },
    }),
    db.roundUnit.groupBy({ by: ['roundId'], where: { ...visible, taskCount: 0 }, _count: { _all: true } }),
  ]);
  return new Map(
    sums.map(({ roundId, _count, _sum: s }) => [
      roundId,
      {
        units: _count._all,
        waitingUnits: waiting.find((w) => w.roundId === roundId)?._count._all ?? 0,
        taskCount: s.taskCount ?? 0,
        submitted: s.submittedCount ?? 0,
        accepted: s.acceptedCount ?? 0,
        returned: s.returnedCount ?? 0,
        overdue: s.overdueCount ?? 0,
        waived: s.waivedCount ?? 0,
        escalated: s.escalatedCount ?? 0,
      },
    ]),
  );
}
