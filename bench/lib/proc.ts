import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Readings from /proc for one process; null when it has gone. */
export interface ProcStatus {
  rssKiB: number;
  hwmKiB: number;
}

export function readStatus(pid: number): ProcStatus | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Proportional set size: shared pages divided among the processes that map them. */
export function readPssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds: the process's own (all threads) and, with reaped, what its waited-for children used. */
export function cpuSeconds(pid: number, reaped = false): number {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the parenthesised command name, which may contain spaces.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  // f[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17.
  const own = f[11] + f[12];
  return (reaped ? own + f[13] + f[14] : own) / CLOCK_TICKS;
}

/** A process group to watch: one process, or (postgres) a postmaster and every backend it forks. */
export interface Watched {
  name: string;
  pid: number;
  /** Sum the postmaster's children instead of reading the process's own peak. */
  children: boolean;
}

export interface Sample {
  /** VmHWM of the process (its peak since it started) or, for a process with children, the peak sum of their VmRSS. */
  peakKiB: number;
  /** Highest VmRSS (summed over children where so) seen while sampling. */
  sampledPeakKiB: number;
  cpuSeconds: number;
  /** For a process with children: the highest sum of their PSS (shared memory counted once). */
  pssPeakKiB?: number;
}

const rssOf = (w: Watched) =>
  w.children ? childPids(w.pid).reduce((s, c) => s + (readStatus(c)?.rssKiB ?? 0), 0) : (readStatus(w.pid)?.rssKiB ?? 0);

/**
 * One sample of every watched process into `peaks` (two slots each: the highest RSS and, for a process with children,
 * the highest PSS), raising what is there. With `pss`, smaps_rollup is read too: it walks every mapping of every
 * backend (35-45 ms for 45 PostgreSQL backends on an idle machine), so it is read at a fifth of the rate.
 */
export function sampleInto(watched: Watched[], peaks: Float64Array<ArrayBufferLike>, pss: boolean) {
  for (const [i, w] of watched.entries()) {
    peaks[2 * i] = Math.max(peaks[2 * i], rssOf(w));
    if (pss && w.children) peaks[2 * i + 1] = Math.max(peaks[2 * i + 1], childPids(w.pid).reduce((s, c) => s + readPssKiB(c), 0));
  }
}

/**
 * Samples RSS and CPU of some processes at a fixed interval, from start() until stop(). The periodic reads of /proc run
 * in a thread of their own (procThread.ts), writing their peaks into shared memory: read on the benchmark's event loop,
 * they held it for tens of milliseconds at a time, and every request it was timing then looked that much slower.
 */
export class ProcSampler {
  private thread?: Worker;
  private peaks: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private cpuAtStart = new Map<string, number>();

  constructor(
    private readonly watched: Watched[],
    private readonly intervalMs = 100,
  ) {}

  private cpu(w: Watched): number {
    if (!w.children) return cpuSeconds(w.pid);
    return cpuSeconds(w.pid, true) + childPids(w.pid).reduce((s, c) => s + cpuSeconds(c), 0);
  }

  start() {
    this.peaks = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * 2 * this.watched.length));
    for (const w of this.watched) this.cpuAtStart.set(w.name, this.cpu(w));
    sampleInto(this.watched, this.peaks, true);
    const workerData: ProcThreadData = { watched: this.watched, intervalMs: this.intervalMs, peaks: this.peaks };
    // The thread loads TypeScript through tsx as the benchmark does; a worker does not inherit the loader by itself.
    this.thread = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'procThread.ts'))});`, { eval: true, workerData });
    this.thread.unref();
  }

  stop(): Record<string, Sample> {
    void this.thread?.terminate();
    this.thread = undefined;
    const peaks = Float64Array.from(this.peaks);
    sampleInto(this.watched, peaks, true);
    const out: Record<string, Sample> = {};
    for (const [i, w] of this.watched.entries()) {
      const sampledPeakKiB = peaks[2 * i];
      out[w.name] = {
        peakKiB: w.children ? sampledPeakKiB : (readStatus(w.pid)?.hwmKiB ?? 0),
        sampledPeakKiB,
        cpuSeconds: Math.round((this.cpu(w) - (this.cpuAtStart.get(w.name) ?? 0)) * 100) / 100,
        ...(w.children ? { pssPeakKiB: peaks[2 * i + 1] } : {}),
      };
    }
    return out;
  }
}

/** What the sampling thread is started with. */
export interface ProcThreadData {
  watched: Watched[];
  intervalMs: number;
  /** Shared with the benchmark: two slots per watched process (sampleInto). */
  peaks: Float64Array<ArrayBufferLike>;
}

/** The pid of the local process listening on a TCP port (from /proc/net/tcp), or null. */
export function pidListeningOn(port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(entry);
      } catch {
        // gone or not ours to read
      }
    }
  }
  return null;
}

/** CPU milliseconds per operation of each sampled process, over `ops` operations. */
export function cpuMsPer(samples: Record<string, Sample>, ops: number): Record<string, number> {
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, Math.round((s.cpuSeconds * 10_000) / Math.max(1, ops)) / 10]));
}
