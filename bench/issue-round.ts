/**
 * Launch-to-issued benchmark: one round of U units x T task templates, launched through the
 * HTTP API on a fresh local stack, timed until every task row exists.
 *
 *   npm run bench -- --units 700 --tasks 30 [--runs 3] [--json]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startLocalStack, type LocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { UNIT_KINDS } from '../domain/vocabulary';
import { roundWorkflowId } from '../workflows/contracts';
import { Api, eachLimited, sleep } from './lib/api';
import { dropCountTriggers, taskCounter } from './lib/countTriggers';
import { ROOT, runTs, startApp, type RunningApp } from './lib/app';
import { machine, median, type Machine } from './lib/machine';
import { commandLine, pidListeningOn, ProcSampler, type Sample, type Watched } from './lib/proc';

const USAGE = `usage: npm run bench -- [issue-round] [--units 700] [--tasks 30] [--runs 1] [--json] [--out report.json] [--poll-ms 250] [--timeout 600] [--without-count-triggers]`;
const TASK_QUEUE = 'duban-bench';

interface RunResult {
  run: number;
  roundId: string;
  /** Seconds the POST /rounds request took. */
  launchRequestSeconds: number;
  /** Seconds from sending POST /rounds until GET /rounds/{id} showed every task issued. */
  issuedSeconds: number;
  tasksPerSecond: number;
  /** Seconds from sending POST /rounds until the last unit workflow's start time (Temporal's record). */
  unitsStartedSeconds: number;
  firstUnitStartedSeconds: number;
  /** Peak RSS in MiB: VmHWM for the app and Temporal; postgres: the highest summed VmRSS of the postmaster's children. */
  peakRssMiB: Record<string, number>;
  /** Highest VmRSS (MiB) seen during this run only (sampled every 100 ms). */
  runPeakRssMiB: Record<string, number>;
  /** Postgres: the highest sum of PSS over the postmaster's children (shared buffers counted once), MiB. */
  postgresPeakPssMiB?: number;
  /** CPU seconds each process used during the timed window. */
  cpuSeconds: Record<string, number>;
  loadAverageBefore: number[];
  /** [seconds since POST, tasks issued] at each poll. */
  timeline: Array<[number, number]>;
}

interface Report {
  benchmark: 'issue-round';
  date: string;
  units: number;
  tasks: number;
  totalTasks: number;
  machine: Machine;
  temporal: string;
  postgres: string;
  runs: RunResult[];
  median: { issuedSeconds: number; tasksPerSecond: number; unitsStartedSeconds: number };
}

const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const mib = (kib: number) => Math.round(kib / 102.4) / 10;

function pidFromFile(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return pid > 0 && fs.existsSync(`/proc/${pid}`) ? pid : null;
  } catch {
    return null;
  }
}

function localListener(address: string): number | null {
  const m = /^(?:[a-z]+:\/\/(?:[^@/]*@)?)?(127\.0\.0\.1|localhost|\[::1\]):(\d+)/.exec(address);
  return m ? pidListeningOn(Number(m[2])) : null;
}

