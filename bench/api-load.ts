/**
 * The API while a round runs: a round of U units x T tasks is launched through the HTTP API on a
 * fresh local stack and, while its tasks are being issued, autocannon measures GET /rounds/{id} and
 * GET /rounds/{id}/board?limit=50. Once every task is issued, units submit (POST
 * /tasks/{id}/submissions with an Idempotency-Key and evidence of every kind the template requires)
 * and the office accepts each submission with a score (POST /submissions/{id}/review), from a
 * bounded number of concurrent callers, for S seconds.
 *
 *   npm run bench -- api-load [--units 700] [--tasks 30] [--duration 10] [--connections 8] [--concurrency 16] [--cluster] [--json]
 *
 * With --cluster the stack is the deployment's shape (scripts/stack/cluster.ts): the real Temporal server on
 * PostgreSQL, two worker processes and one API process; without it, the dev server and one process for both.
 *
 * The ceiling of the writes, measured on the same Temporal server in the same run once the writes are done: the
 * same number of callers sending the simplest possible update (a counter, no activity, no database) to running
 * workflows of a trivial type through a worker in this process. Each submission and each review is one update
 * on a unit's workflow, so the ratio says how much of what the server can take the product's writes get.
 *
 * Targets it is read against (stated, not asserted): submissions and reviews >= 300/s with
 * p99 <= 150 ms; GET /rounds/{id} and the board p99 <= 100 ms.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import autocannon from 'autocannon';
import { startLocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { UNIT_KINDS } from '../domain/vocabulary';
import { Api, eachLimited, sleep } from './lib/api';
import { ROOT, runTs, startApp } from './lib/app';
import { round1, summarise } from './lib/latency';
import { machine } from './lib/machine';
import { touchUpdate } from './lib/ceilingWorkflow';
import { atBackgroundPriority, ceilingWorker } from './lib/ceilingWorker';
import { startBenchCluster } from './lib/cluster';
import { untilRoundRunning } from './lib/backlog';
import { cpuMsPer, ProcSampler, type Watched } from './lib/proc';
import { interleaved, issuedCount, submitAndReview, type Task } from './lib/writes';

const USAGE = 'usage: npm run bench -- api-load [--units 700] [--tasks 30] [--duration 10] [--connections 8] [--concurrency 16] [--timeout 900] [--cluster] [--json]';
const log = (message: string) => console.error(`[bench] ${message}`);
const TASK_QUEUE = 'duban-bench-api-load';
const seconds = (ms: number) => Math.round(ms) / 1000;

/** autocannon against one GET for `duration` seconds; non-2xx answers are counted, not thrown. */
async function measureGet(url: string, token: string, duration: number, connections: number) {
  const r = await autocannon({ url, duration, connections, headers: { authorization: `Bearer ${token}` } });
  return {
    requests: r.requests.total, rps: Math.round(r.requests.average), p50Ms: r.latency.p50, p90Ms: r.latency.p90, p99Ms: r.latency.p99, maxMs: r.latency.max,
    non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
  };
}

/** Every task of the round, interleaved across units. */
async function roundTasks(api: Api, roundId: string): Promise<Task[]> {
  const all: Task[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await api.get<Task[]>(`/api/v1/rounds/${roundId}/tasks?limit=5000&offset=${offset}`);
    all.push(...page);
    if (page.length < 5000) break;
  }
  return interleaved(all);
}

/**
 * Updates per second the Temporal server takes when the update does nothing: `workflows` running workflows of a
 * trivial type on a task queue of their own, served by a worker in this process, `concurrency` callers for
 * `duration` seconds.
 */
async function updateCeiling(address: string, workflows: number, concurrency: number, duration: number, watched: Watched[]) {
  const { taskQueue, connection: nativeConnection, worker } = await ceilingWorker(address, 'updates', 64);
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  try {
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < workflows; i++) handles.push(await client.workflow.start('ceilingUpdates', { taskQueue, workflowId: `${taskQueue}-${i}` }));
    const latencies: number[] = [];
    let next = 0;
    const sampler = new ProcSampler(watched);
    sampler.start();
    const t0 = performance.now();
    const deadline = t0 + duration * 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await handles[next++ % handles.length].executeUpdate(touchUpdate);
        latencies.push(performance.now() - t);
      }
    }));
    const elapsed = (performance.now() - t0) / 1000;
    const samples = sampler.stop();
    await Promise.all(handles.map((h) => h.terminate('ceiling measured').catch(() => undefined)));
    const cpuMsPerUpdate = cpuMsPer(samples, latencies.length);
    return { updatesPerSecond: round1(latencies.length / elapsed), workflows, concurrency, seconds: round1(elapsed), ...summarise(latencies), cpuMsPerUpdate };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
  }
}

