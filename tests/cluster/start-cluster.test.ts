import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postmasterPid, stopPostgresCluster } from '../../scripts/stack/postgres';
import { freePort } from '../../scripts/stack/ports';
import { BACKGROUND_CGROUP, backgroundCgroupProcs, cpuCgroupOf } from '../../scripts/stack/priority';
import { sleep, waitFor } from '../integration/support/poll';
import { isAlive } from '../integration/support/processes';

// `npm run start:cluster` as a person runs it, on fresh data: it comes up with the demo round, and a worker, the
// Temporal server and PostgreSQL killed by hand (SIGKILL) are each started again, the API answering again after.
const ROOT = path.resolve(__dirname, '../..');
const DATA_DIR = path.join(ROOT, '.data', 'start-cluster-test');
const PG_DIR = path.join(DATA_DIR, 'cluster', 'pg');
const TEMPORAL_PG_DIR = path.join(DATA_DIR, 'cluster', 'temporal-pg');

let child: ChildProcess | undefined;
let output = '';

/** Waits until the console shows a line matching `pattern`, after `from` characters of it; returns the match. */
async function untilOutput(pattern: RegExp, what: string, from = 0, timeoutMs = 180_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output.slice(from).match(pattern);
    if (match) return match;
    if (child?.exitCode !== null) throw new Error(`start:cluster exited (${child?.exitCode}) before ${what}:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output.slice(-3000)}`);
    await sleep(100);
  }
}

const pidOf = (line: RegExp) => Number(output.match(line)?.[1]);

afterAll(async () => {
  if (child && child.exitCode === null) {
    process.kill(-child.pid!, 'SIGKILL');
    for (const name of ['temporal-server.pid', 'temporal-ui.pid']) {
      const pid = Number(fs.existsSync(path.join(DATA_DIR, 'cluster', name)) ? fs.readFileSync(path.join(DATA_DIR, 'cluster', name), 'utf8') : NaN);
      if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of [PG_DIR, TEMPORAL_PG_DIR]) if (postmasterPid(dir)) await stopPostgresCluster(dir, 'immediate').catch(() => undefined);
  }
});

test('when a person starts the cluster stack and kills a worker, the Temporal server and PostgreSQL by hand, then each is started again and the API answers again', async () => {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DUBAN_DATA_DIR: DATA_DIR, PORT: String(port) };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'DUBAN_TEST', 'DUBAN_CLUSTER_RESTART', 'DUBAN_CLUSTER_NICE']) delete env[name];
  child = spawn(process.execPath, ['scripts/bootstrap.js', 'start-cluster'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => void (output += chunk.toString()));

  await untilOutput(/Ctrl-C stops everything/, 'the stack to be up', 0, 600_000);
  const api = `http://127.0.0.1:${port}/api/v1`;
  const token = output.match(/office jx \(江西省产改办\)\s+(\S+)/)![1];
  const roundId = output.match(/Demo round\s+\S+\/rounds\/([0-9a-f-]+)/)![1];
  const readyz = () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
  type Read = { status: number; body: { counts?: { tasks: number; issued: number } } };
  const round = (): Promise<Read> =>
    fetch(`${api}/rounds/${roundId}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r): Promise<Read> => ({ status: r.status, body: (await r.json()) as Read['body'] }), (): Read => ({ status: 0, body: {} }));
  expect(await readyz()).toBe(200);
  const issued = await waitFor(round, (r) => r.status === 200 && r.body.counts!.tasks > 0 && r.body.counts!.issued === r.body.counts!.tasks, 'the demo round to be issued');
  const tasks = issued.body.counts!.tasks;

  const worker = pidOf(/worker 1\s+pid (\d+)/);
  const server = pidOf(/server pid (\d+)/);
  const api1 = pidOf(/API\s+\S+\s+\(docs \S+\)\s+pid (\d+)/);
  // The round's background work (workers, the Temporal server and its own PostgreSQL) runs at nice 10 relative to the
  // API and the product's PostgreSQL, also once started again.
  const background = Math.min(19, os.getPriority() + 10);
  const [postmaster, temporalPostmaster] = [postmasterPid(PG_DIR)!, postmasterPid(TEMPORAL_PG_DIR)!];
  expect([worker, server, temporalPostmaster, api1, postmaster].map((pid) => os.getPriority(pid))).toEqual([background, background, background, os.getPriority(), os.getPriority()]);
  // Where a CPU group can be made (root here), the background processes are in it and weighed as one; the rest are not.
  const group = backgroundCgroupProcs() ? `/${BACKGROUND_CGROUP}` : cpuCgroupOf(process.pid);
  expect([worker, server, temporalPostmaster, api1, postmaster].map(cpuCgroupOf)).toEqual([group, group, group, cpuCgroupOf(process.pid), cpuCgroupOf(process.pid)]);
  let mark = output.length;
  process.kill(worker, 'SIGKILL');
  const workerAgain = Number((await untilOutput(/worker 1 runs again as pid (\d+)/, 'worker 1 to run again', mark))[1]);
  expect(workerAgain).not.toBe(worker);
  expect(isAlive(workerAgain)).toBe(true);
  expect([os.getPriority(workerAgain), cpuCgroupOf(workerAgain)]).toEqual([background, group]);

  mark = output.length;
  process.kill(server, 'SIGKILL');
  const serverAgain = Number((await untilOutput(/Temporal server runs again as pid (\d+)/, 'the Temporal server to run again', mark))[1]);
  expect(isAlive(serverAgain)).toBe(true);
  expect([os.getPriority(serverAgain), cpuCgroupOf(serverAgain)]).toEqual([background, group]);
  await waitFor(readyz, (s) => s === 200, 'the API to be ready after the Temporal server', 60_000);

  mark = output.length;
  process.kill(postmaster, 'SIGKILL');
  const postgresAgain = Number((await untilOutput(/PostgreSQL runs again as pid (\d+)/, 'PostgreSQL to run again', mark))[1]);
  expect(postgresAgain).not.toBe(postmaster);
  await waitFor(readyz, (s) => s === 200, 'the API to be ready after PostgreSQL', 60_000);
  const after = await waitFor(round, (r) => r.status === 200, 'the round to be read again', 60_000);
  expect(after.body.counts).toMatchObject({ tasks, issued: tasks });

  // Ctrl-C (SIGINT to the terminal's process group) stops every process it started, the ones started again included.
  process.kill(-child.pid!, 'SIGINT');
  await waitFor(async () => child!.exitCode, (code) => code !== null, 'start:cluster to exit', 90_000);
  expect(child.exitCode).toBe(0);
  expect([api1, workerAgain, serverAgain, postgresAgain].filter(isAlive)).toEqual([]);
});
