import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from './api';
import { childPids, commandLine } from './proc';

export const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface RunningApp {
  /** The process that runs src/main.ts (tsx's cli starts it as a child of its own). */
  pid: number;
  wrapperPid: number;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry with tsx and returns its stdout; throws with its stderr on failure. */
export function runTs(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `node tsx src/main.ts` (worker + API) and waits until GET /readyz answers 200. */
export async function startApp(opts: { port: number; env: NodeJS.ProcessEnv; logFile: string; timeoutMs?: number }): Promise<RunningApp> {
  const out = fs.openSync(opts.logFile, 'w');
  // BENCH_APP_NODE_ARGS go to the app's node only, through tsx (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [TSX, ...nodeArgs, 'src/main.ts'], { cwd: ROOT, env: { ...process.env, ...opts.env, PORT: String(opts.port) }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const stop = async () => {
    const inner = childPids(child.pid!);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited(child).then(() => true), sleep(20_000).then(() => false)]);
      if (!killed) child.kill('SIGKILL');
    }
    for (const pid of inner) {
      for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await sleep(100);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${fs.readFileSync(opts.logFile, 'utf8').slice(-3000)}`);
    const ready = await fetch(`http://127.0.0.1:${opts.port}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not become ready in time:\n${fs.readFileSync(opts.logFile, 'utf8').slice(-3000)}`);
    }
    await sleep(250);
  }
  const pid = childPids(child.pid!).find((p) => commandLine(p).includes('src/main.ts')) ?? child.pid!;
  return { pid, wrapperPid: child.pid!, stop };
}
