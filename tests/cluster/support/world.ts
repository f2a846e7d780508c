import { unitWorkflowId } from '../../../workflows/contracts';
import { sql } from '../../integration/support/db';
import { mintToken, uniqueCode, type Office } from '../../integration/support/fixtures';
import { api, expectStatus, request, type Api, type Reply } from '../../integration/support/http';
import { sleep, waitFor } from '../../integration/support/poll';
import { waitUntilRunning } from '../../integration/support/temporal';

/** Units per round in the fault tests (DUBAN_CLUSTER_UNITS, default 2,000). */
export const UNITS = Number(process.env.DUBAN_CLUSTER_UNITS ?? 2000);

/** `n` units below `office`, created as an office loads its spreadsheet: one import, one transaction. */
export async function importUnits(office: Office, n: number, prefix: string): Promise<string[]> {
  const codes = Array.from({ length: n }, () => uniqueCode(prefix));
  const csv = `code,name,kind,officeCode\n${codes.map((c) => `${c},试点企业 ${c},sme,${office.code}`).join('\n')}\n`;
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'units.csv');
  const body = expectStatus(await request('POST', '/api/v1/imports?kind=units', { token: office.api.token, body: form }), 200);
  expect(body).toMatchObject({ created: n });
  return codes;
}

export const unitClient = async (office: Office, code: string): Promise<Api> => api(await mintToken(office.api, 'unit', code));

/** Units of a round whose list exists in the record. */
export async function unitsIssued(roundId: string): Promise<number> {
  const [row] = await sql<{ units: string }>('SELECT count(DISTINCT unit_id) AS units FROM tasks WHERE round_id = $1', [roundId]);
  return Number(row.units);
}

/** Every task of the round exists exactly once, every unit has its list, and every unit workflow runs. */
export async function expectEveryTaskOnce(roundId: string, unitCodes: string[], tasksPerUnit: number, workflows: 'running' | 'any' = 'running'): Promise<void> {
  const total = unitCodes.length * tasksPerUnit;
  const [rows] = await sql<{ tasks: string; distinct: string; units: string }>(
    'SELECT count(*) AS tasks, count(DISTINCT (round_id, unit_id, template_id)) AS distinct, count(DISTINCT unit_id) AS units FROM tasks WHERE round_id = $1',
    [roundId],
  );
  expect(rows).toEqual({ tasks: String(total), distinct: String(total), units: String(unitCodes.length) });
  if (workflows === 'running') {
    const statuses = await waitUntilRunning(unitCodes.map((code) => unitWorkflowId(roundId, code)));
    expect([...statuses.values()].filter((s) => s !== 'RUNNING')).toEqual([]);
  }
}

/** What a client saw while it retried one request: every answer's status, and the slowest answer. */
export interface Attempts {
  statuses: number[];
  slowestMs: number;
  /** Every 503 carried Retry-After and the UNAVAILABLE code. */
  unavailableWellFormed: boolean;
}

/**
 * Sends a request as a client should: again after a 503 (waiting as Retry-After says, at most `maxWaitMs`
 * at a time), or after a refused connection, until any other answer or the deadline. The same request each
 * time, Idempotency-Key included.
 */
export async function withRetries(send: () => Promise<Reply>, deadlineMs = 300_000, maxWaitMs = 1000): Promise<{ reply: Reply; attempts: Attempts }> {
  const attempts: Attempts = { statuses: [], slowestMs: 0, unavailableWellFormed: true };
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const started = Date.now();
    const reply = await send().catch(() => null);
    attempts.slowestMs = Math.max(attempts.slowestMs, Date.now() - started);
    if (reply) attempts.statuses.push(reply.status);
    if (reply && reply.status !== 503) return { reply, attempts };
    if (reply) {
      const retryAfter = Number(reply.headers.get('retry-after'));
      if (!(retryAfter > 0) || reply.body?.code !== 'UNAVAILABLE') attempts.unavailableWellFormed = false;
    }
    if (Date.now() > deadline) throw new Error(`still unavailable after ${deadlineMs} ms: ${JSON.stringify(attempts)}`);
    await sleep(Math.min(maxWaitMs, (Number(reply?.headers.get('retry-after')) || 1) * 1000));
  }
}

/** Escalation rows of a round: how many, and how many distinct (task, level, cycle). */
export async function escalationCounts(roundId: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await sql<{ rows: string; distinct: string }>('SELECT count(*) AS rows, count(DISTINCT (task_id, level, cycle)) AS distinct FROM escalations WHERE round_id = $1', [roundId]);
  return { rows: Number(row.rows), distinct: Number(row.distinct) };
}

export const waitForIssuing = (roundId: string, atLeast: number) =>
  waitFor(() => unitsIssued(roundId), (n) => n >= atLeast, `at least ${atLeast} unit lists of round ${roundId}`, 300_000, 100);
