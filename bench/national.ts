/**
 * National-scale issue benchmark on the cluster stack: the real Temporal server on PostgreSQL, two worker
 * processes and one API process (scripts/stack/cluster.ts, as `npm run start:cluster` runs them). One round of
 * U units x T tasks is launched through the API and timed until every task is issued and every unit's workflow
 * has started; then, in the same run, the ceilings of the same servers: trivial workflow starts per second (with
 * no workflow task, and started and run to completion by a worker in this process), and multi-row INSERTs into a
 * table of the tasks table's shape (rows per second), each beside the rate the round reached.
 *
 * While the round issues, once every task is issued (the round writes every list first, then starts the units, its
 * longest part), `--writers` units (the first ones launched, with a token each) submit and the office accepts,
 * from `--write-concurrency` callers for `--write-seconds`: the writes a running round takes while it is still
 * starting its units, most of them not started yet (0 writers skips this).
 *
 *   npm run bench -- national --units 20000 --tasks 30 --cluster [--writers 200] [--json] [--out report.json]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { Api, eachLimited, sleep } from './lib/api';
import { ceilingStart } from './lib/ceilingWorkflow';
import { atBackgroundPriority, ceilingWorker } from './lib/ceilingWorker';
import { ROOT, runTs } from './lib/app';
import { roundPhase, untilBacklogEmpty } from './lib/backlog';
import { startBenchCluster, type BenchCluster } from './lib/cluster';
import { directoryThroughApi, largestHistories } from './lib/nationalRound';
import { round1, serverTiming, summarise, summarisePhases } from './lib/latency';
import { machine } from './lib/machine';
import { cpuMsPer, ProcSampler, type Sample, type Watched } from './lib/proc';
import { interleaved, issuedCount, submitAndReview, type Task } from './lib/writes';

const USAGE = 'usage: npm run bench -- national --units 20000 --tasks 30 --cluster [--workers 2] [--writers 200] [--write-seconds 10] [--write-concurrency 16] [--json] [--out report.json] [--timeout 3600]';
const TASK_QUEUE = 'duban-bench';
const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const mib = (kib: number) => Math.round(kib / 102.4) / 10;

/** Ceiling 1: workflow starts per second the server accepts (a type no worker runs; each times out by itself). */
async function startsCeiling(client: Client, count: number): Promise<number> {
  const t0 = performance.now();
  const ids = Array.from({ length: count }, (_, i) => `ceiling-${Date.now()}-${i}`);
  await eachLimited(ids, 64, async (workflowId) => {
    await client.workflow.start('ceilingNoop', { taskQueue: 'ceiling-no-worker', workflowId, workflowExecutionTimeout: '1 minute' });
  });
  return Math.round(count / ((performance.now() - t0) / 1000));
}

/** Runs `fn` with `watched` sampled, and returns its result with each process's CPU milliseconds per operation. */
async function sampledPerOperation<T>(watched: Watched[], operations: number, fn: () => Promise<T>): Promise<[T, Record<string, number>]> {
  const sampler = new ProcSampler(watched, 250);
  sampler.start();
  const result = await fn();
  const samples = sampler.stop();
  return [result, cpuMsPer(samples, operations)];
}

/**
 * Ceiling 1b: workflows per second the same server starts and runs when the workflow does nothing: each is started
 * as the round's fan-out starts a unit (eagerly, from a client sharing a worker's connection, as many workflow-task
 * slots as a product worker) and completes in its first workflow task. Counted until every one has completed.
 * A unit's start is this plus its work (its list in the start's input, a timer instead of completing); ceiling 1
 * has no workflow task at all.
 */
async function runningStartsCeiling(address: string, count: number, slots: number): Promise<number> {
  const { taskQueue, connection, worker } = await ceilingWorker(address, 'starts', slots);
  const client = new Client({ connection });
  try {
    return await worker.runUntil(async () => {
      const t0 = performance.now();
      const ids = Array.from({ length: count }, (_, i) => `${taskQueue}-${i}`);
      await eachLimited(ids, 64, async (workflowId) => {
        await client.workflow.start(ceilingStart, { taskQueue, workflowId, requestEagerStart: true });
      });
      const completed = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'`;
      while ((await client.workflow.count(completed)).count < count) await sleep(100);
      return Math.round(count / ((performance.now() - t0) / 1000));
    });
  } finally {
    await connection.close();
  }
}

