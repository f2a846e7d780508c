import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, stopPostgresCluster } from '../../scripts/stack/postgres';

/**
 * A cluster of its own, started the way a throwaway stack starts one (commits not durable), then found running by a
 * start that wants durable commits: the start reuses it and says, in its log, that it does not keep them.
 */
describe('a PostgreSQL cluster found running from an earlier start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-pg-reuse-'));
  afterAll(async () => {
    await stopPostgresCluster(dataDir).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const setting = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
    } finally {
      await client.end();
    }
  };

  it('when a start that wants durable commits finds it running without them, then it reuses it and warns; a start that wants none does not', async () => {
    const first: string[] = [];
    const throwaway = await startPostgres({ dataDir, log: (m) => first.push(m), durable: false });
    expect(await setting(throwaway.url)).toBe('off');
    expect(first.filter((m) => m.startsWith('warning'))).toEqual([]);

    const second: string[] = [];
    const durable = await startPostgres({ dataDir, log: (m) => second.push(m) });
    expect(durable.url).toBe(throwaway.url);
    expect(second).toContainEqual(expect.stringContaining('reusing PostgreSQL already running'));
    expect(second).toContainEqual(expect.stringMatching(/^warning: that PostgreSQL runs with synchronous_commit = off/));

    const third: string[] = [];
    await startPostgres({ dataDir, log: (m) => third.push(m), durable: false });
    expect(third.filter((m) => m.startsWith('warning'))).toEqual([]);

    // Started again by the durable start, it keeps every commit, and says nothing.
    await stopPostgresCluster(dataDir);
    const fourth: string[] = [];
    const restarted = await startPostgres({ dataDir, log: (m) => fourth.push(m) });
    expect(await setting(restarted.url)).toBe('on');
    expect(fourth.filter((m) => m.startsWith('warning'))).toEqual([]);
  });
});
