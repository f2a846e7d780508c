import fs from 'node:fs';
import path from 'node:path';
import { startPgCluster, type PgClusterSpec } from '../../../scripts/stack/cluster';
import { stopPostgresCluster } from '../../../scripts/stack/postgres';
import { spawnSpec, stopPid, waitForTemporal, type ProcessSpec } from '../../../scripts/stack/temporal-server';
import { sleep, waitFor } from '../../integration/support/poll';
import { isAlive, killTree } from '../../integration/support/processes';
import { readState, stack, untilReady, workerPolls, writeState, type StackState } from '../../integration/support/stack';

/** What the cluster's global setup adds to the integration tests' state: every process, and how to run it again. */
export interface ClusterState {
  /** The local PostgreSQL clusters: the product's, then Temporal's own. */
  pgClusters: PgClusterSpec[];
  temporal: { spec: ProcessSpec; pid: number };
  workerSpec: ProcessSpec[];
  /** Pid of each worker process now running, by index (0 when that worker is down). */
  workers: number[];
  apiPid: number;
}

export type ClusterStackState = StackState & { cluster: ClusterState };

export const clusterState = (): ClusterState => {
  const state = stack() as ClusterStackState;
  if (!state.cluster) throw new Error('not a cluster stack: run these tests through `npm run test:cluster`');
  return state.cluster;
};

function update(change: (c: ClusterState) => ClusterState): void {
  const state = readState() as ClusterStackState;
  const cluster = change(state.cluster);
  // The integration helpers read pids.worker: keep it on a running worker.
  writeState({ ...state, cluster, pids: { ...state.pids, worker: cluster.workers.find((p) => p > 0) ?? state.pids.worker } } as StackState);
}

const log = (message: string) => void process.stderr.write(`[cluster] ${message}\n`);

/** SIGKILL to one worker process; resolves once it is gone. */
export async function killWorker(index: number): Promise<void> {
  const pid = clusterState().workers[index];
  const killed = killTree(pid, 'SIGKILL');
  update((c) => ({ ...c, workers: c.workers.map((p, i) => (i === index ? 0 : p)) }));
  await waitFor(async () => killed.some(isAlive), (alive) => !alive, `worker ${index} to be gone`, 10_000, 50);
  log(`worker ${index} (pid ${pid}) killed`);
}

/** Starts worker `index` again as it was first started, and waits until it polls. */
export async function startWorker(index: number): Promise<void> {
  const spec = clusterState().workerSpec[index];
  const child = spawnSpec(spec);
  const pid = child.pid!;
  update((c) => ({ ...c, workers: c.workers.map((p, i) => (i === index ? pid : p)) }));
  const state = stack();
  await untilReady(`worker ${index}`, { pid, logFile: spec.logFile, exited: new Promise((r) => child.once('exit', (code, signal) => r(signal ?? `exit ${code}`))) }, () => workerPolls(state.env.TEMPORAL_ADDRESS, state.taskQueue, pid));
}

/** Stops the Temporal server (SIGTERM, or SIGKILL as a crash), keeps it down for `downMs`, starts it again and waits until it serves. */
export async function restartTemporal(opts: { signal?: 'SIGTERM' | 'SIGKILL'; downMs?: number } = {}): Promise<void> {
  const { spec, pid } = clusterState().temporal;
  const started = Date.now();
  if (opts.signal === 'SIGKILL') {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  } else await stopPid(pid, 20_000);
  await sleep(opts.downMs ?? 2000);
  const child = spawnSpec(spec);
  update((c) => ({ ...c, temporal: { spec, pid: child.pid! } }));
  await waitForTemporal(stack().env.TEMPORAL_ADDRESS, spec.logFile, 180_000);
  log(`Temporal server restarted (${opts.signal ?? 'SIGTERM'}) in ${((Date.now() - started) / 1000).toFixed(1)} s, pid ${child.pid}`);
}

/** Stops PostgreSQL: every cluster of the stack, so every database (the product's and Temporal's) at once. */
export async function stopPostgres(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  await Promise.all(clusterState().pgClusters.map((c) => stopPostgresCluster(c.dataDir, mode)));
  log(`PostgreSQL stopped (${mode})`);
}

export async function startPostgresAgain(): Promise<void> {
  await Promise.all(clusterState().pgClusters.map((c) => startPgCluster(c, log)));
}

/** Every process of the cluster stack that runs now, for the teardown. */
export function clusterPids(state: ClusterStackState): number[] {
  return [state.cluster.apiPid, ...state.cluster.workers, state.cluster.temporal.pid].filter((p) => p > 0);
}

export const logTail = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-2000) : `(no ${path.basename(file)})`);