function describeTemporal(pid: number | null, address: string): string {
  if (!pid) return `external Temporal at ${address}`;
  if (!commandLine(pid).includes('start-dev')) return `Temporal at ${address} (${commandLine(pid).slice(0, 120)})`;
  const cmd = commandLine(pid);
  let version = '';
  try {
    version = execFileSync(fs.readlinkSync(`/proc/${pid}/exe`), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // unknown
  }
  const dbFile = /--db-filename (\S+)/.exec(cmd)?.[1];
  const dynamic = [...cmd.matchAll(/--dynamic-config-value (\S+)/g)].map((m) => m[1]);
  return `dev server (${version || 'temporal CLI'}), SQLite ${dbFile ? `file ${dbFile}` : 'in-memory'}${dynamic.length ? `, dynamic config ${dynamic.join(' ')}` : ''}`;
}

function describePostgres(pid: number | null): string {
  if (!pid) return 'external PostgreSQL (DATABASE_URL)';
  const local = !process.env.DATABASE_URL;
  let version = '';
  try {
    version = execFileSync(fs.readlinkSync(`/proc/${pid}/exe`), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // unknown
  }
  return `${version || 'PostgreSQL'}, ${local ? 'local cluster (synchronous_commit=off)' : 'from DATABASE_URL, on this machine'}`;
}

async function setUp(api: Api, units: number, tasks: number): Promise<{ unitCodes: string[]; templateCodes: string[] }> {
  const unitCodes = Array.from({ length: units }, (_, i) => `bench-u${String(i + 1).padStart(5, '0')}`);
  const templateCodes = Array.from({ length: tasks }, (_, i) => `bench-t${String(i + 1).padStart(3, '0')}`);
  const started = Date.now();
  await eachLimited(templateCodes, 4, async (code, i) => {
    await api.post('/api/v1/task-templates', { code, category: '基准', title: `基准任务 ${i + 1}`, evidence: ['summary'], weight: 1 + (i % 10), dueWorkingDays: 5 + (i % 20) }, [409]);
  });
  await eachLimited(unitCodes, 8, async (code, i) => {
    await api.post('/api/v1/units', { code, name: `基准单位 ${i + 1}`, kind: UNIT_KINDS[i % UNIT_KINDS.length], officeCode: 'bench' }, [409]);
  });
  log(`created ${units} units and ${tasks} task templates through the API in ${seconds(Date.now() - started)} s`);
  return { unitCodes, templateCodes };
}

/** Start times of the round's unit workflows, from Temporal's visibility store (which may lag a little). */
async function unitStartTimes(client: Client, roundId: string, expected: number, since: number): Promise<number[]> {
  const prefix = `${roundWorkflowId(roundId)}-unit-`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const starts: number[] = [];
    const query = `WorkflowType = 'superviseUnit' AND StartTime >= '${new Date(since - 60_000).toISOString()}'`;
    for await (const wf of client.workflow.list({ query })) {
      if (wf.workflowId.startsWith(prefix)) starts.push(wf.startTime.getTime());
    }
    if (starts.length >= expected || Date.now() > deadline) {
      if (starts.length < expected) log(`visibility lists only ${starts.length} of ${expected} unit workflows`);
      return starts.sort((a, b) => a - b);
    }
    await sleep(500);
  }
}

async function launchOnce(opts: {
  run: number;
  api: Api;
  client: Client;
  unitCodes: string[];
  templateCodes: string[];
  watched: Watched[];
  pollMs: number;
  timeoutMs: number;
  /** Counts issued tasks in the database instead of through GET /rounds/{id} (the count triggers are dropped). */
  countFrom?: { count(roundId: string): Promise<number> };
}): Promise<RunResult> {
  const { api, client, unitCodes, templateCodes } = opts;
  const total = unitCodes.length * templateCodes.length;
  const body = {
    title: `基准轮次 ${opts.run}`,
    period: '2026Q4',
    unitCodes,
    tasks: templateCodes.map((templateCode) => ({ templateCode })),
    closesAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
  };
  const loadAverageBefore = machine().loadAverage;
  const sampler = new ProcSampler(opts.watched);
  sampler.start();

  const t0Wall = Date.now();
  const t0 = performance.now();
  const { body: launched } = await api.post<{ id: string }>('/api/v1/rounds', body);
  const launchRequestSeconds = seconds(performance.now() - t0);
  const timeline: Array<[number, number]> = [];
  let issuedSeconds = 0;
  for (;;) {
    const round = opts.countFrom
      ? { counts: { issued: await opts.countFrom.count(launched.id) } }
      : await api.get<{ counts: { issued: number } }>(`/api/v1/rounds/${launched.id}`);
    const elapsed = performance.now() - t0;
    timeline.push([seconds(elapsed), round.counts.issued]);
    if (round.counts.issued >= total) {
      issuedSeconds = seconds(elapsed);
      break;
    }
    if (elapsed > opts.timeoutMs) {
      sampler.stop();
      throw new Error(`run ${opts.run}: only ${round.counts.issued} of ${total} tasks issued after ${seconds(elapsed)} s`);
    }
    await sleep(Math.max(0, opts.pollMs - (performance.now() - t0 - elapsed)));
  }
  const samples = sampler.stop();

  const starts = await unitStartTimes(client, launched.id, unitCodes.length, t0Wall);
  const result: RunResult = {
    run: opts.run,
    roundId: launched.id,
    launchRequestSeconds,
    issuedSeconds,
    tasksPerSecond: Math.round(total / issuedSeconds),
    unitsStartedSeconds: seconds(starts[starts.length - 1] - t0Wall),
    firstUnitStartedSeconds: seconds(starts[0] - t0Wall),
    peakRssMiB: mapValues(samples, (s) => mib(s.peakKiB)),
    runPeakRssMiB: mapValues(samples, (s) => mib(s.sampledPeakKiB)),
    ...(samples.postgres ? { postgresPeakPssMiB: mib(samples.postgres.pssPeakKiB ?? 0) } : {}),
    cpuSeconds: mapValues(samples, (s) => s.cpuSeconds),
    loadAverageBefore,
    timeline,
  };
  log(
    `run ${opts.run}: ${total} tasks issued in ${issuedSeconds} s (${result.tasksPerSecond} tasks/s); ` +
      `unit workflows started by ${result.unitsStartedSeconds} s; peak RSS ${JSON.stringify(result.peakRssMiB)} MiB; cpu ${JSON.stringify(result.cpuSeconds)} s`,
  );
  return result;
}

function mapValues(o: Record<string, Sample>, fn: (s: Sample) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}

/** Cancels a measured round and waits until its workflow (and so every unit workflow) has finished. */
async function drain(api: Api, client: Client, roundId: string) {
  const started = Date.now();
  await api.post(`/api/v1/rounds/${roundId}/cancel`, {});
  await client.workflow.getHandle(roundWorkflowId(roundId)).result();
  log(`cancelled round ${roundId} and waited for its workflows to finish (${seconds(Date.now() - started)} s, not timed)`);
}

function printText(r: Report) {
  const names = Object.keys(r.runs[0].peakRssMiB);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const lines = [
    `issue-round: ${r.units} units x ${r.tasks} tasks = ${r.totalTasks} tasks, ${r.runs.length} run(s), ${r.date}`,
    `machine: ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memTotal}, node ${r.machine.node}`,
    `temporal: ${r.temporal}`,
    `postgres: ${r.postgres}`,
    '',
    `${pad('run', 4)} ${pad('issued s', 9)} ${pad('tasks/s', 8)} ${pad('units started s', 16)} ${names.map((n) => pad(`${n} MiB`, 14)).join(' ')} ${pad('cpu s (' + names.join('/') + ')', 30)}`,
    ...r.runs.map(
      (x) =>
        `${pad(x.run, 4)} ${pad(x.issuedSeconds.toFixed(2), 9)} ${pad(x.tasksPerSecond, 8)} ${pad(x.unitsStartedSeconds.toFixed(2), 16)} ${names.map((n) => pad(x.peakRssMiB[n], 14)).join(' ')} ${pad(names.map((n) => x.cpuSeconds[n]).join('/'), 30)}`,
    ),
    `${pad('med', 4)} ${pad(r.median.issuedSeconds.toFixed(2), 9)} ${pad(r.median.tasksPerSecond, 8)} ${pad(r.median.unitsStartedSeconds.toFixed(2), 16)}`,
    '',
    'peak RSS: VmHWM for app and temporal (since process start); postgres: highest sum of VmRSS over the postmaster\'s children (shared buffers counted in each).',
    ...(r.runs[0].postgresPeakPssMiB !== undefined ? [`postgres peak PSS sum (shared memory counted once), MiB: ${r.runs.map((x) => x.postgresPeakPssMiB).join(', ')}`] : []),
  ];
  console.log(lines.join('\n'));
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string', default: '700' },
      tasks: { type: 'string', default: '30' },
      runs: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'poll-ms': { type: 'string', default: '250' },
      timeout: { type: 'string', default: '600' },
      'without-count-triggers': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const units = Number(values.units);
  const tasks = Number(values.tasks);
  const runs = Number(values.runs);
  if (![units, tasks, runs].every((n) => Number.isInteger(n) && n > 0) || tasks > 200) throw new Error(USAGE);

  const dataDir = path.join(ROOT, '.data', 'bench');
  const started = Date.now();
  const state: { stack?: LocalStack; app?: RunningApp; connection?: Connection; counter?: Awaited<ReturnType<typeof taskCounter>> } = {};
  let stopping = false;
  const cleanUp = async () => {
    if (stopping) return;
    stopping = true;
    await state.connection?.close().catch(() => undefined);
    await state.counter?.close().catch(() => undefined);
    await state.app?.stop().catch((e: Error) => log(`stopping the app: ${e.message}`));
    await state.stack?.stop().catch((e: Error) => log(`stopping the stack: ${e.message}`));
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const stack = (state.stack = await startLocalStack({ dataDir, persistent: false, log: (m) => console.error(`[stack] ${m}`) }));
    // Servers given by TEMPORAL_ADDRESS / DATABASE_URL are measured too when they listen on this machine.
    const temporalPid = process.env.TEMPORAL_ADDRESS ? localListener(stack.temporalAddress) : pidFromFile(path.join(dataDir, 'temporal.pid'));
    const postgresPid = process.env.DATABASE_URL ? localListener(stack.databaseUrl) : pidFromFile(path.join(dataDir, 'pg', 'postmaster.pid'));
    const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'warn' };
    const withoutTriggers = values['without-count-triggers'];
    if (withoutTriggers) {
      await dropCountTriggers(stack.databaseUrl);
      state.counter = await taskCounter(stack.databaseUrl);
      log('per-unit count triggers dropped: issued tasks are counted from the tasks table');
    }

    const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准测试办公室', '--label', 'bench'], { ...process.env, DATABASE_URL: stack.databaseUrl }))
      .trim()
      .split('\n')
      .pop()!;
    const port = await freePort();
    state.app = await startApp({ port, env, logFile: path.join(dataDir, 'app.log') });
    log(`stack and app ready in ${seconds(Date.now() - started)} s (app pid ${state.app.pid}, temporal pid ${temporalPid ?? '-'}, postmaster pid ${postgresPid ?? '-'})`);
    const api = new Api(`http://127.0.0.1:${port}`, token);
    state.connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection: state.connection });

    const { unitCodes, templateCodes } = await setUp(api, units, tasks);
    const watched: Watched[] = [
      { name: 'app', pid: state.app.pid, children: false },
      ...(temporalPid ? [{ name: 'temporal', pid: temporalPid, children: false }] : []),
      ...(postgresPid ? [{ name: 'postgres', pid: postgresPid, children: true }] : []),
    ];

    const results: RunResult[] = [];
    for (let run = 1; run <= runs; run++) {
      const result = await launchOnce({ run, api, client, unitCodes, templateCodes, watched, pollMs: Number(values['poll-ms']), timeoutMs: Number(values.timeout) * 1000, countFrom: state.counter });
      results.push(result);
      if (run < runs) await drain(api, client, result.roundId);
    }

    const report: Report = {
      benchmark: 'issue-round',
      date: new Date(started).toISOString(),
      units,
      tasks,
      totalTasks: units * tasks,
      machine: machine(),
      temporal: describeTemporal(temporalPid, stack.temporalAddress),
      postgres: describePostgres(postgresPid),
      runs: results,
      median: {
        issuedSeconds: median(results.map((r) => r.issuedSeconds)),
        tasksPerSecond: median(results.map((r) => r.tasksPerSecond)),
        unitsStartedSeconds: median(results.map((r) => r.unitsStartedSeconds)),
      },
    };
    if (values.out) {
      fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
      fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
    }
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printText(report);
    return 0;
  } finally {
    await cleanUp();
  }
}