/** The app on the chosen stack: one process on the dev server, or two workers and one API on the cluster stack. */
async function startStack(cluster: boolean, dataDir: string) {
  if (!cluster) {
    const port = await freePort();
    const stack = await startLocalStack({ dataDir, persistent: false, log: (m) => console.error(`[stack] ${m}`) });
    const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'warn' };
    const app = await startApp({ port, env, logFile: path.join(dataDir, 'app.log') });
    const watched: Watched[] = [{ name: 'app', pid: app.pid, children: false }];
    return { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, port, apiPid: app.pid, watched, shape: 'dev server, one process for worker and API', stop: async () => {
      await app.stop().catch((e: Error) => log(`stopping the app: ${e.message}`));
      await stack.stop().catch((e: Error) => log(`stopping the stack: ${e.message}`));
    } };
  }
  const started = await startBenchCluster({ dataDir, taskQueue: TASK_QUEUE, workers: 2 });
  const { stack } = started;
  return {
    databaseUrl: stack.databaseUrl, temporalAddress: stack.temporal.address, port: started.port, apiPid: started.processes.find(([name]) => name === 'api')![1], watched: started.watched,
    shape: started.shape, stop: started.stop,
  };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '700' }, tasks: { type: 'string', default: '30' }, duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '8' }, concurrency: { type: 'string', default: '16' }, timeout: { type: 'string', default: '900' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false }, cluster: { type: 'boolean', default: false },
      'ceiling-workflows': { type: 'string', default: '200' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [units, tasks, duration, connections, concurrency, timeout] = [values.units, values.tasks, values.duration, values.connections, values.concurrency, values.timeout].map(Number);
  if (![units, tasks, duration, connections, concurrency, timeout].every((n) => Number.isInteger(n) && n > 0) || tasks > 200) throw new Error(USAGE);

  const before = machine();
  const dataDir = path.join(ROOT, '.data', values.cluster ? 'bench-api-load-cluster' : 'bench-api-load');
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    stack = await startStack(values.cluster, dataDir);
    const { port } = stack;
    const app = { pid: stack.apiPid };
    const officeToken = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准测试办公室', '--label', 'bench'], { ...process.env, DATABASE_URL: stack.databaseUrl })).trim().split('\n').pop()!;
    const baseUrl = `http://127.0.0.1:${port}`;
    const office = new Api(baseUrl, officeToken);

    // Directory: templates (every third also asks for data), units, one token per unit.
    const setUpStarted = Date.now();
    const templateCodes = Array.from({ length: tasks }, (_, i) => `bench-t${String(i + 1).padStart(3, '0')}`);
    await eachLimited(templateCodes, 4, async (code, i) => {
      await office.post('/api/v1/task-templates', { code, category: '基准', title: `基准任务 ${i + 1}`, evidence: i % 3 === 0 ? ['summary', 'data'] : ['summary'], weight: 1 + (i % 10), dueWorkingDays: 5 + (i % 20) });
    });
    const unitCodes = Array.from({ length: units }, (_, i) => `bench-u${String(i + 1).padStart(5, '0')}`);
    await eachLimited(unitCodes, 8, async (code, i) => void (await office.post('/api/v1/units', { code, name: `基准单位 ${i + 1}`, kind: UNIT_KINDS[i % UNIT_KINDS.length], officeCode: 'bench' })));
    const unitTokens = new Map<string, string>();
    await eachLimited(unitCodes, 8, async (code) => void unitTokens.set(code, (await office.post<{ token: string }>('/api/v1/tokens', { kind: 'unit', code })).body.token));
    log(`created ${units} units (with tokens) and ${tasks} templates in ${seconds(Date.now() - setUpStarted)} s`);

    // Phase 1: reads while the round issues.
    const total = units * tasks;
    const loadAtLaunch = machine().loadAverage;
    const launchedAt = performance.now();
    const { body: launched } = await office.post<{ id: string }>('/api/v1/rounds', {
      title: '基准：运行中的接口', period: '2026Q4', unitCodes, tasks: templateCodes.map((templateCode) => ({ templateCode })), closesAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    });
    const roundUrl = `${baseUrl}/api/v1/rounds/${launched.id}`;
    const reads: Array<{ name: string; path: string; issuedBefore: number; issuedAfter: number; secondsSinceLaunch: number; appCpuSeconds: number } & Awaited<ReturnType<typeof measureGet>>> = [];
    for (const s of [{ name: 'GET /rounds/{id}', path: '' }, { name: 'GET /rounds/{id}/board?limit=50', path: '/board?limit=50' }]) {
      const issuedBefore = await issuedCount(office, launched.id);
      const secondsSinceLaunch = seconds(performance.now() - launchedAt);
      const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
      sampler.start();
      const r = await measureGet(`${roundUrl}${s.path}`, officeToken, duration, connections);
      const appCpuSeconds = sampler.stop().app.cpuSeconds;
      const issuedAfter = await issuedCount(office, launched.id);
      reads.push({ name: s.name, path: s.path, issuedBefore, issuedAfter, secondsSinceLaunch, ...r, appCpuSeconds });
      log(`${s.name} while issuing (${issuedBefore} -> ${issuedAfter} of ${total} tasks): ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.non2xx} non-2xx, ${r.errors} errors`);
    }
    let issued = 0;
    for (;;) {
      issued = await issuedCount(office, launched.id);
      if (issued >= total) break;
      if (performance.now() - launchedAt > timeout * 1000) throw new Error(`only ${issued} of ${total} tasks issued after ${timeout} s`);
      await sleep(1000);
    }
    const issuedSeconds = seconds(performance.now() - launchedAt);
    log(`all ${total} tasks issued ${issuedSeconds} s after launch`);
    // Every unit started and running, so that what follows measures the round at rest, not the rest of its issuing
    // (which the cluster stack runs at the background priority, after people's reads above).
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const unitsRunningSeconds = await untilRoundRunning(new Client({ connection }), launched.id, TASK_QUEUE, launchedAt, timeout).finally(() => connection.close());
    log(`every unit running ${unitsRunningSeconds} s after launch`);

    // The same reads once the round has issued, as the baseline to compare the figures above with.
    const readsAfterIssuing: Array<{ name: string; appCpuSeconds: number } & Awaited<ReturnType<typeof measureGet>>> = [];
    for (const s of [{ name: 'GET /rounds/{id}', path: '' }, { name: 'GET /rounds/{id}/board?limit=50', path: '/board?limit=50' }]) {
      const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
      sampler.start();
      const r = await measureGet(`${roundUrl}${s.path}`, officeToken, duration, connections);
      readsAfterIssuing.push({ name: s.name, ...r, appCpuSeconds: sampler.stop().app.cpuSeconds });
      log(`${s.name} after issuing: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.non2xx} non-2xx, ${r.errors} errors`);
    }

    // Phase 2: submissions and reviews at the rate the API takes.
    const all = await roundTasks(office, launched.id);
    // Every process of the stack: where a write's CPU goes (the API, the workers, Temporal, PostgreSQL).
    const writeSampler = new ProcSampler(stack.watched);
    writeSampler.start();
    const written = await submitAndReview(baseUrl, officeToken, unitTokens, all, duration, concurrency);
    const writeSamples = writeSampler.stop();
    const ops = Math.round(written.opsPerSecond * written.seconds);
    const apiName = stack.watched.find((w) => w.pid === app.pid)!.name;
    const writes = { ...written, appCpuSeconds: writeSamples[apiName].cpuSeconds, cpuSeconds: Object.fromEntries(Object.entries(writeSamples).map(([n, s]) => [n, s.cpuSeconds])), cpuMsPerWrite: cpuMsPer(writeSamples, ops) };
    const { temporalAddress } = stack;
    const ceilingWatched = [...stack.watched, { name: 'bench (ceiling worker)', pid: process.pid, children: false }];
    const ceiling = await atBackgroundPriority(Boolean(values.cluster), () => updateCeiling(temporalAddress, Number(values['ceiling-workflows']), concurrency, duration, ceilingWatched));
    const writesVsCeiling = Math.round((writes.opsPerSecond / ceiling.updatesPerSecond) * 1000) / 1000;
    log(`ceiling: ${ceiling.updatesPerSecond} trivial updates/s (p50 ${ceiling.p50Ms} ms, p99 ${ceiling.p99Ms} ms); the writes reach ${writesVsCeiling} of it`);
    log(`submissions+reviews: ${writes.opsPerSecond} ops/s (${writes.submissionsPerSecond} submissions/s, ${writes.reviewsPerSecond} reviews/s), p50 ${writes.all.p50Ms} ms, p99 ${writes.all.p99Ms} ms; non-2xx ${JSON.stringify(writes.non2xx)}, ${writes.errors} errors`);
    if (writes.samples.length) log(`first failures: ${writes.samples.join(' | ')}`);

    const report = {
      benchmark: 'api-load',
      command: `npm run bench -- api-load ${argv.join(' ')}`.trim(),
      date: new Date().toISOString(),
      stack: stack.shape,
      units, tasks, totalTasks: total, runs: 1, durationSeconds: duration, readConnections: connections,
      machine: before, loadAverageAtLaunch: loadAtLaunch, loadAverageAfter: machine().loadAverage,
      issuedSeconds,
      unitsRunningSeconds,
      reads,
      readsAfterIssuing,
      writes,
      ceiling,
      writesVsCeiling,
      targets: { writesOpsPerSecond: 300, writesP99Ms: 150, readsP99Ms: 100 },
    };
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      const lines = [
        `api-load: ${units} units x ${tasks} tasks = ${total} tasks, 1 run, ${report.date}; stack: ${stack.shape}`,
        `machine: ${before.cpus} CPUs (${before.cpuModel}), ${before.memTotal}, node ${before.node}; load average before ${before.loadAverage.join(' ')}, after ${report.loadAverageAfter.join(' ')}`,
        `every task issued ${issuedSeconds} s after launch, every unit running ${unitsRunningSeconds} s`,
        ...reads.map((r) => `${r.name} (${connections} connections, ${duration} s, issued ${r.issuedBefore} -> ${r.issuedAfter}): ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}, app CPU ${r.appCpuSeconds} s   [target p99 <= 100 ms]`),
        ...readsAfterIssuing.map((r) => `${r.name} after issuing (baseline): ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}, app CPU ${r.appCpuSeconds} s`),
        `submissions + reviews (${concurrency} callers, ${writes.seconds} s): ${writes.opsPerSecond} ops/s = ${writes.submissionsPerSecond} submissions/s + ${writes.reviewsPerSecond} reviews/s   [target >= 300/s]`,
        `  submissions: p50 ${writes.submissions.p50Ms} ms, p99 ${writes.submissions.p99Ms} ms; reviews: p50 ${writes.reviews.p50Ms} ms, p99 ${writes.reviews.p99Ms} ms; all: p99 ${writes.all.p99Ms} ms   [target p99 <= 150 ms]`,
        `  non-2xx ${JSON.stringify(writes.non2xx)}, errors ${writes.errors}, app CPU ${writes.appCpuSeconds} s`,
        `  CPU ms per write: ${Object.entries(writes.cpuMsPerWrite).map(([n, ms]) => `${n} ${ms}`).join(', ')}`,
        `ceiling (same Temporal server, ${ceiling.concurrency} callers, trivial update on ${ceiling.workflows} workflows): ${ceiling.updatesPerSecond} updates/s, p50 ${ceiling.p50Ms} ms, p99 ${ceiling.p99Ms} ms; writes / ceiling = ${writesVsCeiling}   [target >= 0.5]`,
        `  CPU ms per trivial update : ${Object.entries(ceiling.cpuMsPerUpdate).map(([n, ms]) => `${n} ${ms}`).join(', ')}`,
      ];
      console.log(lines.join('\n'));
    }
    return 0;
  } finally {
    await stack?.stop();
  }
}
