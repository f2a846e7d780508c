/**
 * Mass-deadline benchmark: every task of a U x T round falls due at the same instant.
 * Measures how long the unit workflows take to act on it: every task turned overdue and
 * every ladder step at the deadline recorded (escalation rows + queued notices).
 *
 *   npm run bench -- mass-deadline --units 700 --tasks 30 [--spread MINUTES] [--timeout 900] [--json]
 *
 * The API refuses a due date in the past, so the benchmark records the round exactly as
 * POST /rounds does (usecases/launch.ts) and starts its workflow, with every task due
 * yesterday: each unit workflow finds its deadline passed as soon as its list is issued.
 *
 * Afterwards (not timed) it reads every unit workflow's plan and reports the busiest second of the
 * ladder steps still to come (the 09:00 notices after the deadline), as planned with the app's
 * DUBAN_NOTICE_SPREAD_MINUTES (`--spread N`, default the product's) and as they would be unspread.
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_ESCALATION_POLICY } from '../domain/escalation';
import { DEFAULT_RUBRIC } from '../domain/scoring';
import { noticeOffsetMs } from '../activities/planning';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../domain/time';
import { UNIT_KINDS } from '../domain/vocabulary';
import { startLocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { createDb } from '../src/db';
import { uuidFromKey } from '../src/ids';
import { cancelRoundSignal, getUnitStateQuery, roundWorkflowId, unitWorkflowId } from '../workflows/contracts';
import { Api, eachLimited, sleep } from './lib/api';
import { dropCountTriggers } from './lib/countTriggers';
import { ROOT, runTs, startApp } from './lib/app';
import { loadConfig } from '../src/config';
import { machine } from './lib/machine';
import { ProcSampler } from './lib/proc';
import { workflowTaskWarnings } from './lib/workflowTasks';

const TASK_QUEUE = 'duban-bench';
const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;

interface Busiest {
  /** Distinct seconds in which at least one step falls due. */
  seconds: number;
  /** The second holding the most steps, how many, and of how many units. */
  at: string;
  steps: number;
  units: number;
}

/** The second in which the most of `steps` fall due. */
function busiestSecond(steps: Array<{ unit: string; at: number }>): Busiest {
  const bySecond = new Map<number, Array<{ unit: string }>>();
  for (const s of steps) {
    const second = Math.floor(s.at / 1000);
    const list = bySecond.get(second) ?? [];
    list.push(s);
    bySecond.set(second, list);
  }
  const [second, busiest] = [...bySecond].reduce((a, b) => (b[1].length > a[1].length ? b : a));
  return { seconds: bySecond.size, at: new Date(second * 1000).toISOString(), steps: busiest.length, units: new Set(busiest.map((s) => s.unit)).size };
}

/**
 * A query waits for the unit's workflow task in progress and may time out while the worker is still working
 * through the deadline steps just recorded; it is asked again, and the last error names the unit.
 */
async function queryWithRetries<T>(query: () => Promise<T>, unit: string, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await query();
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
      const message = e instanceof Error ? `${e.name}: ${e.message}${cause}` : String(e);
      if (attempt >= attempts) throw new Error(`query of unit ${unit} failed ${attempts} times; last: ${message}`);
      log(`query of unit ${unit} failed (attempt ${attempt}): ${message}; asking again`);
      await sleep(2000 * attempt);
    }
  }
}

/**
 * The notice steps every unit workflow still plans (the deadline has passed), as held by the workflows,
 * and the same steps without each unit's offset; each unspread one must be 09:00 sharp.
 */