/**
 * Ceiling 2: rows per second into a copy of the tasks table (its columns, defaults and indexes; not its
 * foreign keys or count triggers), by multi-row INSERTs of `rowsPerStatement` rows (a unit's list) on 8 connections.
 */
async function insertCeiling(databaseUrl: string, rows: number, rowsPerStatement: number): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query('DROP TABLE IF EXISTS bench_tasks_ceiling; CREATE TABLE bench_tasks_ceiling (LIKE tasks INCLUDING DEFAULTS INCLUDING INDEXES)');
  const cols = ['id', 'round_id', 'unit_id', 'template_id', 'code', 'title', 'category', 'weight', 'evidence_required', 'status', 'due_date', 'due_at'];
  const statements = Math.ceil(rows / rowsPerStatement);
  const roundId = randomUUID();
  const templates = Array.from({ length: rowsPerStatement }, () => randomUUID());
  const clients = await Promise.all(Array.from({ length: 8 }, async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    return c;
  }));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(clients.map(async (c) => {
    while (next < statements) {
      next++;
      const unitId = randomUUID();
      const params: unknown[] = [];
      const values = templates.map((templateId, j) => {
        params.push(randomUUID(), roundId, unitId, templateId, `T-${j}`, `基准任务 ${j}`, '基准', 1 + (j % 10), ['summary'], 'issued', '2026-12-31', new Date('2026-12-31T16:00:00Z'));
        return `(${cols.map((_, k) => `$${j * cols.length + k + 1}`).join(', ')})`;
      });
      await c.query(`INSERT INTO bench_tasks_ceiling (${cols.join(', ')}) VALUES ${values.join(', ')}`, params);
    }
  }));
  const rate = Math.round((statements * rowsPerStatement) / ((performance.now() - t0) / 1000));
  await Promise.all(clients.map((c) => c.end()));
  await admin.query('DROP TABLE bench_tasks_ceiling');
  await admin.end();
  return rate;
}

