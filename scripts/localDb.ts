import fs from 'node:fs';
import path from 'node:path';
import { applyMigrations } from './stack/migrate';
import { startPostgres } from './stack/postgres';
import { consoleLog } from './stack/log';

export const ROOT = path.resolve(__dirname, '..');
export const DATA_DIR = path.resolve(ROOT, process.env.DUBAN_DATA_DIR ?? '.data');

/**
 * The database a command should use: DATABASE_URL when set, else the local cluster that
 * `npm start` keeps under .data/pg (started for the command if it is not running).
 */
export async function withDatabase<T>(fn: (databaseUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const pgDir = path.join(DATA_DIR, 'pg');
  const wasRunning = fs.existsSync(path.join(pgDir, 'postmaster.pid'));
  const pg = await startPostgres({ dataDir: pgDir, port: Number(process.env.PGPORT_LOCAL ?? 5433), log: () => undefined });
  try {
    await applyMigrations(pg.url, consoleLog);
    return await fn(pg.url);
  } finally {
    if (!wasRunning) await pg.stop();
  }
}
