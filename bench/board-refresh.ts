/**
 * Refreshing a kept board: the province's counts of a national round (20,000 units x 30 tasks) loaded whole, against
 * loaded from the units whose counts changed since the last load, with a given number of units changed in between.
 *
 *   npm run bench -- board-refresh --units 20000 --tasks 30 --runs 20 [--changed 0,20,200,2000] [--json]
 *
 * The round is seeded as `bench board` seeds it (directly in SQL, counts kept by the production triggers). Between
 * two refreshes, one task of each of `changed` units is waived (or issued again), which recounts those units as any
 * write does. Each load is timed on the wall clock and by the event loop's busy time (what the load
 * holds the API's other requests up by: parsing and putting rows in place). The ceiling is the database reading the
 * scope's rows and doing nothing with them (`count(*)` over the same join), which every load has to do.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { startLocalStack } from '../scripts/stack';
import { createDb, Prisma, type Db } from '../src/db';
import { loadUnitCounts } from '../usecases/board';
import { ROOT, runTs } from './lib/app';
import { round1 } from './lib/latency';
import { machine, median } from './lib/machine';
import { seed } from './board';

const log = (message: string) => console.error(`[bench] ${message}`);
const SCOPE = '/bench/';

/** Wall and event-loop busy milliseconds of one call. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; busyMs: number }> {
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  return { value, ms, busyMs: performance.eventLoopUtilization(elu).active };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

const summary = (xs: Array<{ ms: number; busyMs: number }>) => ({
  medianMs: round1(median(xs.map((x) => x.ms))),
  maxMs: round1(Math.max(...xs.map((x) => x.ms))),
  medianBusyMs: round1(median(xs.map((x) => x.busyMs))),
});

/** Waives one task of `count` units, from the `offset`-th unit on, or issues it again if it was waived: the triggers recount them. */
async function touchUnits(db: Db, roundId: string, offset: number, count: number) {
  if (count === 0) return;
  await db.$executeRaw(Prisma.sql`
    UPDATE tasks SET status = (CASE WHEN status = 'waived' THEN 'issued' ELSE 'waived' END)::"TaskStatus"
    WHERE round_id = ${roundId}::uuid AND code = 'bt002'
      AND unit_id IN (SELECT id FROM units WHERE code LIKE 'bu%' ORDER BY code OFFSET ${offset} LIMIT ${count})`);
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '20000' }, tasks: { type: 'string', default: '30' }, runs: { type: 'string', default: '20' },
      changed: { type: 'string', default: '0,20,200,2000' }, json: { type: 'boolean', default: false },
    },
  });
  const [units, tasks, runs] = [values.units, values.tasks, values.runs].map(Number);
  const changedCounts = values.changed.split(',').map(Number);
  const stack = await startLocalStack({ dataDir: `${ROOT}/.data/bench-board-refresh`, persistent: false, log });
  const env = { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: 'duban-bench', LOG_LEVEL: 'warn' };
  const db = createDb(stack.databaseUrl, 4);
  try {
    await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准省产改办'], env);
    const t0 = performance.now();
    const { roundId } = await seed(db, units, tasks);
    await db.$executeRaw`VACUUM ANALYZE`;
    log(`seeded ${units} units x ${tasks} tasks in ${Math.round(performance.now() - t0) / 1000} s`);

    const ceiling = [];
    const whole = [];
    for (let run = 0; run <= runs; run++) {
      const scan = await timed(() => db.$queryRaw(Prisma.sql`
        SELECT count(*) FROM round_units ru JOIN units u ON u.id = ru.unit_id JOIN offices o ON o.id = u.office_id
        WHERE ru.round_id = ${roundId}::uuid AND o.path ^@ ${SCOPE}`));
      const load = await timed(() => loadUnitCounts(db, roundId, SCOPE));
      if (load.value.rows.length !== units) throw new Error(`a whole load read ${load.value.rows.length} units, not ${units}`);
      // The first of each is a warm-up, not counted.
      if (run > 0) {
        ceiling.push(scan);
        whole.push(load);
      }
    }
    log(`whole load: median ${summary(whole).medianMs} ms; the scope's bare scan: ${summary(ceiling).medianMs} ms`);

    const refreshes: Record<string, ReturnType<typeof summary> & { matchesWhole: boolean; ratioToWhole: number; ratioToCeiling: number }> = {};
    let offset = 0;
    for (const changed of changedCounts) {
      let kept = { ...(await loadUnitCounts(db, roundId, SCOPE)), loadedAt: Date.now() };
      const times = [];
      for (let run = 0; run <= runs; run++) {
        await touchUnits(db, roundId, offset, changed);
        offset = (offset + changed) % Math.max(1, units - changed);
        const load = await timed(() => loadUnitCounts(db, roundId, SCOPE, kept));
        kept = { ...load.value, loadedAt: Date.now() };
        if (run > 0) times.push(load);
      }
      // What the refreshes came to is what loading everything again reads.
      const matchesWhole = isDeepStrictEqual(kept.rows, (await loadUnitCounts(db, roundId, SCOPE)).rows);
      const s = summary(times);
      refreshes[String(changed)] = { ...s, matchesWhole, ratioToWhole: ratio(s.medianMs, summary(whole).medianMs), ratioToCeiling: ratio(s.medianMs, summary(ceiling).medianMs) };
      log(`${changed} units changed: median ${s.medianMs} ms (busy ${s.medianBusyMs} ms), max ${s.maxMs} ms; the same as a whole load: ${matchesWhole}`);
    }
    const report = {
      benchmark: 'board-refresh',
      date: new Date().toISOString(),
      units, tasks, runs,
      machine: machine(),
      ceiling: summary(ceiling),
      whole: summary(whole),
      refreshes,
    };
    console.log(values.json ? JSON.stringify(report, null, 2) : JSON.stringify({ ceiling: report.ceiling, whole: report.whole, refreshes }, null, 2));
    log(`load average after: ${machine().loadAverage.join(' ')}`);
    return Object.values(refreshes).every((r) => r.matchesWhole) ? 0 : 1;
  } finally {
    await db.$disconnect();
    await stack.stop();
  }
}
