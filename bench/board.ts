/**
 * Supervision-board benchmark: GET /rounds/{id}/board and /board/offices on a round of
 * 20,000 units x 30 tasks (600,000 tasks), measured with autocannon.
 *
 *   npm run bench -- board --units 20000 --tasks 30 --runs 3 [--duration 10] [--connections 1] [--json]
 *
 * The offices, units, round and tasks are written directly in SQL in the shape the product
 * writes them (a province, 10 cities of 10 counties each, the units spread over the counties;
 * tasks in every state, a tenth of the units with an overdue task on the ladder), so that
 * seeding takes seconds rather than issuing 20,000 unit workflows. The per-unit counts are
 * kept by the same triggers on tasks as in production.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_BOARD_RULE } from '../domain/board';
import { DEFAULT_ESCALATION_POLICY } from '../domain/escalation';
import { DEFAULT_RUBRIC } from '../domain/scoring';
import { addCalendarDays, shanghaiDate } from '../domain/time';
import { startLocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { createDb, type Db } from '../src/db';
import { uuidFromKey } from '../src/ids';
import { ROOT, runTs, startApp } from './lib/app';
import { machine, median } from './lib/machine';

const log = (message: string) => console.error(`[bench] ${message}`);

/** Cities x counties under the root office, units spread over the counties, one round with every unit. */
export async function seed(db: Db, units: number, tasks: number): Promise<{ roundId: string; city: string }> {
  const root = await db.office.findUniqueOrThrow({ where: { code: 'bench' } });
  await db.$executeRaw`
    INSERT INTO offices (id, code, name, level, parent_id, path)
    SELECT gen_random_uuid(), 'bc' || lpad(c::text, 2, '0'), '基准市产改办 ' || c, 'city', ${root.id}::uuid, '/bench/bc' || lpad(c::text, 2, '0') || '/'
    FROM generate_series(1, 10) c`;
  await db.$executeRaw`
    INSERT INTO offices (id, code, name, level, parent_id, path)
    SELECT gen_random_uuid(), p.code || '-k' || lpad(k::text, 2, '0'), p.name || ' 第' || k || '县产改办', 'county', p.id, p.path || p.code || '-k' || lpad(k::text, 2, '0') || '/'
    FROM offices p CROSS JOIN generate_series(1, 10) k WHERE p.level = 'city' AND p.code LIKE 'bc%'`;
  await db.$executeRaw`
    WITH counties AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM offices WHERE level = 'county' AND code LIKE 'bc%')
    INSERT INTO units (id, code, name, kind, office_id)
    SELECT gen_random_uuid(), 'bu' || lpad(i::text, 6, '0'), '基准试点企业 ' || i, 'state_owned', c.id
    FROM generate_series(0, ${units - 1}::int) i JOIN counties c ON c.n = i % 100`;
  await db.$executeRaw`
    INSERT INTO task_templates (id, code, office_id, category, title, evidence, weight, due_working_days)
    SELECT gen_random_uuid(), 'bt' || lpad(t::text, 3, '0'), ${root.id}::uuid, '建功立业', '基准任务 ' || t, ARRAY['summary'], 1, 10
    FROM generate_series(1, ${tasks}::int) t`;

  const roundId = uuidFromKey(`board-bench:${Date.now()}`);
  const now = Date.now();
  const today = shanghaiDate(now);
  const spec = {
    tasks: Array.from({ length: tasks }, (_, t) => ({ templateCode: `bt${String(t + 1).padStart(3, '0')}` })),
    escalationPolicy: DEFAULT_ESCALATION_POLICY, rubric: DEFAULT_RUBRIC, board: DEFAULT_BOARD_RULE,
  };
  await db.round.create({
    data: {
      id: roundId, officeId: root.id, title: '基准：督查看板', period: 'bench', spec: spec as object, unitCount: units,
      launchedAt: new Date(now - 10 * 86_400_000), closesAt: new Date(now + 20 * 86_400_000),
    },
  });
  await db.$executeRaw`INSERT INTO round_units (round_id, unit_id, issued_at) SELECT ${roundId}::uuid, id, now() FROM units WHERE code LIKE 'bu%'`;
  // Task t of unit i: due 1 to 25 days ahead (a quarter of the units) or 6 to 30 days ahead; accepted, submitted, returned,
  // waived or still issued by a fixed hash; every tenth unit has its first task overdue and escalated.
  const batch = 2000;
  for (let from = 0; from < units; from += batch) {
    await db.$executeRaw`
      WITH u AS (SELECT id, substr(code, 3)::int AS i FROM units WHERE code BETWEEN ${`bu${String(from).padStart(6, '0')}`} AND ${`bu${String(Math.min(units, from + batch) - 1).padStart(6, '0')}`}),
           t AS (SELECT id, code, title, category, substr(code, 3)::int AS n FROM task_templates WHERE code LIKE 'bt%'),
           x AS (SELECT u.id AS unit_id, u.i, t.*, (u.i * 7919 + t.n * 104729) % 100 AS h FROM u CROSS JOIN t)
      INSERT INTO tasks (id, round_id, unit_id, template_id, code, title, category, weight, evidence_required, status, due_date, due_at, escalation_level, submitted_at, accepted_at, review_score, issued_at)
      SELECT gen_random_uuid(), ${roundId}::uuid, x.unit_id, x.id, x.code, x.title, x.category, 1, ARRAY['summary'],
             s.status::"TaskStatus", d.due_date, (d.due_date::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai',
             CASE WHEN s.status = 'overdue' THEN (CASE WHEN x.i % 30 = 0 THEN 'escalated' ELSE 'overdue' END)::"EscalationLevel" END,
             CASE WHEN s.status IN ('submitted', 'accepted') THEN now() END, CASE WHEN s.status = 'accepted' THEN now() END,
             CASE WHEN s.status = 'accepted' THEN 80 + x.h % 20 END, now() - interval '10 days'
      FROM x
      CROSS JOIN LATERAL (SELECT CASE
        WHEN x.i % 10 = 0 AND x.n = 1 THEN 'overdue'
        WHEN x.h < 25 THEN 'accepted' WHEN x.h < 35 THEN 'submitted' WHEN x.h < 37 AND x.i % 5 = 1 THEN 'returned' WHEN x.h < 39 THEN 'waived'
        ELSE 'issued' END AS status) s
      CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'overdue' THEN ${addCalendarDays(today, -5)} ELSE to_char(${today}::date + CASE WHEN x.i % 4 = 0 THEN 1 ELSE 6 END + (x.h % 25), 'YYYY-MM-DD') END AS due_date) d`;
  }
  return { roundId, city: 'bc03' };
}

