import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../../scripts/stack/ports';
import { runCli } from '../support/cli';
import { stopService, type Spawned } from '../support/processes';
import { cleanUpEarlierRuns, killStackNow, newRun, readState, runDir, startService, untilReady, workerPolls, writeState } from '../support/stack';

const ROOT_OFFICE = 'it-root';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through \`npm test\``);
  return value;
}

/** Starts the API and a worker as separate processes on a fresh task queue, and a root office with its token. */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = required('DATABASE_URL');
  const temporalAddress = required('TEMPORAL_ADDRESS');
  await cleanUpEarlierRuns();
  const port = await freePort();
  const taskQueue = `itest-${Date.now()}-${randomBytes(3).toString('hex')}`;
  newRun(taskQueue);
  // A fixture calendar for the years the bundled one lacks, so tasks planned today plan alike on any date.
  const DUBAN_CALENDAR_FILE = path.resolve(__dirname, '../../fixtures/calendar-fixture-2027-2032.json');
  // Evidence files of this run (uploads in progress and the local blob store) stay with its logs; a small
  // upload limit lets a test go past it cheaply.
  const DUBAN_FILES_DIR = path.join(runDir(), 'files');
  const env = { PORT: String(port), DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: taskQueue, DUBAN_CALENDAR_FILE, DUBAN_FILES_DIR, DUBAN_FILE_MAX_BYTES: String(2 * 1024 * 1024) };
  const baseUrl = `http://127.0.0.1:${port}`;

  const started: Spawned[] = [];
  try {
    const worker = startService('worker', env);
    started.push(worker);
    const apiProcess = startService('api', env);
    started.push(apiProcess);
    await Promise.all([
      untilReady('api', apiProcess, async () => (await fetch(`${baseUrl}/readyz`)).status === 200),
      untilReady('worker', worker, () => workerPolls(temporalAddress, taskQueue, worker.pid)),
    ]);
    const rootToken = await runCli(['init', '--office', ROOT_OFFICE, '--name', '测试省产改办'], databaseUrl);
    writeState({ owner: process.pid, baseUrl, rootOffice: ROOT_OFFICE, rootToken, taskQueue, env, pids: { api: apiProcess.pid, worker: worker.pid } });
  } catch (err) {
    await Promise.all(started.map((p) => stopService(p.pid, 2000)));
    throw err;
  }
  // Should Jest end without its teardown (an uncaught error, process.exit), take the services along.
  process.once('exit', () => {
    const state = readState();
    if (state) killStackNow(state);
  });
}
