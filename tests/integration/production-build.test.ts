import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parse } from 'yaml';
import { freePort } from '../../scripts/stack/ports';
import { WORKFLOW_BUNDLE_FILE } from '../../src/workflow-code';
import { roundWorkflowId } from '../../workflows/contracts';
import { api, expectStatus, request, type Api } from './support/http';
import { createOffice, createTaskTemplate, createUnit, root } from './support/fixtures';
import { ROOT, spawnNode, stopService, type Spawned } from './support/processes';
import { launchRound, waitForRound, waitUntilIssued } from './support/rounds';
import { runDir, stack, untilReady, workerPolls } from './support/stack';

/** `npm run build` into `out` (this run's own folder, so a developer's dist/ is left alone). */
function build(out: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build failed (exit ${code}):\n${output.slice(-3000)}`)))),
  );
}

const logLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; [key: string]: unknown });

let out: string;
let taskQueue: string;
let baseUrl: string;
const started: Spawned[] = [];
let worker: Spawned;

beforeAll(async () => {
  out = path.join(runDir(), 'dist');
  await build(out);
  // Its own task queue: only the compiled worker can run what the compiled API starts.
  taskQueue = `${stack().taskQueue}-compiled`;
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...stack().env, PORT: String(port), TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', NODE_ENV: 'production' };
  worker = spawnNode([path.join(out, 'src', 'worker.js')], env, path.join(runDir(), 'compiled-worker.log'));
  started.push(worker);
  const apiProcess = spawnNode([path.join(out, 'src', 'api.js')], env, path.join(runDir(), 'compiled-api.log'));
  started.push(apiProcess);
  await Promise.all([
    untilReady('compiled api', apiProcess, async () => (await fetch(`${baseUrl}/readyz`)).status === 200),
    untilReady('compiled worker', worker, () => workerPolls(stack().env.TEMPORAL_ADDRESS, taskQueue, worker.pid)),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all(started.map((p) => stopService(p.pid, 5000)));
});

describe('the production build', () => {
  test('when the compiled worker starts, then it runs the prebuilt workflow bundle, not the TypeScript sources', () => {
    const messages = logLines(worker.logFile);
    expect(messages.find((l) => l.msg === 'workflows from the prebuilt bundle')).toMatchObject({ workflowBundle: path.join(out, WORKFLOW_BUNDLE_FILE) });
    expect(messages.filter((l) => l.msg === 'workflows bundled from the sources on start')).toEqual([]);
    // Plain node on compiled files: no TypeScript loader anywhere in the command line.
    expect(fs.readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual([process.execPath, path.join(out, 'src', 'worker.js')]);
  });

  test('when the compiled API is asked, then it is ready and serves its pages, docs and OpenAPI from the build', async () => {
    const get = (p: string) => request('GET', p, { baseUrl });
    expect((await get('/readyz')).body).toEqual({ database: 'ok', temporal: 'ok' });
    const page = await get('/');
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringContaining('text/html') });
    expect((await get('/api/docs/')).status).toBe(200);
    expect((await get('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    expect(expectStatus(await get('/api/openapi.json'), 200)).toMatchObject({ openapi: expect.any(String) });
  });

  test('when a round is launched through the compiled API, then the compiled worker issues every task and closes the round with its evaluation', async () => {
    const city = await createOffice(root(), 'city');
    const units = [await createUnit(city.api, city.code), await createUnit(city.api, city.code)];
    const templates = [await createTaskTemplate(city.api), await createTaskTemplate(city.api)];
    const compiled: Api = api(city.api.token, baseUrl);

    const roundId = await launchRound(compiled, units.map((u) => u.code), templates.map((t) => t.code));
    const issued = await waitUntilIssued(compiled, roundId);
    expect(issued.counts).toMatchObject({ units: 2, tasks: 4, issued: 4 });

    expectStatus(await compiled.post(`/rounds/${roundId}/close`), 202);
    await waitForRound(compiled, roundId, (r) => r.status === 'closed', 'closed');
    const evaluation = expectStatus(await compiled.get(`/rounds/${roundId}/evaluation`), 200);
    expect(evaluation.units.map((u: { unitCode: string }) => u.unitCode).sort()).toEqual(units.map((u) => u.code).sort());

    const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
    try {
      const described = await new Client({ connection }).workflow.getHandle(roundWorkflowId(roundId)).describe();
      expect({ taskQueue: described.taskQueue, status: described.status.name }).toEqual({ taskQueue, status: 'COMPLETED' });
    } finally {
      await connection.close();
    }
  });
});

/** The compose tool, where one is installed: the plugin (`docker compose`) or the standalone `docker-compose`. */
function composeTool(): string[] | null {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    if (spawnSync(cmd[0], [...cmd.slice(1), 'version'], { stdio: 'ignore' }).status === 0) return cmd;
  }
  return null;
}

describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[]; deploy?: { replicas?: number }; cpu_shares?: number }> };

  test('when its app services start, then each runs an entry point this build compiled, with node and no TypeScript loader', () => {
    for (const name of ['migrate', 'worker', 'api']) {
      const [node, entry, ...rest] = compose.services[name].command ?? [];
      expect({ name, node, rest }).toEqual({ name, node: 'node', rest: [] });
      expect(entry).toMatch(/^dist\/.+\.js$/);
      expect(fs.existsSync(path.join(out, entry.slice('dist/'.length)))).toBe(true);
    }
  });

  test('when it is deployed, then two workers share the task queue, so either can die during a round', () => {
    expect(compose.services.worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  test("when the services share a host, then the workers, the Temporal server and Temporal's PostgreSQL yield the CPU to the API and the product's PostgreSQL", () => {
    const share = (name: string) => compose.services[name].cpu_shares ?? 1024; // Docker's default weight
    for (const background of ['worker', 'temporal', 'temporal-postgresql']) for (const serving of ['api', 'postgresql']) expect(share(background)).toBeLessThan(share(serving));
  });

  const tool = composeTool();
  (tool ? test : test.skip)(`when \`${tool?.join(' ') ?? 'docker compose'} config\` reads it, then it is valid`, () => {
    const r = spawnSync(tool![0], [...tool!.slice(1), 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

