/**
 * The wake storm on the cluster stack: every unit of a U x T round has its first ladder step at the same instant,
 * and no unit has run before it. The round is launched through the API with every task due three working days after
 * the next `--notice-time` (09:00 by default; the app's DUBAN_NOTICE_TIME) in Asia/Shanghai on a working day that is
 * at least `--lead` minutes away, so every task's reminder (the default ladder's first step) falls at that instant;
 * with `--spread 0` (the default here) no unit is offset from it. With
 * units' first workflow tasks deferred to their first step (DUBAN_DEFER_UNIT_FIRST_TASK, the default), the Temporal
 * server holds every unit until that instant and then hands the workers all of them at once.
 *
 * Timed from the instant until every reminder is recorded (one escalation row per task, as the board and the
 * notices read them). Then, in the same run, the ceiling on the same servers: as many trivial workflows started with
 * one instant as their start delay and completing in their first workflow task, timed from that instant until every
 * one has completed, run by a worker in this process with as many workflow-task slots as a product worker.
 *
 *   npm run bench -- wake-storm --units 20000 --tasks 30 [--notice-time 09:00] [--spread 0] [--lead 12] [--max-wait 120] [--out report.json]
 *
 * The instant is real (the Temporal server's clock cannot be moved): a working day's 09:00 in Asia/Shanghai (01:00
 * UTC), or, with `--notice-time HH:MM` (06:00-14:00), that time of a working day. Start the benchmark at least
 * `--lead` minutes before it (long enough to set up and issue the round; 12 minutes for 20,000 units here). It
 * refuses to wait longer than `--max-wait` minutes for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { loadCalendar } from '../activities/calendar';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../domain/time';
import { loadConfig } from '../src/config';
import { Api, eachLimited, sleep } from './lib/api';
import { ROOT, runTs } from './lib/app';
import { roundPhase, untilBacklogEmpty, workflowBacklog } from './lib/backlog';
import { atBackgroundPriority, ceilingWorker } from './lib/ceilingWorker';
import { ceilingStart } from './lib/ceilingWorkflow';
import { startBenchCluster, type BenchCluster } from './lib/cluster';
import { machine } from './lib/machine';
import { directoryThroughApi, largestHistories } from './lib/nationalRound';
import { ProcSampler, type Sample } from './lib/proc';
import { workflowTaskWarnings } from './lib/workflowTasks';

const USAGE = 'usage: npm run bench -- wake-storm --units 20000 --tasks 30 [--workers 2] [--notice-time 09:00] [--spread 0] [--lead 12] [--max-wait 120] [--timeout 1800] [--json] [--out report.json]';
const TASK_QUEUE = 'duban-bench';
const REMINDER_WORKING_DAYS = 3; // the default ladder's reminder: three working days before the due date
const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const mib = (kib: number) => Math.round(kib / 102.4) / 10;

/**
 * The next `noticeTime` (HH:MM) in Asia/Shanghai on a working day at least `leadMs` from `now`, and the due date
 * whose reminder falls on it.
 */
export function nextNoticeInstant(now: number, leadMs: number, noticeTime: string): { at: number; date: string; dueDate: string } {
  const calendar = loadCalendar();
  for (let date = shanghaiDate(now); ; date = addCalendarDays(date, 1)) {
    const at = shanghaiInstant(date, noticeTime).getTime();
    if (at < now + leadMs || !calendar.isWorkingDay(date)) continue;
    const dueDate = calendar.shift(date, REMINDER_WORKING_DAYS).date;
    if (calendar.shift(dueDate, -REMINDER_WORKING_DAYS).date === date) return { at, date, dueDate };
  }
}

/** Reminders recorded for the round so far (one escalation row per task), and of how many units. */
async function remindersRecorded(db: pg.Client, roundId: string): Promise<{ rows: number; units: number }> {
  const { rows } = await db.query<{ rows: string; units: string }>(
    "SELECT count(*) AS rows, count(DISTINCT unit_id) AS units FROM escalations WHERE round_id = $1 AND level = 'reminder'",
    [roundId],
  );
  return { rows: Number(rows[0].rows), units: Number(rows[0].units) };
}

/** Sleeps until the epoch millisecond `at`. */
async function until(at: number) {
  while (Date.now() < at) await sleep(Math.min(1000, at - Date.now()));
}

/**
 * The ceiling: `count` trivial workflows started with their start delay at one instant (the first whole minute at
 * least `marginMs` after the starts begin, so every start is in before it), run by a worker in this process with
 * `slots` workflow-task slots; the seconds from that instant until every one has completed.
 */
