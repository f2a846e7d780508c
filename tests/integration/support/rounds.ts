import { getRoundProgressQuery, roundWorkflowId } from '../../../workflows/contracts';
import { expectStatus, type Api } from './http';
import { waitFor } from './poll';
import { withTemporal } from './temporal';

export type { Counts as RoundCounts } from '../../../usecases/roundCounts';
import type { Counts as RoundCounts } from '../../../usecases/roundCounts';

export interface RoundView {
  id: string;
  status: 'open' | 'closing' | 'closed' | 'cancelled';
  launchedAt: string;
  counts: RoundCounts;
}

/** A valid launch body closing in two days; `extra` replaces or adds fields. */
export function roundBody(unitCodes: string[], templateCodes: string[], extra: Record<string, unknown> = {}) {
  return {
    title: '2026年第四季度产改任务督查',
    period: '2026Q4',
    unitCodes,
    tasks: templateCodes.map((templateCode) => ({ templateCode })),
    closesAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    ...extra,
  };
}

/** Launches a round and returns its id, checking the 202 and its Location. */
export async function launchRound(by: Api, unitCodes: string[], templateCodes: string[]): Promise<string> {
  const reply = await by.post('/rounds', roundBody(unitCodes, templateCodes));
  const { id, status } = expectStatus(reply, 202);
  expect(status).toBe('open');
  expect(reply.headers.get('location')).toBe(`/api/v1/rounds/${id}`);
  return id;
}

export async function getRound(by: Api, id: string): Promise<RoundView> {
  return expectStatus(await by.get(`/rounds/${id}`), 200);
}

export const waitForRound = (by: Api, id: string, done: (r: RoundView) => boolean, what: string, timeoutMs = 90_000) =>
  waitFor(() => getRound(by, id), done, `round ${id}: ${what}`, timeoutMs);

/**
 * The round workflow's phase (`issuing` until every list is written and every unit started), once a worker answers:
 * one just restarted, or the survivor of a killed one, may take a few seconds to take the query.
 */
export const roundPhase = (id: string, timeoutMs = 60_000): Promise<string> =>
  withTemporal((client) =>
    waitFor(
      () => client.workflow.getHandle(roundWorkflowId(id)).query(getRoundProgressQuery).then((p) => p.phase as string, () => 'unanswered'),
      (phase) => phase !== 'unanswered',
      `round ${id}: its phase`,
      timeoutMs,
      100,
    ),
  );

/**
 * Waits until every task of the round is issued and every unit's workflow has started: a round writes every
 * unit's list before it starts the units, and a write to a unit not yet started starts it.
 */
export async function waitUntilIssued(by: Api, id: string, timeoutMs = 90_000): Promise<RoundView> {
  const round = await waitForRound(by, id, (r) => r.counts.tasks > 0 && r.counts.issued === r.counts.tasks, 'every task issued', timeoutMs);
  await withTemporal((client) =>
    waitFor(
      // A query needs a worker: one just restarted may not have polled yet, which is "not yet", not a failure.
      () => client.workflow.getHandle(roundWorkflowId(id)).query(getRoundProgressQuery).catch(() => ({ phase: 'unanswered' })),
      (p) => p.phase !== 'issuing' && p.phase !== 'unanswered',
      `round ${id}: every unit started`,
      timeoutMs,
      100,
    ),
  );
  return round;
}
