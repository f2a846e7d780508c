import fs from 'node:fs';
import path from 'node:path';
import { claimDataDir } from './index';
import { consoleLog, type Log } from './log';
import { applyMigrations } from './migrate';
import { postmasterPid, postmasterRunning, removeCluster, startPostgres, stopPostgresCluster } from './postgres';
import { BACKGROUND_CGROUP, backgroundCgroupProcs } from './priority';
import { spawnSpec, startTemporalCluster, stopPid, type ProcessSpec, type TemporalCluster } from './temporal-server';

const ROOT = path.resolve(__dirname, '../..');

/** A PostgreSQL cluster the stack runs on this machine, as it is started again. */
export interface PgClusterSpec {
  /** As the console and the benchmarks name it: `postgres` (the product's) or `temporal-postgres`. */
  name: string;
  dataDir: string;
  port: number;
  /** The CPU priority of its postmaster and backends. */
  nice: number;
  /** The database its URL names. */
  database: string;
}

export interface PgCluster extends PgClusterSpec {
  url: string;
  running(): boolean;
  /** Starts it again as it was started; resolves to the new postmaster's pid. */
  startAgain(): Promise<number | undefined>;
}

export interface ClusterStack {
  databaseUrl: string;
  /**
   * The PostgreSQL clusters started here: the product's, then Temporal's own (unless DUBAN_CLUSTER_TEMPORAL_DB=shared).
   * None when DATABASE_URL came from the environment.
   */
  pgClusters: PgCluster[];
  temporal: TemporalCluster;
  stop(): Promise<void>;
}

/**
 * Temporal's four services each keep their own pools (see temporal-server.ts), two workers 20 connections each,
 * the API 10: more than PostgreSQL's default 100, with room for the connections a killed process leaves behind.
 */
export const CLUSTER_PG_SETTINGS = { max_connections: '300' };

/**
 * The CPU priority (nice) of the processes that do a round's background work when they share the machine with the
 * API: the workers, the Temporal server and Temporal's PostgreSQL, which also join the background CPU group where
 * one can be made (priority.ts). Issuing a national round keeps every core busy; this way the API and the product's
 * PostgreSQL are served first, so people's reads stay quick while the round goes on (bench/RESULTS.md, "Background
 * work at a lower CPU priority"). DUBAN_CLUSTER_NICE=0 runs everything at one priority.
 */
export const BACKGROUND_NICE = Math.min(19, Math.max(0, Math.trunc(Number(process.env.DUBAN_CLUSTER_NICE ?? 10)) || 0));

/**
 * Whether Temporal keeps its two databases on a PostgreSQL cluster of its own, at the background priority, rather
 * than on the product's. Issuing a round is mostly Temporal's persistence; on its own cluster that work yields the CPU
 * to the queries people's reads make (bench/RESULTS.md, "Temporal's database as background work").
 * DUBAN_CLUSTER_TEMPORAL_DB=shared keeps every database on one cluster.
 */
export const TEMPORAL_DB_SEPARATE = process.env.DUBAN_CLUSTER_TEMPORAL_DB !== 'shared';

/** Starts (or finds running) the local cluster `spec` describes, on its port or, without one, a free port. */
export async function startPgCluster(spec: Omit<PgClusterSpec, 'port'> & { port?: number }, log: Log): Promise<PgCluster> {
  const start = (port?: number) => startPostgres({ dataDir: spec.dataDir, port, log, settings: CLUSTER_PG_SETTINGS, nice: spec.nice, database: spec.database });
  const { url } = await start(spec.port || undefined);
  const { port } = pgTarget(url);
  return {
    ...spec,
    port,
    url,
    running: () => postmasterRunning(spec.dataDir),
    startAgain: async () => {
      await start(port);
      return postmasterPid(spec.dataDir);
    },
  };
}

function pgTarget(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: u.password ? decodeURIComponent(u.password) : undefined };
}

/**
 * One machine laid out as a deployment is: PostgreSQL for the product's database with the migrations applied, a
 * second PostgreSQL at the background priority for Temporal's two (persistence and visibility), and the real Temporal
 * server on it with its Web UI. The app's processes are started by the caller (`appProcess`). DATABASE_URL from the
 * environment replaces the local PostgreSQL; Temporal then keeps its databases on that server too.
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
    let temporalUrl = databaseUrl;
    const pgClusters: PgCluster[] = [];
    if (!databaseUrl) {
      const local = async (name: string, folder: string, nice: number, database: string, port: number) => {
        const dir = path.join(dataDir, folder);
        if (!opts.persistent) await removeCluster(dir, log);
        const cluster = await startPgCluster({ name, dataDir: dir, nice, database, port: opts.persistent ? port : 0 }, log);
        stops.push(() => stopPostgresCluster(dir, 'fast'));
        pgClusters.push(cluster);
        return cluster.url;
      };
      const port = Number(process.env.PGPORT_LOCAL ?? 5434);
      databaseUrl = temporalUrl = await local('postgres', 'pg', 0, 'duban', port);
      if (TEMPORAL_DB_SEPARATE) temporalUrl = await local('temporal-postgres', 'temporal-pg', BACKGROUND_NICE, 'postgres', port + 1);
    }
    await applyMigrations(databaseUrl, log);
    if (!opts.persistent) fs.rmSync(path.join(dataDir, 'temporal-config'), { recursive: true, force: true });
    const temporal = await startTemporalCluster({
      database: pgTarget(temporalUrl!),
      dataDir,
      port: opts.persistent ? 7233 : undefined,
      uiPort: opts.persistent ? 8233 : undefined,
      ui: opts.ui,
      nice: BACKGROUND_NICE,
      log,
    });
    stops.push(temporal.stop);
    return { databaseUrl, pgClusters, temporal, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** What the stack runs as background work, as the console and the benchmarks say it; null when there is none. */
export function backgroundWork(stack: Pick<ClusterStack, 'pgClusters'>): string | null {
  if (!BACKGROUND_NICE) return null;
  const who = stack.pgClusters.some((c) => c.nice > 0) ? "the workers, the Temporal server and Temporal's PostgreSQL" : 'the workers and the Temporal server';
  return `${who} at nice ${BACKGROUND_NICE}${backgroundCgroupProcs() ? ` in the CPU group ${BACKGROUND_CGROUP} (a quarter of the default weight)` : ''}`;
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