export async function wakeCeiling(address: string, count: number, slots: number, marginMs: number) {
  const { taskQueue, connection, worker } = await ceilingWorker(address, 'wake', slots);
  const client = new Client({ connection });
  try {
    return await worker.runUntil(async () => {
      const at = Math.ceil((Date.now() + marginMs) / 60_000) * 60_000;
      const ids = Array.from({ length: count }, (_, i) => `${taskQueue}-${i}`);
      const startsBegan = performance.now();
      await eachLimited(ids, 64, async (workflowId) => {
        await client.workflow.start(ceilingStart, { taskQueue, workflowId, startDelay: Math.max(0, at - Date.now()) });
      });
      const startsSeconds = seconds(performance.now() - startsBegan);
      const startedBeforeInstant = Date.now() < at;
      log(`ceiling: ${count} trivial workflows started in ${startsSeconds} s, every one delayed to ${new Date(at).toISOString()}`);
      await until(at);
      const completed = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'`;
      while ((await client.workflow.count(completed)).count < count) await sleep(250);
      const allSeconds = seconds(Date.now() - at);
      return { workflows: count, startsSeconds, startedBeforeInstant, allCompletedSeconds: allSeconds, workflowsPerSecond: Math.round(count / allSeconds) };
    });
  } finally {
    await connection.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '20000' },
      tasks: { type: 'string', default: '30' },
      workers: { type: 'string', default: '2' },
      'notice-time': { type: 'string', default: '09:00' },
      spread: { type: 'string', default: '0' },
      lead: { type: 'string', default: '12' },
      'max-wait': { type: 'string', default: '120' },
      timeout: { type: 'string', default: '1800' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const units = Number(values.units);
  const tasks = Number(values.tasks);
  const workers = Number(values.workers);
  if (![units, tasks, workers].every((n) => Number.isInteger(n) && n > 0) || tasks > 200) throw new Error(USAGE);
  const total = units * tasks;
  // The app's own rule for the setting, so a time it would refuse stops here.
  const noticeTime = loadConfig({ DATABASE_URL: 'postgresql://unused', DUBAN_NOTICE_TIME: values['notice-time'] }).DUBAN_NOTICE_TIME;
  const started = Date.now();
  const wake = nextNoticeInstant(started, Number(values.lead) * 60_000, noticeTime);
  const waitMinutes = Math.round((wake.at - started) / 6000) / 10;
  log(`every reminder at ${new Date(wake.at).toISOString()} (${noticeTime} ${wake.date} in Asia/Shanghai, ${waitMinutes} min from now); every task due ${wake.dueDate}`);
  if (waitMinutes > Number(values['max-wait'])) {
    log(`that is more than --max-wait ${values['max-wait']} minutes away: start the benchmark within that of a working day's ${noticeTime} in Asia/Shanghai, or give --notice-time`);
    return 2;
  }

  const dataDir = path.join(ROOT, '.data', 'bench-wake');
  let cluster: BenchCluster | undefined;
  let connection: Connection | undefined;
  let db: pg.Client | undefined;
  const cleanUp = async () => {
    await db?.end().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await cluster?.stop();
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    cluster = await startBenchCluster({ dataDir, taskQueue: TASK_QUEUE, workers, env: { DUBAN_NOTICE_SPREAD_MINUTES: values.spread, DUBAN_NOTICE_TIME: noticeTime } });
    const { stack, baseUrl } = cluster;
    const config = loadConfig({ ...process.env, DATABASE_URL: stack.databaseUrl });
    const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准测试办公室', '--label', 'bench'], { ...process.env, DATABASE_URL: stack.databaseUrl })).trim().split('\n').pop()!;
    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const api = new Api(baseUrl, token);
    const { unitCodes, templateCodes } = await directoryThroughApi(api, baseUrl, token, units, tasks);

    const t0 = performance.now();
    const { body: launched } = await api.post<{ id: string }>('/api/v1/rounds', {
      title: '全国基准轮次：同一时刻提醒', period: '2026Q4', unitCodes,
      tasks: templateCodes.map((templateCode) => ({ templateCode, dueDate: wake.dueDate })),
      closesAt: new Date(wake.at + 90 * 86_400_000).toISOString(),
    });
    let tasksIssuedSeconds = 0;
    for (;;) {
      const round = await api.get<{ counts: { issued: number } }>(`/api/v1/rounds/${launched.id}`);
      if (round.counts.issued >= total && tasksIssuedSeconds === 0) tasksIssuedSeconds = seconds(performance.now() - t0);
      const phase = tasksIssuedSeconds > 0 ? await roundPhase(client, launched.id) : 'issuing';
      if (phase !== 'issuing' && phase !== null) break;
      if (performance.now() - t0 > Number(values.timeout) * 1000) throw new Error(`only ${round.counts.issued} of ${total} tasks issued`);
      await sleep(1000);
    }
    const unitsStartedSeconds = seconds(performance.now() - t0);
    const { seconds: unitsSettledSeconds } = await untilBacklogEmpty(client, TASK_QUEUE, t0, Number(values.timeout));
    const before = await remindersRecorded(db, launched.id);
    const leftMs = wake.at - Date.now();
    log(`${total} tasks issued in ${tasksIssuedSeconds} s, every unit started by ${unitsStartedSeconds} s; ${before.rows} reminders recorded before the instant, ${seconds(leftMs)} s to go`);
    if (leftMs < 5000) throw new Error(`the round was not ready ${seconds(-leftMs)} s before its reminders: start with a longer --lead`);

    // The storm: sampled from a few seconds before the instant until the last reminder is recorded.
    await until(wake.at - 3000);
    const loadAverageBefore = machine().loadAverage;
    const sampler = new ProcSampler(cluster.watched, 250);
    sampler.start();
    await until(wake.at);
    const timeline: Array<[number, number]> = [];
    let firstSeconds = 0;
    let halfSeconds = 0;
    let peakBacklog = 0;
    for (let tick = 0; ; tick++) {
      const recorded = await remindersRecorded(db, launched.id);
      const elapsed = seconds(Date.now() - wake.at);
      if (recorded.rows > 0 && firstSeconds === 0) firstSeconds = elapsed;
      if (recorded.rows >= total / 2 && halfSeconds === 0) halfSeconds = elapsed;
      if (tick % 4 === 0) {
        timeline.push([elapsed, recorded.units]);
        peakBacklog = Math.max(peakBacklog, await workflowBacklog(client, TASK_QUEUE));
      }
      if (recorded.rows >= total) break;
      if (elapsed > Number(values.timeout)) throw new Error(`only ${recorded.rows} of ${total} reminders recorded ${elapsed} s after the instant`);
      await sleep(250);
    }
    const allSeconds = seconds(Date.now() - wake.at);
    const samples = sampler.stop();
    const loadAverageAfter = machine().loadAverage;
    log(`the storm: the first reminder recorded ${firstSeconds} s after the instant, half by ${halfSeconds} s, all ${total} of ${units} units by ${allSeconds} s (${Math.round(units / allSeconds)} units/s); workflow backlog at most ${peakBacklog}`);

    const histories = await largestHistories(client, launched.id, unitCodes, new Set()).catch((e: Error) => {
      log(`histories: ${e.message}`);
      return null;
    });
    log(`histories: ${JSON.stringify(histories)}`);
    const workflowTasks = Object.fromEntries(
      cluster.processes.filter(([name]) => name.startsWith('worker')).map(([name]) => [name, workflowTaskWarnings(path.join(dataDir, `worker-${name.slice('worker'.length)}.log`))]),
    );
    log(`workflow tasks held over 5 s or run again, by worker: ${JSON.stringify(workflowTasks)}`);

    const ceiling = await atBackgroundPriority(true, () => wakeCeiling(stack.temporal.address, units, config.DUBAN_WORKER_WORKFLOW_TASK_SLOTS, 60_000 + units * 10));
    log(`ceiling: ${units} trivial workflows woken at one instant all completed in ${ceiling.allCompletedSeconds} s (${ceiling.workflowsPerSecond}/s)`);
    const unitsPerSecond = Math.round(units / allSeconds);
    const map = (fn: (s: Sample) => number) => Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, fn(v)]));
    const report = {
      benchmark: 'wake-storm',
      date: new Date(started).toISOString(),
      units, tasks, totalTasks: total, workers,
      machine: { ...machine(), loadAverageBefore, loadAverageAfter },
      stack: cluster.shape,
      deferUnitFirstTask: config.DUBAN_DEFER_UNIT_FIRST_TASK,
      noticeSpreadMinutes: Number(values.spread),
      noticeTime,
      instant: new Date(wake.at).toISOString(),
      dueDate: wake.dueDate,
      tasksIssuedSeconds,
      unitsStartedSeconds,
      unitsSettledSeconds,
      remindersBeforeInstant: before.rows,
      firstReminderSeconds: firstSeconds,
      halfRemindersSeconds: halfSeconds,
      allRemindersSeconds: allSeconds,
      unitsPerSecond,
      peakWorkflowBacklog: peakBacklog,
      histories,
      workflowTasks,
      // Over the storm: from 3 s before the instant until the last reminder was recorded.
      peakRssMiB: map((s) => mib(s.peakKiB)),
      cpuSeconds: map((s) => s.cpuSeconds),
      ceiling: { ...ceiling, unitsPerSecondVsCeiling: Math.round((unitsPerSecond / ceiling.workflowsPerSecond) * 1000) / 1000 },
      timeline,
    };
    if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
    console.log(values.json ? JSON.stringify(report, null, 2) : { ...report, timeline: `${timeline.length} points` });
    await api.post(`/api/v1/rounds/${launched.id}/cancel`, {});
    return 0;
  } catch (e) {
    log(`failed: ${(e as Error).stack ?? String(e)}`);
    throw e;
  } finally {
    await cleanUp();
  }
}
