import pg from 'pg';
import { stack } from './stack';

/** Reads the product's database directly, for facts the API does not show (e.g. duplicate rows). */
export function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  return query<T>(new pg.Client({ connectionString: stack().env.DATABASE_URL }), text, params);
}

/** Reads a database of a local cluster by port (e.g. Temporal's own on the cluster stack). */
export function sqlAt<T extends pg.QueryResultRow>(port: number, database: string, text: string, params: unknown[] = []): Promise<T[]> {
  return query<T>(new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database }), text, params);
}

async function query<T extends pg.QueryResultRow>(client: pg.Client, text: string, params: unknown[]): Promise<T[]> {
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
