import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isRunning } from '../../../scripts/stack/pids';
import { sleep } from './poll';

export const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export type Service = 'api' | 'worker';

export interface Spawned {
  /** The launched process (for a service from sources, the tsx launcher, which runs it in a child of its own). */
  pid: number;
  /** Settles when the launched process ends, with how it ended. */
  exited: Promise<string>;
  /** Where its output goes. */
  logFile: string;
}

/** Runs `node <args>` in the project folder with its output appended to `logFile`. */
export function spawnNode(args: string[], env: Record<string, string>, logFile: string): Spawned {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  if (!child.pid) throw new Error(`could not start node ${args.join(' ')}`);
  return { pid: child.pid, exited, logFile };
}

/** Starts `src/<service>.ts` with tsx as the product is run in development. */
export function spawnService(service: Service, env: Record<string, string>, logFile: string): Spawned {
  return spawnNode([TSX, path.join('src', `${service}.ts`)], env, logFile);
}

/** A pid that exists and is not a zombie waiting to be reaped. */
export const isAlive = isRunning;

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // gone
  }
  return [pid, ...children.flatMap(processTree)];
}

/** Whether `pid` still runs one of our services, so a recycled pid never hits a stranger. */
export function runsService(pid: number, service: Service): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`src/${service}.ts`);
  } catch {
    return false;
  }
}

/** Sends `signal` to the service process and its launcher at once, innermost first (SIGKILL is not relayed). */
export function killTree(pid: number, signal: NodeJS.Signals): number[] {
  const tree = processTree(pid);
  for (const p of [...tree].reverse()) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  return tree;
}

/** SIGTERM to the launcher (tsx relays it to the service), then SIGKILL to what is left after `graceMs`. */
export async function stopService(pid: number, graceMs = 10_000): Promise<void> {
  const tree = processTree(pid).filter(isAlive);
  if (tree.length === 0) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (tree.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const p of tree.filter(isAlive)) process.kill(p, 'SIGKILL');
}
