import fs from 'node:fs';
import path from 'node:path';
import { claimDataDir } from './index';
import { consoleLog, type Log } from './log';
import { applyMigrations } from './migrate';
import { postmasterPid, postmasterRunning, removeCluster, startPostgres } from './postgres';
import { spawnSpec, startTemporalCluster, stopPid, type ProcessSpec, type TemporalCluster } from './temporal-server';

const ROOT = path.resolve(__dirname, '../..');

export interface ClusterStack {
  databaseUrl: string;
  /** The local PostgreSQL cluster's folder (absent when DATABASE_URL came from the environment). */
  pgDataDir?: string;
  pgPort: number;
  temporal: TemporalCluster;
  /** The local PostgreSQL, to watch and start again (absent when DATABASE_URL came from the environment). */
  postgres?: { running(): boolean; startAgain(): Promise<number | undefined> };
  stop(): Promise<void>;
}

/**
 * Temporal's four services each keep their own pools (see temporal-server.ts), two workers 20 connections each,
 * the API 10: more than PostgreSQL's default 100, with room for the connections a killed process leaves behind.
 */
export const CLUSTER_PG_SETTINGS = { max_connections: '300' };

/**
 * The CPU priority (nice) of the processes that do a round's background work when they share the machine with the
 * API: the workers and the Temporal server. Issuing a national round keeps every core busy; at nice 10 the API and
 * PostgreSQL are served first, so people's reads stay quick while the round goes on (bench/RESULTS.md, "Background
 * work at a lower CPU priority"). DUBAN_CLUSTER_NICE=0 runs everything at one priority.
 */
export const BACKGROUND_NICE = Math.min(19, Math.max(0, Math.trunc(Number(process.env.DUBAN_CLUSTER_NICE ?? 10)) || 0));

function pgTarget(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: u.password ? decodeURIComponent(u.password) : undefined };
}

/**
 * One machine laid out as a deployment is: PostgreSQL (the product's database and Temporal's two), the real
 * Temporal server on it with its Web UI, and the migrations applied. The app's processes are started by
 * the caller (`appProcess`). DATABASE_URL from the environment replaces the local PostgreSQL; Temporal then
 * keeps its databases on that server too.
 */
export async function startClusterStack(opts: { dataDir: string; persistent: boolean; ui?: boolean; log?: Log }): Promise<ClusterStack> {
  const log = opts.log ?? consoleLog;
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const release = claimDataDir(dataDir);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: Error) => log(`stop: ${e.message}`));
    stops.length = 0;
    release();
  };
  try {
    let databaseUrl = process.env.DATABASE_URL;
    let pgDataDir: string | undefined;
    let postgres: ClusterStack['postgres'];
    if (!databaseUrl) {
      pgDataDir = path.join(dataDir, 'pg');
      if (!opts.persistent) await removeCluster(pgDataDir, log);
      const pg = await startPostgres({ dataDir: pgDataDir, port: opts.persistent ? Number(process.env.PGPORT_LOCAL ?? 5434) : undefined, log, settings: CLUSTER_PG_SETTINGS });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      const dir = pgDataDir;
      const port = pgTarget(pg.url).port;
      postgres = {
        running: () => postmasterRunning(dir),
        startAgain: async () => {
          await startPostgres({ dataDir: dir, port, log, settings: CLUSTER_PG_SETTINGS });
          return postmasterPid(dir);
        },
      };
    }
    await applyMigrations(databaseUrl, log);
    if (!opts.persistent) fs.rmSync(path.join(dataDir, 'temporal-config'), { recursive: true, force: true });
    const temporal = await startTemporalCluster({
      database: pgTarget(databaseUrl),
      dataDir,
      port: opts.persistent ? 7233 : undefined,
      uiPort: opts.persistent ? 8233 : undefined,
      ui: opts.ui,
      nice: BACKGROUND_NICE,
      log,
    });
    stops.push(temporal.stop);
    return { databaseUrl, pgDataDir, pgPort: pgTarget(databaseUrl).port, temporal, postgres, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * An API or worker process running the TypeScript sources (tsx as a loader, so signals reach it directly); a worker
 * at the background priority.
 */
export function appProcess(service: 'api' | 'worker', env: Record<string, string>, logFile: string): ProcessSpec {
  const nice = service === 'worker' ? BACKGROUND_NICE : undefined;
  return { name: service, command: process.execPath, args: ['--import', 'tsx', path.join('src', `${service}.ts`)], env, cwd: ROOT, logFile, nice };
}

/** Starts an app process in the project's folder and returns its pid; stop it with `stopPid`. */
export const startAppProcess = (spec: ProcessSpec): number => spawnSpec(spec).pid!;

export { stopPid };
