import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The lower CPU priority of a round's background work on one machine (the workers, the Temporal server and
 * Temporal's PostgreSQL), so that people's requests to the API and the product's PostgreSQL are served first.
 *
 * Two mechanisms, because `nice` alone does not reach everything:
 * - `nice -n N` orders the threads of one session. With the kernel's autogroup scheduling (on by default), every
 *   session is weighed as a whole against the others, and every PostgreSQL backend starts a session of its own, so a
 *   niced postmaster's backends still compete at full weight.
 * - A CPU control group weighs everything in it as one: `duban-background` gets a quarter of the weight of a
 *   default group (cpu.shares 256 of 1024, cpu.weight 25 of 100), as `cpu_shares: 256` does for the worker and
 *   temporal services in docker-compose.yml. Processes join it before they start, and their children (a
 *   postmaster's backends) stay in it. Where no CPU controller can be written (not root, or none mounted),
 *   `nice` is used alone.
 */
export const BACKGROUND_CGROUP = 'duban-background';

interface CpuController {
  dir: string;
  file: string;
  value: string;
}

/** Where the CPU controller is mounted: cgroup v2's unified tree with `cpu` available, or v1's `cpu` hierarchy. */
function cpuController(root = '/sys/fs/cgroup'): CpuController | null {
  try {
    if (fs.readFileSync(path.join(root, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu')) {
      return { dir: root, file: 'cpu.weight', value: '25' };
    }
  } catch {
    /* not cgroup v2 at the root */
  }
  const v1 = path.join(root, 'cpu');
  return fs.existsSync(path.join(v1, 'cpu.shares')) ? { dir: v1, file: 'cpu.shares', value: '256' } : null;
}

let controller: CpuController | null | undefined;
let found: string | null | undefined;

/** The background group's `cgroup.procs`, created with its weight on first use; null where none can be made. */
export function backgroundCgroupProcs(): string | null {
  if (found !== undefined) return found;
  found = null;
  if (process.env.DUBAN_CLUSTER_CGROUP === '0') return found;
  controller = cpuController();
  if (!controller) return found;
  const dir = path.join(controller.dir, BACKGROUND_CGROUP);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, controller.file), controller.value);
    fs.accessSync(path.join(dir, 'cgroup.procs'), fs.constants.W_OK);
    found = path.join(dir, 'cgroup.procs');
  } catch {
    /* no permission: nice alone */
  }
  return found;
}

/**
 * The words to put before a command so that it runs as background work at `nice`: it joins the background group
 * (where there is one) before it starts, then runs at that nice. Nothing when `nice` is 0.
 */
export function backgroundPrefix(nice: number): string[] {
  if (nice <= 0) return [];
  const procs = backgroundCgroupProcs();
  const niced = ['nice', '-n', String(nice)];
  return procs ? ['sh', '-c', 'echo $$ > "$0" && exec "$@"', procs, ...niced] : niced;
}

/** The CPU group a process is in (`/` for none), as /proc/<pid>/cgroup gives it for the CPU controller. */
export function cpuCgroupOf(pid: number): string | null {
  try {
    const lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n').map((l) => l.split(':'));
    const v1 = lines.find(([, controllers]) => controllers.split(',').includes('cpu'));
    return (v1 ?? lines.find(([id]) => id === '0'))?.[2] ?? null;
  } catch {
    return null;
  }
}

/**
 * Moves a running process (every thread of it) into the background group at `nice`, as the stack starts its
 * background processes; returns how to move it back. Threads it starts later inherit the nice of the thread that
 * starts them. Lowering the nice again needs root (CAP_SYS_NICE); without it the process stays niced.
 */
export function moveToBackground(pid: number, nice: number): () => void {
  if (nice <= 0) return () => undefined;
  const threads = () => fs.readdirSync(`/proc/${pid}/task`).map(Number);
  const before = new Map(threads().map((tid) => [tid, os.getPriority(tid)]));
  const group = cpuCgroupOf(pid);
  const procs = backgroundCgroupProcs();
  if (procs) fs.writeFileSync(procs, String(pid));
  for (const tid of threads()) os.setPriority(tid, nice);
  return () => {
    for (const tid of threads()) {
      try {
        os.setPriority(tid, before.get(tid) ?? before.get(pid) ?? 0);
      } catch {
        /* not allowed to raise the priority again */
      }
    }
    if (procs && controller && group !== null) fs.writeFileSync(path.join(controller.dir, group, 'cgroup.procs'), String(pid));
  };
}
