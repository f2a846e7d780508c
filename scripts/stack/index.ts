import fs from 'node:fs';
import path from 'node:path';
import { consoleLog, type Log } from './log';
import { applyMigrations } from './migrate';
import { isRunning } from './pids';
import { removeCluster, startPostgres } from './postgres';
import { startTemporalDevServer } from './temporal';

export interface LocalStack {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  stop(): Promise<void>;
}

interface Started<T> {
  value: T;
  stop?: () => Promise<void>;
}

// Two stacks on one data directory would delete or share each other's servers.
export function claimDataDir(dataDir: string): () => void {
  const ownerFile = path.join(dataDir, 'stack.pid');
  const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : NaN);
  if (owner > 0 && owner !== process.pid && isRunning(owner)) {
    throw new Error(`another duban stack (pid ${owner}) is using ${dataDir}; stop it first (or delete ${ownerFile} if that pid is not duban)`);
  }
  fs.writeFileSync(ownerFile, String(process.pid));
  return () => fs.rmSync(ownerFile, { force: true });
}

/**
 * PostgreSQL and Temporal for `npm start` (persistent, fixed ports when free) or tests (fresh, free ports).
 * DATABASE_URL and TEMPORAL_ADDRESS from the environment replace the local servers.
 */
export async function startLocalStack(opts: { dataDir: string; persistent: boolean; log?: Log }): Promise<LocalStack> {
  const log = opts.log ?? consoleLog;
  const dataDir = path.resolve(opts.dataDir);
  const pgDir = path.join(dataDir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  const release = claimDataDir(dataDir);

  const database = async (): Promise<Started<string>> => {
    if (process.env.DATABASE_URL) return { value: process.env.DATABASE_URL };
    if (!opts.persistent) await removeCluster(pgDir, log);
    const port = opts.persistent ? Number(process.env.PGPORT_LOCAL ?? 5433) : undefined;
    // A stack that is not kept (tests, benchmarks) trades durability through a crash for speed; `npm start` keeps every commit.
    const server = await startPostgres({ dataDir: pgDir, port, log, durable: opts.persistent });
    return { value: server.url, stop: server.stop };
  };
  const temporal = async (): Promise<Started<{ address: string; uiUrl?: string }>> => {
    if (process.env.TEMPORAL_ADDRESS) return { value: { address: process.env.TEMPORAL_ADDRESS } };
    const server = await startTemporalDevServer({
      port: opts.persistent ? 7233 : undefined,
      uiPort: opts.persistent ? 8233 : undefined,
      dbFile: opts.persistent ? path.join(dataDir, 'temporal.sqlite') : undefined,
      logFile: path.join(dataDir, 'temporal.log'),
      pidFile: path.join(dataDir, 'temporal.pid'),
      log,
    });
    return { value: server, stop: server.stop };
  };

  const [db, tp] = await Promise.allSettled([database(), temporal()]);
  const started = [db, tp].flatMap((r) => (r.status === 'fulfilled' && r.value.stop ? [r.value.stop] : []));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of started.reverse()) await s();
    release();
  };
  try {
    if (db.status === 'rejected') throw db.reason;
    if (tp.status === 'rejected') throw tp.reason;
    await applyMigrations(db.value.value, log);
    return { databaseUrl: db.value.value, temporalAddress: tp.value.value.address, temporalUiUrl: tp.value.value.uiUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