async function plannedNotices(client: Client, roundId: string, unitCodes: string[], spreadMinutes: number) {
  const spread: Array<{ unit: string; at: number }> = [];
  const unspread: Array<{ unit: string; at: number }> = [];
  let notAtNine = 0;
  await eachLimited(unitCodes, 8, async (unit) => {
    const state = await queryWithRetries(() => client.workflow.getHandle(unitWorkflowId(roundId, unit)).query(getUnitStateQuery), unit);
    const offset = noticeOffsetMs(roundId, unit, spreadMinutes);
    for (const task of state.tasks) {
      for (const step of task.steps.filter((s) => s.at !== task.dueAt)) {
        spread.push({ unit, at: step.at });
        unspread.push({ unit, at: step.at - offset });
        if (step.at - offset !== shanghaiInstant(shanghaiDate(step.at), '09:00').getTime()) notAtNine++;
      }
    }
  });
  return { plannedNoticeSteps: spread.length, notAtNineWithoutOffset: notAtNine, busiestSecondSpread: busiestSecond(spread), busiestSecondUnspread: busiestSecond(unspread) };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { units: { type: 'string', default: '700' }, tasks: { type: 'string', default: '30' }, spread: { type: 'string' }, timeout: { type: 'string', default: '900' }, json: { type: 'boolean', default: false }, 'without-count-triggers': { type: 'boolean', default: false } } });
  const units = Number(values.units);
  const tasks = Number(values.tasks);
  const total = units * tasks;
  const spreadMinutes = values.spread ?? String(loadConfig({ DATABASE_URL: 'postgresql://bench' }).DUBAN_NOTICE_SPREAD_MINUTES);
  const stack = await startLocalStack({ dataDir: `${ROOT}/.data/bench-deadline`, persistent: false, log });
  if (values['without-count-triggers']) await dropCountTriggers(stack.databaseUrl);
  const env = { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'warn', DUBAN_NOTICE_SPREAD_MINUTES: spreadMinutes };
  const db = createDb(stack.databaseUrl, 4);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const port = await freePort();
  const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准省产改办'], env)).trim().split('\n').pop()!;
  const appLog = `${ROOT}/.data/bench-deadline/app.log`;
  const app = await startApp({ port, env, logFile: appLog });
  try {
    const api = new Api(`http://127.0.0.1:${port}`, token);
    const unitCodes = Array.from({ length: units }, (_, i) => `dl-u${String(i + 1).padStart(5, '0')}`);
    const templateCodes = Array.from({ length: tasks }, (_, i) => `dl-t${String(i + 1).padStart(3, '0')}`);
    await eachLimited(templateCodes, 4, (code, i) => api.post('/api/v1/task-templates', { code, category: '基准', title: `基准任务 ${i + 1}`, evidence: [], weight: 1, dueWorkingDays: 5 }).then(() => undefined));
    await eachLimited(unitCodes, 8, (code, i) => api.post('/api/v1/units', { code, name: `基准单位 ${i + 1}`, kind: UNIT_KINDS[i % UNIT_KINDS.length], officeCode: 'bench' }).then(() => undefined));

    const office = await db.office.findUniqueOrThrow({ where: { code: 'bench' } });
    const unitRows = await db.unit.findMany({ where: { code: { in: unitCodes } }, select: { id: true } });
    const yesterday = addCalendarDays(shanghaiDate(Date.now()), -1);
    const id = uuidFromKey(`mass-deadline:${Date.now()}`);
    const closesAt = new Date(Date.now() + 90 * 86_400_000);
    await db.round.create({
      data: {
        id, officeId: office.id, title: '基准：同时到期', period: 'bench', launchedAt: new Date(), closesAt, unitCount: units,
        spec: { tasks: templateCodes.map((templateCode) => ({ templateCode, dueDate: yesterday })), escalationPolicy: DEFAULT_ESCALATION_POLICY, rubric: DEFAULT_RUBRIC } as object,
      },
    });
    await db.roundUnit.createMany({ data: unitRows.map((u) => ({ roundId: id, unitId: u.id })) });

    const loadBefore = machine().loadAverage;
    const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
    sampler.start();
    const t0 = performance.now();
    await client.workflow.start('superviseRound', { taskQueue: TASK_QUEUE, workflowId: roundWorkflowId(id), args: [{ roundId: id, closesAt: closesAt.toISOString(), unitCount: units }] });
    const marks: Record<string, number> = {};
    for (;;) {
      const [row] = await db.$queryRaw<Array<{ issued: bigint; overdue: bigint; escalations: bigint }>>`
        SELECT (SELECT count(*) FROM tasks WHERE round_id = ${id}::uuid) AS issued,
               (SELECT count(*) FROM tasks WHERE round_id = ${id}::uuid AND status = 'overdue') AS overdue,
               (SELECT count(*) FROM escalations WHERE round_id = ${id}::uuid) AS escalations`;
      const elapsed = seconds(performance.now() - t0);
      if (!marks.issued && Number(row.issued) >= total) marks.issued = elapsed;
      if (!marks.overdue && Number(row.overdue) >= total) marks.overdue = elapsed;
      if (!marks.escalations && Number(row.escalations) >= total) marks.escalations = elapsed;
      if (marks.overdue && marks.escalations) break;
      if (elapsed > Number(values.timeout)) throw new Error(`after ${elapsed} s: ${JSON.stringify(row)}`);
      await sleep(250);
    }
    const samples = sampler.stop();
    const loadAfter = machine().loadAverage;
    const notices = await plannedNotices(client, id, unitCodes, Number(spreadMinutes));
    const report = {
      benchmark: 'mass-deadline',
      date: new Date().toISOString(),
      units,
      tasks,
      totalTasks: total,
      machine: machine(),
      issuedSeconds: marks.issued,
      allOverdueSeconds: marks.overdue,
      allEscalationsRecordedSeconds: marks.escalations,
      stepsPerSecond: Math.round(total / marks.escalations),
      countTriggers: !values['without-count-triggers'],
      loadAverage: { before: loadBefore, after: loadAfter },
      appPeakRssMiB: Math.round(samples.app.peakKiB / 102.4) / 10,
      noticeSpreadMinutes: Number(spreadMinutes),
      ...notices,
      workflowTasks: workflowTaskWarnings(appLog),
    };
    log(`${total} tasks due at once: issued by ${marks.issued} s, all overdue by ${marks.overdue} s, all ${total} deadline steps recorded by ${marks.escalations} s (${report.stepsPerSecond}/s)`);
    const { busiestSecondSpread: a, busiestSecondUnspread: b } = notices;
    log(`${notices.plannedNoticeSteps} notice steps still planned; busiest second spread over ${spreadMinutes} min: ${a.steps} steps of ${a.units} units (${a.seconds} distinct seconds); unspread: ${b.steps} steps of ${b.units} units (${b.seconds} distinct seconds)`);
    const wft = report.workflowTasks;
    log(`workflow tasks held over 5 s: ${wft.heldOver5s}, the longest ${wft.longestHeldSeconds} s; run again after a timeout: ${wft.retried} (late completions refused: ${wft.lateCompletionsRefused})`);
    console.log(values.json ? JSON.stringify(report, null, 2) : report);
    await client.workflow.getHandle(roundWorkflowId(id)).signal(cancelRoundSignal, { actor: 'bench' });
    await client.workflow.getHandle(roundWorkflowId(id)).result();
    return 0;
  } finally {
    await app.stop();
    await db.$disconnect();
    await connection.close();
    await stack.stop();
  }
}
