import fs from 'node:fs';

/** Whether `pid` runs: it exists and is not a zombie waiting to be reaped (which `kill -0` would count). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ...": comm may hold spaces, so read after its last ")".
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
