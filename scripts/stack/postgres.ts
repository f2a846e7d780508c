import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Log } from './log';
import { isRunning } from './pids';
import { freePort, preferredPort } from './ports';
import { backgroundPrefix } from './priority';

const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

function findBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

async function ensureBinDir(log: Log): Promise<string> {
  const found = process.env.PG_BIN_DIR ?? findBinDir();
  if (found) return found;
  if (!asRoot) {
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: install the "postgresql" package or set DATABASE_URL');
  }
  log('PostgreSQL not installed; running apt-get install postgresql');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['update'], { env });
  await exec('apt-get', ['install', '-y', 'postgresql'], { env });
  const installed = findBinDir();
  if (!installed) throw new Error('apt-get install postgresql succeeded but no /usr/lib/postgresql/<version>/bin/pg_ctl exists');
  return installed;
}

// initdb and postgres refuse to run as root. At `nice` > 0 the tool (and so a postmaster it starts, with every backend
// it forks) runs as background work (priority.ts).
function runPg(binDir: string, tool: string, args: string[], nice = 0) {
  const [command, ...rest] = [...backgroundPrefix(nice), ...(asRoot ? ['runuser', '-u', 'postgres', '--'] : []), path.join(binDir, tool), ...args];
  return exec(command, rest);
}

async function prepareDirForPostgres(dataDir: string, log: Log): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!asRoot) return;
  const id = async (flag: string) => Number((await exec('id', [flag, 'postgres'])).stdout.trim());
  const [uid, gid] = [await id('-u'), await id('-g')];
  fs.chownSync(dataDir, uid, gid);
  fs.chmodSync(dataDir, 0o700);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) === 0) {
      log(`making ${dir} traversable (o+x) for the postgres user`);
      fs.chmodSync(dir, mode | 0o001);
    }
    if (dir === path.dirname(dir)) break;
  }
}

async function initCluster(binDir: string, dataDir: string, log: Log): Promise<void> {
  log(`initdb ${dataDir}`);
  const base = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8'];
  try {
    await runPg(binDir, 'initdb', [...base, '--locale=C.UTF-8']);
  } catch {
    await runPg(binDir, 'initdb', [...base, '--locale=C']);
  }
  // The socket lives in the cluster's own directory so nothing under /var/run is needed; sun_path is limited to ~107 bytes.
  const socketDir = dataDir.length < 90 ? dataDir : '';
  fs.appendFileSync(
    path.join(dataDir, 'postgresql.conf'),
    `\n# duban local stack\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${socketDir.replace(/'/g, "''")}'\n`,
  );
}

async function runningPort(binDir: string, dataDir: string): Promise<number | null> {
  // pg_ctl status checks that the pid in postmaster.pid is really a postmaster, not a reused pid.
  // A postmaster killed a moment ago is still a zombie, which pg_ctl counts as running.
  const running = await runPg(binDir, 'pg_ctl', ['status', '-D', dataDir]).then(() => true, () => false);
  if (!running || !postmasterRunning(dataDir)) return null;
  const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  return Number(lines[3]);
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((e) => { if (e.code !== '42P04') throw e; });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** A server parameter as the running cluster on `port` has it (`SHOW`). */
async function serverSetting(port: number, name: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  try {
    await client.connect();
    const { rows } = await client.query<Record<string, string>>(`SHOW ${client.escapeIdentifier(name)}`);
    return Object.values(rows[0])[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `settings` are server parameters for this start (e.g. max_connections), given on the command line; `nice`, the CPU
 * priority of a postmaster started here and of its backends; `database`, the one the URL names, created if missing
 * (`duban`).
 *
 * `durable` (the default) keeps every commit PostgreSQL acknowledged through a crash of the server (`synchronous_commit
 * = on`). Only a cluster whose data is thrown away with its stack (tests, benchmarks on the one-process stack) passes
 * false: with `off`, a crash or an immediate stop loses the last fraction of a second of commits, so a submission
 * could be answered 201 and then be missing from the record.
 */
export async function startPostgres(opts: {
  dataDir: string;
  port?: number;
  log: Log;
  settings?: Record<string, string>;
  nice?: number;
  database?: string;
  durable?: boolean;
}): Promise<LocalPostgres> {
  const database = opts.database ?? 'duban';
  const { log } = opts;
  const dataDir = path.resolve(opts.dataDir);
  const binDir = await ensureBinDir(log);
  await prepareDirForPostgres(dataDir, log);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await initCluster(binDir, dataDir, log);

  const synchronousCommit = opts.durable === false ? 'off' : 'on';
  let port = await runningPort(binDir, dataDir);
  const reused = port !== null;
  if (port) {
    log(`reusing PostgreSQL already running on ${dataDir} (port ${port})`);
  } else {
    port = opts.port ? await preferredPort(opts.port) : await freePort();
    const logFile = path.join(dataDir, 'server.log');
    try {
      const all = { synchronous_commit: synchronousCommit, ...opts.settings };
      const settings = Object.entries(all).map(([k, v]) => ` -c ${k}=${v}`).join('');
      await runPg(binDir, 'pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}${settings}`], opts.nice);
    } catch (e) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`pg_ctl start failed: ${(e as Error).message}\n${tail}`);
    }
    log(`PostgreSQL started on 127.0.0.1:${port} (${dataDir}${opts.nice ? `, nice ${opts.nice}` : ''})`);
  }
  await ensureDatabase(port, database);
  // A postmaster keeps the settings it was started with: an earlier run may have started this one without durable commits.
  const running = reused ? await serverSetting(port, 'synchronous_commit') : synchronousCommit;
  if (synchronousCommit === 'on' && running !== 'on') {
    log(`warning: that PostgreSQL runs with synchronous_commit = ${running}, so a crash of it can lose commits it acknowledged; stop it (pg_ctl stop -D ${dataDir}) and start again to make every commit durable`);
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await runPg(binDir, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch((e) => log(`pg_ctl stop: ${e.message}`));
    },
  };
}

/**
 * Stops the cluster on `dataDir` as pg_ctl's mode says: `fast` disconnects clients and shuts down cleanly,
 * `immediate` quits at once as a crash would (recovery replays the WAL on the next start).
 */
export async function stopPostgresCluster(dataDir: string, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  const binDir = process.env.PG_BIN_DIR ?? findBinDir();
  if (!binDir) throw new Error('PostgreSQL server binaries not found');
  await runPg(binDir, 'pg_ctl', ['stop', '-D', path.resolve(dataDir), '-m', mode, '-w']);
}

/**
 * Whether the postmaster of the cluster on `dataDir` runs: the pid in its lock file is alive. Cheap enough to ask
 * every second (no pg_ctl); a pid reused by another process would read as running until the next start.
 */
export function postmasterRunning(dataDir: string): boolean {
  const pid = postmasterPid(dataDir);
  return pid !== undefined && isRunning(pid);
}

/** The pid in the lock file of the cluster on `dataDir` (the first line of postmaster.pid), if there is one. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops a cluster left running by an earlier run, then deletes it. */
export async function removeCluster(dataDir: string, log: Log): Promise<void> {
  dataDir = path.resolve(dataDir);
  if (!fs.existsSync(dataDir)) return;
  const binDir = process.env.PG_BIN_DIR ?? findBinDir();
  if (binDir && fs.existsSync(path.join(dataDir, 'postmaster.pid')) && (await runningPort(binDir, dataDir))) {
    log(`stopping PostgreSQL left running on ${dataDir}`);
    await runPg(binDir, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
