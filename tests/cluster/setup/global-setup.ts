import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { appProcess, startAppProcess, startClusterStack } from '../../../scripts/stack/cluster';
import { freePort } from '../../../scripts/stack/ports';
import { runCli } from '../../integration/support/cli';
import { stopService } from '../../integration/support/processes';
import { cleanUpEarlierRuns, newRun, readState, runDir, untilReady, workerPolls, writeState } from '../../integration/support/stack';
import type { ClusterStackState } from '../support/cluster';

const ROOT_OFFICE = 'ct-root';
const ROOT = path.resolve(__dirname, '../../..');

/**
 * The stack of `npm run start:cluster` on fresh data: PostgreSQL, Temporal's own PostgreSQL with the real Temporal server on it, two worker
 * processes and one API process, on a fresh task queue. The state file lets the integration tests' helpers
 * (fixtures, HTTP, SQL) work unchanged and tells the fault tests how to stop and start each process.
 */
export default async function globalSetup(): Promise<void> {
  await cleanUpEarlierRuns();
  const dataDir = path.resolve(ROOT, process.env.DUBAN_TEST_DATA_DIR ?? '.data/cluster-test');
  const log = (m: string) => console.error(`[cluster] ${m}`);
  const started = Date.now();
  const cluster = await startClusterStack({ dataDir, persistent: false, ui: false, log });
  const port = await freePort();
  const taskQueue = `ctest-${Date.now()}-${randomBytes(3).toString('hex')}`;
  newRun(taskQueue);
  const DUBAN_CALENDAR_FILE = path.resolve(__dirname, '../../fixtures/calendar-fixture-2027-2032.json');
  const env = {
    PORT: String(port), DATABASE_URL: cluster.databaseUrl, TEMPORAL_ADDRESS: cluster.temporal.address, LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: taskQueue,
    DUBAN_CALENDAR_FILE, DUBAN_FILES_DIR: path.join(runDir(), 'files'),
  };
  const workerSpec = [0, 1].map((i) => appProcess('worker', env, path.join(runDir(), `worker-${i}.log`)));
  const apiSpec = appProcess('api', env, path.join(runDir(), 'api.log'));
  const workers = workerSpec.map(startAppProcess);
  const apiPid = startAppProcess(apiSpec);
  const state: ClusterStackState = {
    owner: process.pid, baseUrl: `http://127.0.0.1:${port}`, rootOffice: ROOT_OFFICE, rootToken: '', taskQueue, env,
    pids: { api: apiPid, worker: workers[0] },
    cluster: { pgClusters: cluster.pgClusters, temporal: { spec: cluster.temporal.serverSpec, pid: cluster.temporal.serverPid }, workerSpec, workers, apiPid },
  };
  writeState(state);
  const exited = new Promise<string>(() => undefined);
  try {
    await Promise.all([
      untilReady('api', { pid: apiPid, exited, logFile: apiSpec.logFile }, async () => (await fetch(`${state.baseUrl}/readyz`)).status === 200, 180_000),
      ...workers.map((pid, i) => untilReady(`worker ${i}`, { pid, exited, logFile: workerSpec[i].logFile }, () => workerPolls(cluster.temporal.address, taskQueue, pid), 180_000)),
    ]);
    state.rootToken = await runCli(['init', '--office', ROOT_OFFICE, '--name', '集群测试省产改办'], cluster.databaseUrl);
    writeState(state);
  } catch (err) {
    await Promise.all([apiPid, ...workers].map((pid) => stopService(pid, 2000)));
    await cluster.stop();
    throw err;
  }
  log(`cluster stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (run ${runDir()})`);
  process.once('exit', () => {
    const s = readState() as ClusterStackState | null;
    if (s) for (const pid of [s.cluster.apiPid, ...s.cluster.workers, s.cluster.temporal.pid].filter((p) => p > 0)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  });
}
