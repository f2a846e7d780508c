import fs from 'node:fs';
import path from 'node:path';
import { appProcess, backgroundWork, startAppProcess, startClusterStack, stopPid, TEMPORAL_DB_SEPARATE, type ClusterStack } from '../../scripts/stack/cluster';
import { postmasterPid } from '../../scripts/stack/postgres';
import { freePort } from '../../scripts/stack/ports';
import { sleep } from './api';
import type { Watched } from './proc';

export interface BenchCluster {
  stack: ClusterStack;
  port: number;
  baseUrl: string;
  /** Each app process by name (`worker1`, `worker2`, …, `api`) and pid. */
  processes: Array<[string, number]>;
  /** The stack as a report names it. */
  shape: string;
  /** Every process to sample: the app's, the Temporal server, and each PostgreSQL cluster with its backends. */
  watched: Watched[];
  stop(): Promise<void>;
}

/**
 * The cluster stack as a deployment runs it (scripts/stack/cluster.ts: the real Temporal server on PostgreSQL)
 * with `workers` worker processes and one API process, each given `env` on top of its own settings, once the API
 * is ready and the workers have bundled their workflows. Everything started is stopped again if it does not come up.
 */
export async function startBenchCluster(opts: { dataDir: string; taskQueue: string; workers: number; env?: Record<string, string> }): Promise<BenchCluster> {
  const stack = await startClusterStack({ dataDir: opts.dataDir, persistent: false, ui: false, log: (m) => console.error(`[stack] ${m}`) });
  const port = await freePort();
  const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporal.address, TEMPORAL_TASK_QUEUE: opts.taskQueue, LOG_LEVEL: 'warn', PORT: String(port), DUBAN_FILES_DIR: path.join(opts.dataDir, 'files'), ...opts.env };
  // BENCH_APP_NODE_ARGS go to each app process's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them).
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const start = (service: 'api' | 'worker', logFile: string) => {
    // The processes append to their logs, and a benchmark reads its run's warnings from them: each run starts them empty.
    fs.writeFileSync(path.join(opts.dataDir, logFile), '');
    const spec = appProcess(service, env, path.join(opts.dataDir, logFile));
    return startAppProcess({ ...spec, args: [...nodeArgs, ...spec.args] });
  };
  const processes: Array<[string, number]> = [];
  for (let i = 1; i <= opts.workers; i++) processes.push([`worker${i}`, start('worker', `worker-${i}.log`)]);
  processes.push(['api', start('api', 'api.log')]);
  const stop = async () => {
    await Promise.all(processes.map(([, pid]) => stopPid(pid, 20_000)));
    await stack.stop().catch((e: Error) => console.error(`[stack] stopping: ${e.message}`));
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 180_000;
    while (!(await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error('the API is not ready');
      await sleep(300);
    }
    await sleep(5000); // the workers bundle their workflows on start
  } catch (e) {
    await stop();
    throw e;
  }
  const temporalDb = TEMPORAL_DB_SEPARATE ? 'its own PostgreSQL cluster' : "the product's PostgreSQL";
  const shape = `Temporal server ${stack.temporal.serverSpec.command} on ${temporalDb} (persistence and visibility), ${opts.workers} worker processes, 1 API process; ${backgroundWork(stack) ?? 'every process at one priority'}`;
  const watched: Watched[] = [
    ...processes.map(([name, pid]) => ({ name, pid, children: false })),
    { name: 'temporal', pid: stack.temporal.serverPid, children: false },
    ...stack.pgClusters.map((c) => ({ name: c.name, pid: postmasterPid(c.dataDir)!, children: true })),
  ];
  return { stack, port, baseUrl, processes, shape, watched, stop };
}
