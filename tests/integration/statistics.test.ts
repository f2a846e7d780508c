import { createDb, type Db } from '../../src/db';
import { BULK_ROWS, refreshStatistics } from '../../store/statistics';
import { sql } from './support/db';
import { stack } from './support/stack';

// Bulk writes refresh the planner's statistics of the tables they name, at once rather than when autovacuum gets
// to them (a table of fewer than 50 rows, such as a small office tree, never): the board's plan depends on them.
let db: Db;

beforeAll(() => {
  db = createDb(stack().env.DATABASE_URL, 1);
});
afterAll(async () => {
  await db.$disconnect();
});

/** How many times each table has been analysed by hand (ANALYZE), as PostgreSQL counts them. */
async function analyseCounts(): Promise<Record<string, number>> {
  const rows = await sql<{ relname: string; analyze_count: string }>(
    `SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname IN ('offices', 'round_units', 'units')`,
  );
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.analyze_count)]));
}

test('a write below the bulk size leaves the statistics to autovacuum', async () => {
  const before = await analyseCounts();
  await refreshStatistics(db, ['round_units', 'offices'], BULK_ROWS - 1);
  expect(await analyseCounts()).toEqual(before);
});

test('a bulk write analyses every table it names, and only those', async () => {
  const before = await analyseCounts();
  await refreshStatistics(db, ['round_units', 'offices'], BULK_ROWS);
  const after = await analyseCounts();
  expect(after.round_units).toBe(before.round_units + 1);
  expect(after.offices).toBe(before.offices + 1);
  expect(after.units).toBe(before.units);
});
