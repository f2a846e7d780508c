import type { Db } from '../src/db';

/** Rows written in one go from which the table's planner statistics are refreshed at once. */
export const BULK_ROWS = 1000;

type Table = 'offices' | 'units' | 'observers' | 'round_units';

/**
 * Refreshes the planner's statistics of tables after a bulk write of `rows` rows. Autovacuum analyses a
 * table only once 50 rows and a tenth of it have changed, so the 20,000 memberships of a new national round, or an
 * import into a large directory, are unknown to the planner until then: it estimates a handful of rows and counts a
 * round's units by 20,000 index probes (70 ms instead of 15 for `GET /rounds/{id}` at 20,000 units,
 * bench/RESULTS.md). Best effort: the write has committed whatever this does.
 */
export async function refreshStatistics(db: Pick<Db, '$executeRawUnsafe'>, tables: Table | Table[], rows: number): Promise<void> {
  if (rows < BULK_ROWS) return;
  await db.$executeRawUnsafe(`ANALYZE ${[tables].flat().join(', ')}`).catch(() => undefined);
}
