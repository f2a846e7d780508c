import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../../scripts/stack/ports';
import { waitFor } from './poll';
import { ROOT, isAlive, killTree, processTree, runsService, spawnService, stopService, type Service, type Spawned } from './processes';

export interface StackState {
  /** The Jest process that owns the services; when it is gone they are leftovers. */
  owner: number;
  baseUrl: string;
  rootOffice: string;
  rootToken: string;
  taskQueue: string;
  /** The environment both services run with, so a test can start another worker like the first. */
  env: Record<string, string>;
  /** Launcher pid of each service now running. */
  pids: Record<Service, number>;
}

/**
 * Each run keeps its services' logs and the state the global setup hands to the tests in
 * .data/integration/<run>/, named to the tests by DUBAN_ITEST_STATE; runs side by side never mix.
 */
const RUNS_DIR = path.join(ROOT, '.data', 'integration');
const STATE_ENV = 'DUBAN_ITEST_STATE';

export function newRun(runId: string): void {
  fs.mkdirSync(path.join(RUNS_DIR, runId), { recursive: true });
  process.env[STATE_ENV] = path.join(RUNS_DIR, runId, 'stack.json');
}

function stateFile(): string {
  const file = process.env[STATE_ENV];
  if (!file) throw new Error(`${STATE_ENV} is not set: the integration global setup did not run`);
  return file;
}

/** This run's own folder: its services' logs, state and files. */
export const runDir = () => path.dirname(stateFile());

const logFile = (service: Service) => path.join(runDir(), `${service}.log`);

export function writeState(state: StackState): void {
  fs.writeFileSync(stateFile(), JSON.stringify(state, null, 2));
}

function readStateFile(file: string): StackState | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StackState;
  } catch {
    return null;
  }
}

export const readState = () => readStateFile(stateFile());

export function stack(): StackState {
  const state = readState();
  if (!state) throw new Error(`no ${stateFile()}: the integration global setup did not finish`);
  return state;
}

const services = (state: StackState) => Object.entries(state.pids) as Array<[Service, number]>;

/** Stops a run's services that still run. */
export async function stopStack(state: StackState, graceMs?: number): Promise<void> {
  await Promise.all(services(state).filter(([s, pid]) => runsService(pid, s)).map(([, pid]) => stopService(pid, graceMs)));
}

/** At once and without grace, for a process that is about to exit. */
export function killStackNow(state: StackState): void {
  for (const [s, pid] of services(state)) if (runsService(pid, s)) killTree(pid, 'SIGKILL');
}

const KEEP_FINISHED_RUNS = 10;

/**
 * Stops services of earlier runs whose Jest process died before its teardown (they would poll
 * and hold connections forever), and removes all but the latest finished runs' logs.
 */
export async function cleanUpEarlierRuns(): Promise<void> {
  const runs = fs.existsSync(RUNS_DIR) ? fs.readdirSync(RUNS_DIR).sort().reverse() : [];
  const finished: string[] = [];
  for (const run of runs) {
    const dir = path.join(RUNS_DIR, run);
    const state = readStateFile(path.join(dir, 'stack.json'));
    // A run without state failed its setup (or is starting now): judge it by age.
    const over = state?.owner ? !isAlive(state.owner) : Date.now() - fs.statSync(dir).mtimeMs > 3600_000;
    if (!over) continue;
    if (state?.owner) await stopStack(state, 2000);
    finished.push(dir);
  }
  for (const dir of finished.slice(KEEP_FINISHED_RUNS)) fs.rmSync(dir, { recursive: true, force: true });
}

export function startService(service: Service, env: Record<string, string>): Spawned {
  return spawnService(service, env, logFile(service));
}

/**
 * Another API process on the global setup's stack, with `settings` over its environment (on `port`, or a free one),
 * once its /readyz answers 200. Stop it with `stopService(process.pid)`.
 */
export async function startApi(settings: Record<string, string>, port?: number): Promise<{ process: Spawned; baseUrl: string }> {
  const listenOn = port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${listenOn}`;
  const process = startService('api', { ...stack().env, PORT: String(listenOn), ...settings });
  await untilReady('api', process, async () => (await fetch(`${baseUrl}/readyz`)).status === 200);
  return { process, baseUrl };
}

/** Resolves once the service answers `ready`; fails early, with its log, if it exits first. */
export async function untilReady(service: string, proc: Spawned, ready: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  let exit: string | null = null;
  void proc.exited.then((how) => (exit = how));
  await waitFor(async () => exit ?? (await ready().catch(() => false)), (x) => x === true || typeof x === 'string', `${service} (pid ${proc.pid}) to be ready`, timeoutMs);
  if (exit !== null) throw new Error(`${service} exited (${exit}) before it was ready:\n${fs.readFileSync(proc.logFile, 'utf8').slice(-3000)}`);
}

/** Whether the worker launched as `pid` polls the task queue for workflow tasks (a worker's identity is "<pid>@<host>"). */
export async function workerPolls(temporalAddress: string, taskQueue: string, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    // 1 = TASK_QUEUE_TYPE_WORKFLOW
    const res = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
    const tree = processTree(pid);
    return (res.pollers ?? []).some((p) => tree.includes(Number(p.identity?.split('@')[0])));
  } finally {
    await connection.close();
  }
}

/** Starts a worker with the environment of the first one, waits until it polls, and records it for the teardown. */
export async function respawnWorker(): Promise<number> {
  const state = stack();
  const worker = startService('worker', state.env);
  writeState({ ...state, pids: { ...state.pids, worker: worker.pid } });
  await untilReady('worker', worker, () => workerPolls(state.env.TEMPORAL_ADDRESS, state.taskQueue, worker.pid));
  return worker.pid;
}