interface Scenario { name: string; path: string }

async function measure(url: string, token: string, duration: number, connections: number) {
  const result = await autocannon({ url, duration, connections, headers: { authorization: `Bearer ${token}` } });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: result.requests.total, rps: Math.round(result.requests.average), p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '20000' }, tasks: { type: 'string', default: '30' }, runs: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '1' }, json: { type: 'boolean', default: false },
    },
  });
  const [units, tasks, runs, duration, connections] = [values.units, values.tasks, values.runs, values.duration, values.connections].map(Number);
  const stack = await startLocalStack({ dataDir: `${ROOT}/.data/bench-board`, persistent: false, log });
  const env = { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: 'duban-bench', LOG_LEVEL: 'warn' };
  const db = createDb(stack.databaseUrl, 4);
  const port = await freePort();
  const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准省产改办'], env)).trim().split('\n').pop()!;
  const app = await startApp({ port, env, logFile: `${ROOT}/.data/bench-board/app.log` });
  try {
    const t0 = performance.now();
    const { roundId, city } = await seed(db, units, tasks);
    await db.$executeRaw`VACUUM ANALYZE`;
    log(`seeded ${units} units x ${tasks} tasks in ${Math.round(performance.now() - t0) / 1000} s`);
    const base = `http://127.0.0.1:${port}/api/v1/rounds/${roundId}`;
    const scenarios: Scenario[] = [
      { name: 'board, first page (50)', path: '/board?limit=50' },
      { name: 'board, one city, red, page 3', path: `/board?officeCode=${city}&light=red&limit=50&offset=100` },
      { name: 'board/offices', path: '/board/offices?limit=200' },
      { name: 'round counts (GET /rounds/{id})', path: '' },
    ];
    const warm = await fetch(`${base}/board?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ totals: unknown; count: number }>);
    log(`board totals ${JSON.stringify(warm.totals)} over ${warm.count} units`);
    const results: Record<string, Array<Awaited<ReturnType<typeof measure>>>> = {};
    for (let run = 1; run <= runs; run++) {
      for (const s of scenarios) {
        await measure(`${base}${s.path}`, token, 2, connections); // warm-up, not counted
        const r = await measure(`${base}${s.path}`, token, duration, connections);
        (results[s.name] ??= []).push(r);
        log(`run ${run} ${s.name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} req/s`);
      }
    }
    const report = {
      benchmark: 'board',
      date: new Date().toISOString(),
      units, tasks, totalTasks: units * tasks, runs, durationSeconds: duration, connections,
      machine: machine(),
      totals: warm.totals,
      scenarios: Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, { medianP99Ms: median(rs.map((r) => r.p99)), medianP50Ms: median(rs.map((r) => r.p50)), medianRps: median(rs.map((r) => r.rps)), runs: rs }])),
    };
    console.log(values.json ? JSON.stringify(report, null, 2) : JSON.stringify(report.scenarios, (k, v) => (k === 'runs' ? undefined : v), 2));
    log(`load average after: ${machine().loadAverage.join(' ')}`);
    return 0;
  } finally {
    await app.stop();
    await db.$disconnect();
    await stack.stop();
  }
}
