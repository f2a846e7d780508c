import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Log } from './log';
import { stopPid } from './pids';
import { freePort, preferredPort } from './ports';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface TemporalServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'duban');
}

export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const out = fs.openSync(logFile, 'w');
  const child = spawn(cmd, args, { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const tail = fs.readFileSync(logFile, 'utf8').slice(-3000);
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${tail}`));
    });
  });
}

/** A `temporal` CLI binary, built from the Go module proxy when needed; null when none can be had. */
export async function ensureTemporalCli(log: Log): Promise<string | null> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const binDir = path.join(cacheDir(), 'bin');
  const cached = path.join(binDir, 'temporal');
  if (fs.existsSync(cached)) return cached;
  if (!onPath('go')) return null;

  fs.mkdirSync(binDir, { recursive: true });
  const buildLog = path.join(cacheDir(), 'go-install-temporal.log');
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install; the first build takes several minutes (output: ${buildLog})`);
  const started = Date.now();
  try {
    await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], { ...process.env, GOBIN: binDir }, buildLog);
  } catch (e) {
    log(`go install of the Temporal CLI failed: ${(e as Error).message}`);
    return null;
  }
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${cached}`);
  return cached;
}

async function waitForFrontend(address: string, namespace: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const connection = await Connection.connect({ address, connectTimeout: 2000 }).catch((e) => {
      lastError = e;
      return null;
    });
    if (connection) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (e) {
        lastError = e;
      } finally {
        await connection.close();
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
  throw new Error(`Temporal dev server at ${address} not ready (${child.exitCode !== null ? `exited ${child.exitCode}` : String(lastError)}):\n${tail}`);
}

// A dev server orphaned by a killed run would hold its ports and, worse, the same SQLite file.
async function stopLeftover(pidFile: string, log: Log): Promise<void> {
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : NaN);
  const cmdline = `/proc/${pid}/cmdline`;
  if (pid > 0 && fs.existsSync(cmdline) && fs.readFileSync(cmdline, 'utf8').includes('start-dev')) {
    log(`stopping the Temporal dev server left running by an earlier run (pid ${pid})`);
    await stopPid(pid);
  }
  fs.rmSync(pidFile, { force: true });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Ports given are preferences: a busy one is replaced by a free one. */
export async function startTemporalDevServer(opts: {
  port?: number;
  uiPort?: number;
  dbFile?: string;
  logFile: string;
  namespace?: string;
  pidFile?: string;
  log: Log;
}): Promise<TemporalServer> {
  if (opts.pidFile) await stopLeftover(opts.pidFile, opts.log);
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ? await preferredPort(opts.port) : await freePort();
  const uiPort = opts.uiPort ? await preferredPort(opts.uiPort) : await freePort();
  const address = `127.0.0.1:${port}`;
  const cli = await ensureTemporalCli(opts.log);

  if (!cli) {
    opts.log('no Temporal CLI found or built; falling back to the SDK download of the dev server (needs internet)');
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: { ip: '127.0.0.1', port, uiPort, ui: true, dbFilename: opts.dbFile, namespace, extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'] },
    });
    return { address: env.address, uiUrl: `http://127.0.0.1:${uiPort}`, stop: () => env.teardown() };
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  // Eager activity dispatch (off by default in the server): an activity a workflow task schedules comes back
  // in that task's completion response instead of through matching; measured in bench/RESULTS.md.
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  args.push('--namespace', namespace);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (opts.pidFile && child.pid) fs.writeFileSync(opts.pidFile, String(child.pid));
  const stop = async () => {
    await stopChild(child);
    if (opts.pidFile) fs.rmSync(opts.pidFile, { force: true });
  };
  try {
    await waitForFrontend(address, namespace, child, opts.logFile);
  } catch (e) {
    await stop();
    throw e;
  }
  opts.log(`Temporal dev server on ${address}, UI http://127.0.0.1:${uiPort}${opts.dbFile ? `, state in ${opts.dbFile}` : ''}`);
  return { address, uiUrl: `http://127.0.0.1:${uiPort}`, stop };
}