/** Submissions and acceptances by `unitTokens`' units on the tasks they have been issued, while the round goes on issuing. */
async function writesWhileIssuing(api: Api, baseUrl: string, token: string, roundId: string, unitTokens: Map<string, string>, since: number, duration: number, concurrency: number) {
  const startedAtSeconds = seconds(performance.now() - since);
  const lists: Task[][] = [];
  await eachLimited([...unitTokens], 8, async ([, unitToken]) => void lists.push(await new Api(baseUrl, unitToken).get<Task[]>(`/api/v1/me/tasks?roundId=${roundId}`)));
  const tasks = interleaved(lists.flat());
  const issuedBefore = await issuedCount(api, roundId);
  const result = await submitAndReview(baseUrl, token, unitTokens, tasks, duration, concurrency);
  return { startedAtSeconds, units: lists.filter((l) => l.length > 0).length, issuedBefore, issuedAfter: await issuedCount(api, roundId), ...result };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '20000' },
      tasks: { type: 'string', default: '30' },
      workers: { type: 'string', default: '2' },
      cluster: { type: 'boolean', default: true },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      timeout: { type: 'string', default: '3600' },
      'ceiling-starts': { type: 'string', default: '2000' },
      writers: { type: 'string', default: '200' },
      'write-seconds': { type: 'string', default: '10' },
      'write-concurrency': { type: 'string', default: '16' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.cluster) {
    console.log(`${USAGE}\n(the national benchmark runs on the cluster stack only; the dev-server figures come from \`npm run bench -- issue-round\`)`);
    return values.help ? 0 : 2;
  }
  const units = Number(values.units);
  const tasks = Number(values.tasks);
  const workers = Number(values.workers);
  const total = units * tasks;
  const dataDir = path.join(ROOT, '.data', 'bench-cluster');
  const started = Date.now();
  let cluster: BenchCluster | undefined;
  let connection: Connection | undefined;
  const cleanUp = async () => {
    await connection?.close().catch(() => undefined);
    await cluster?.stop();
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  try {
    cluster = await startBenchCluster({ dataDir, taskQueue: TASK_QUEUE, workers });
    const { stack, baseUrl } = cluster;
    const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准测试办公室', '--label', 'bench'], { ...process.env, DATABASE_URL: stack.databaseUrl })).trim().split('\n').pop()!;
    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    const api = new Api(baseUrl, token);
    log(`cluster ready in ${seconds(Date.now() - started)} s`);
    const { unitCodes, templateCodes } = await directoryThroughApi(api, baseUrl, token, units, tasks);
    const unitTokens = new Map<string, string>();
    await eachLimited(unitCodes.slice(0, Number(values.writers)), 8, async (code) => void unitTokens.set(code, (await api.post<{ token: string }>('/api/v1/tokens', { kind: 'unit', code })).body.token));

    const { watched } = cluster;
    const loadAverageBefore = machine().loadAverage;
    const sampler = new ProcSampler(watched, 250);
    sampler.start();
    // This process's own event-loop delay while it times the reads: a delay here would be counted in every latency.
    const ownDelay = monitorEventLoopDelay({ resolution: 10 });
    ownDelay.enable();
    const t0 = performance.now();
    const { body: launched } = await api.post<{ id: string }>('/api/v1/rounds', {
      title: '全国基准轮次', period: '2026Q4', unitCodes, tasks: templateCodes.map((templateCode) => ({ templateCode })), closesAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    });
    // The launch's own answer: the round and a membership row per unit recorded, its workflow started.
    const launchRequestSeconds = seconds(performance.now() - t0);
    log(`launch answered in ${launchRequestSeconds} s`);
    let issuedSeconds = 0;
    let tasksIssuedSeconds = 0;
    const timeline: Array<[number, number]> = [];
    const readMs: number[] = [];
    const boardMs: number[] = [];
    // Where each board answer's time went in the API, from its Server-Timing header.
    const boardTimings: Array<ReturnType<typeof serverTiming>> = [];
    // How many of each were asked while the lists were still being written (before a read saw every task issued).
    const listPhase = { reads: 0, boards: 0 };
    let writes: ReturnType<typeof writesWhileIssuing> | undefined;
    for (;;) {
      const inLists = tasksIssuedSeconds === 0;
      const asked = performance.now();
      const round = await api.get<{ counts: { issued: number } }>(`/api/v1/rounds/${launched.id}`);
      readMs.push(performance.now() - asked);
      if (inLists) listPhase.reads++;
      // The board's first page (every unit of the round classified, counted and sorted), after every fifth read:
      // read every second, its own cost slowed issuing (RESULTS).
      if (readMs.length % 5 === 1) {
        const boardAsked = performance.now();
        const board = await api.request('GET', `/api/v1/rounds/${launched.id}/board?limit=50`);
        boardMs.push(performance.now() - boardAsked);
        boardTimings.push(serverTiming(board.headers.get('server-timing')));
        if (inLists) listPhase.boards++;
      }
      const elapsed = performance.now() - t0;
      timeline.push([seconds(elapsed), round.counts.issued]);
      if (unitTokens.size > 0 && !writes && round.counts.issued >= total) {
        writes = writesWhileIssuing(api, baseUrl, token, launched.id, unitTokens, t0, Number(values['write-seconds']), Number(values['write-concurrency']));
        writes.catch(() => undefined); // awaited below; a failure is reported there
      }
      // Every task row written (the round writes every list before it starts units), then every unit workflow started.
      if (round.counts.issued >= total && tasksIssuedSeconds === 0) {
        tasksIssuedSeconds = seconds(elapsed);
        log(`${total} tasks issued in ${tasksIssuedSeconds} s`);
      }
      const phase = round.counts.issued >= total ? await roundPhase(client, launched.id) : 'issuing';
      if (phase !== 'issuing' && phase !== null) {
        issuedSeconds = seconds(elapsed);
        break;
      }
      if (elapsed > Number(values.timeout) * 1000) throw new Error(`only ${round.counts.issued} of ${total} tasks issued after ${seconds(elapsed)} s`);
      await sleep(1000);
    }
    ownDelay.disable();
    const benchEventLoopDelayMs = { p50: round1(ownDelay.percentile(50) / 1e6), p99: round1(ownDelay.percentile(99) / 1e6), max: round1(ownDelay.max / 1e6) };
    log(`every unit workflow started ${issuedSeconds} s after launch`);
    log(`the benchmark's own event-loop delay meanwhile (resolution 10 ms): p50 ${benchEventLoopDelayMs.p50}, p99 ${benchEventLoopDelayMs.p99}, max ${benchEventLoopDelayMs.max} ms`);
    const phases = (ms: number[], inLists: number) => ({
      reads: ms.length, ...summarise(ms),
      whileListsWritten: { reads: inLists, ...summarise(ms.slice(0, inLists)) },
      whileUnitsStarted: { reads: ms.length - inLists, ...summarise(ms.slice(inLists)) },
    });
    const roundReads = phases(readMs, listPhase.reads);
    const boardReads = {
      ...phases(boardMs, listPhase.boards),
      serverTiming: { whileListsWritten: summarisePhases(boardTimings.slice(0, listPhase.boards)), whileUnitsStarted: summarisePhases(boardTimings.slice(listPhase.boards)) },
    };
    for (const [what, r] of [['GET /rounds/{id}', roundReads], ['GET /rounds/{id}/board?limit=50', boardReads]] as const) {
      log(`${what} while issuing: ${r.reads} reads, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms   [target p99 <= 100 ms]; while the lists were written ${r.whileListsWritten.reads} reads, p50 ${r.whileListsWritten.p50Ms} ms, p99 ${r.whileListsWritten.p99Ms} ms; while the units started ${r.whileUnitsStarted.reads}, p50 ${r.whileUnitsStarted.p50Ms} ms, p99 ${r.whileUnitsStarted.p99Ms} ms`);
    }
    for (const [phase, t] of Object.entries(boardReads.serverTiming)) {
      log(`board's Server-Timing ${phase}: ${Object.entries(t.phases).map(([n, p]) => `${n} p50 ${p.p50Ms} / p90 ${p.p90Ms} / max ${p.maxMs} ms`).join(', ')}; ${JSON.stringify(t.described)}`);
    }
    // Every unit running: its first workflow task run, its ladder's timer set.
    const { backlogAtStart: backlogAtIssued, seconds: runningSeconds } = await untilBacklogEmpty(client, TASK_QUEUE, t0, Number(values.timeout));
    const samples = sampler.stop();
    log(`every unit running ${runningSeconds} s after launch (${backlogAtIssued} workflow tasks waiting when the last task was issued)`);
    const writesResult = writes ? await writes.catch((e: Error) => ({ failed: e.message })) : null;
    if (writesResult && 'opsPerSecond' in writesResult) {
      log(`writes while issuing (from ${writesResult.startedAtSeconds} s, issued ${writesResult.issuedBefore} -> ${writesResult.issuedAfter}, ${writesResult.units} units): ${writesResult.opsPerSecond} ops/s, p50 ${writesResult.all.p50Ms} ms, p99 ${writesResult.all.p99Ms} ms; non-2xx ${JSON.stringify(writesResult.non2xx)}, ${writesResult.errors} errors`);
    }
    const histories = await largestHistories(client, launched.id, unitCodes, new Set(unitTokens.keys())).catch((e: Error) => {
      log(`histories: ${e.message}`);
      return null;
    });
    log(`histories: ${JSON.stringify(histories)}`);

    // CPU milliseconds per start of each server and of this process (the starter, and the worker of ceiling 1b).
    const ceilingWatched = [...watched.filter((w) => w.name === 'temporal' || w.name.endsWith('postgres')), { name: 'bench', pid: process.pid, children: false }];
    const starts = Number(values['ceiling-starts']);
    const [ceilingStarts, bareCpuMs] = await atBackgroundPriority(true, () => sampledPerOperation(ceilingWatched, starts, () => startsCeiling(client, starts)));
    log(`ceiling: ${ceilingStarts} trivial workflow starts/s (no workflow task); CPU ms a start ${JSON.stringify(bareCpuMs)}`);
    const slots = loadConfig({ ...process.env, DATABASE_URL: stack.databaseUrl }).DUBAN_WORKER_WORKFLOW_TASK_SLOTS;
    const [ceilingRuns, runCpuMs] = await atBackgroundPriority(true, () => sampledPerOperation(ceilingWatched, starts, () => runningStartsCeiling(stack.temporal.address, starts, slots)));
    log(`ceiling: ${ceilingRuns} trivial workflows/s started and run to completion; CPU ms a workflow ${JSON.stringify(runCpuMs)}`);
    const ceilingRows = await insertCeiling(stack.databaseUrl, Math.min(total, 60_000), tasks);
    log(`ceiling: ${ceilingRows} task-shaped rows/s by multi-row INSERT of ${tasks} rows`);
    const unitsPerSecond = Math.round(units / issuedSeconds);
    const tasksPerSecond = Math.round(total / tasksIssuedSeconds);
    const map = (fn: (s: Sample) => number) => Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, fn(v)]));
    const report = {
      benchmark: 'national',
      date: new Date(started).toISOString(),
      units, tasks, totalTasks: total, workers,
      machine: { ...machine(), loadAverageBefore },
      stack: cluster.shape,
      launchRequestSeconds,
      // Every task row written: what each unit sees in its list.
      tasksIssuedSeconds,
      // Every unit workflow started (the round's fan-out done): units/s is counted over this.
      issuedSeconds,
      // Every unit's first workflow task run (the task queue's backlog empty), and what waited when the last task was issued.
      unitsRunningSeconds: runningSeconds,
      workflowBacklogAtIssued: backlogAtIssued,
      unitsPerSecond,
      tasksPerSecond,
      histories,
      // GET /rounds/{id} as the benchmark polled it once a second while the round issued.
      roundReadWhileIssuing: roundReads,
      // GET /rounds/{id}/board?limit=50, after every fifth of those reads.
      boardReadWhileIssuing: boardReads,
      // The event-loop delay of the benchmark process while it timed those reads.
      benchEventLoopDelayMs,
      // Submissions and acceptances while the round issued (null with --writers 0).
      writesWhileIssuing: writesResult,
      peakRssMiB: map((s) => mib(s.peakKiB)),
      postgresPeakPssMiB: mib(samples.postgres.pssPeakKiB ?? 0),
      cpuSeconds: map((s) => s.cpuSeconds),
      ceilings: {
        workflowStartsPerSecond: ceilingStarts,
        unitWorkflowsPerSecondVsCeiling: Math.round((unitsPerSecond / ceilingStarts) * 1000) / 1000,
        workflowStartCpuMs: bareCpuMs,
        trivialWorkflowsRunPerSecond: ceilingRuns,
        trivialWorkflowRunCpuMs: runCpuMs,
        unitWorkflowsPerSecondVsRunCeiling: Math.round((unitsPerSecond / ceilingRuns) * 1000) / 1000,
        insertRowsPerSecond: ceilingRows,
        tasksPerSecondVsCeiling: Math.round((tasksPerSecond / ceilingRows) * 1000) / 1000,
      },
      timeline: timeline.filter((_, i) => i % 5 === 0),
    };
    if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
    console.log(values.json ? JSON.stringify(report, null, 2) : { ...report, timeline: `${report.timeline.length} points` });
    await api.post(`/api/v1/rounds/${launched.id}/cancel`, {});
    return 0;
  } catch (e) {
    log(`failed: ${(e as Error).stack ?? String(e)}`);
    throw e;
  } finally {
    await cleanUp();
  }
}
