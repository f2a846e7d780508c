import pg from 'pg';

/**
 * Drops the per-unit count triggers on tasks (migration 20261201010000_round_unit_counts) in the
 * benchmark's own throw-away database, to measure what they cost each writer. Nothing then keeps
 * round_units' counts: GET /rounds/{id} reads zeros, so a benchmark run this way counts tasks itself.
 */
export async function dropCountTriggers(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TRIGGER tasks_counts_insert ON tasks; DROP TRIGGER tasks_counts_update ON tasks; DROP TRIGGER tasks_counts_delete ON tasks');
  } finally {
    await client.end();
  }
}

/** Counts a round's tasks from the table over one connection (for runs without the count triggers). */
export async function taskCounter(databaseUrl: string): Promise<{ count(roundId: string): Promise<number>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    count: async (roundId) => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM tasks WHERE round_id = $1', [roundId])).rows[0].n),
    close: () => client.end(),
  };
}
