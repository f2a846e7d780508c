import { spawn } from 'node:child_process';
import { supervise, type Service } from '../../scripts/stack/supervise';
import { isRunning as alive } from '../../scripts/stack/pids';

const idle = () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
  child.unref();
  return child.pid!;
};
const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('supervise (the cluster stack keeps each process running)', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('given a running process, when it is killed, then it is started again and the log says so', async () => {
    let pid = idle();
    started.push(pid);
    const first = pid;
    const lines: string[] = [];
    const service: Service = {
      name: 'worker 1',
      running: () => alive(pid),
      startAgain: async () => {
        started.push((pid = idle()));
        return pid;
      },
    };
    const supervisor = supervise([service], { log: (m) => lines.push(m), everyMs: 10, firstDelayMs: 10 });
    process.kill(first, 'SIGKILL');
    await until('a new process', () => pid !== first && alive(pid));
    await until('the log', () => lines.length === 2);
    await supervisor.stop();
    expect(lines[0]).toBe('worker 1 has ended; starting it again in 0.01 s');
    expect(lines[1]).toBe(`worker 1 runs again as pid ${pid} (started in ${lines[1].match(/in (\d+\.\d) s\)$/)![1]} s)`);
    expect(alive(first)).toBe(false);
  });

  test('given a process that will not start, then each wait doubles up to the cap, and a later start succeeds', async () => {
    let up = false;
    let attempts = 0;
    const lines: string[] = [];
    const service: Service = {
      name: 'Temporal server',
      running: () => up,
      startAgain: async () => {
        attempts += 1;
        if (attempts < 4) throw new Error('port 7233 in use\nmore detail');
        up = true;
      },
    };
    const supervisor = supervise([service], { log: (m) => lines.push(m), everyMs: 1, firstDelayMs: 5, maxDelayMs: 20 });
    await until('the fourth start', () => up);
    await supervisor.stop();
    expect(lines.filter((l) => l.includes('starting it again')).map((l) => l.match(/in ([\d.]+) s/)![1])).toEqual(['0.005', '0.01', '0.02', '0.02']);
    expect(lines.filter((l) => l.includes('did not start'))).toEqual(Array(3).fill('Temporal server did not start: port 7233 in use'));
    expect(lines.at(-1)).toMatch(/^Temporal server runs again/);
  });

  test('given a process that ran long enough after its restart, when it ends again, then the wait is the first one again', async () => {
    let up = true;
    let seenUp = 0;
    const lines: string[] = [];
    const service: Service = { name: 'api', running: () => up && ++seenUp > 0, startAgain: async () => void (up = true) };
    const supervisor = supervise([service], { log: (m) => lines.push(m), everyMs: 1, firstDelayMs: 5, stableMs: 0 });
    up = false;
    await until('the first restart', () => lines.length === 2);
    seenUp = 0;
    await until('a look at it running again', () => seenUp > 0);
    up = false;
    await until('the second restart', () => lines.length === 4);
    await supervisor.stop();
    expect(lines.filter((l) => l.includes('starting it again'))).toEqual(['api has ended; starting it again in 0.005 s', 'api has ended; starting it again in 0.005 s']);
  });

  test('given restarts switched off, when a process ends, then it is reported once and stays down', async () => {
    let starts = 0;
    const lines: string[] = [];
    const service: Service = { name: 'worker 2', running: () => false, startAgain: async () => void (starts += 1) };
    const supervisor = supervise([service], { log: (m) => lines.push(m), everyMs: 1, firstDelayMs: 1, restart: false });
    await until('the report', () => lines.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    await supervisor.stop();
    expect(lines).toEqual(['worker 2 has ended and stays down; see its log']);
    expect(starts).toBe(0);
  });

  test('given a stop while it waits to start a process again, then nothing is started', async () => {
    let starts = 0;
    const lines: string[] = [];
    const service: Service = { name: 'PostgreSQL', running: () => false, startAgain: async () => void (starts += 1) };
    const supervisor = supervise([service], { log: (m) => lines.push(m), everyMs: 1, firstDelayMs: 60_000 });
    await until('the wait', () => lines.length === 1);
    await supervisor.stop();
    expect(starts).toBe(0);
  });
});
