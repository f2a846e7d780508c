import { Client, Connection } from '@temporalio/client';
import { waitFor } from './poll';
import { stack } from './stack';

/** The status name (RUNNING, COMPLETED, ...) of each workflow id, or NOT_FOUND; read from the real Temporal server. */
export async function workflowStatuses(workflowIds: string[]): Promise<Map<string, string>> {
  const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const statuses = new Map<string, string>();
    for (let i = 0; i < workflowIds.length; i += 20) {
      await Promise.all(
        workflowIds.slice(i, i + 20).map(async (id) => {
          const status = await client.workflow.getHandle(id).describe().then((d) => d.status.name, () => 'NOT_FOUND');
          statuses.set(id, status);
        }),
      );
    }
    return statuses;
  } finally {
    await connection.close();
  }
}

/**
 * Waits until every one of the workflows runs, and returns their statuses as last read (some not RUNNING if the
 * time ran out). A round writes every unit's list before it starts the units, so the record shows a unit's tasks
 * before its workflow exists, and longer when a crash interrupted the round.
 */
export async function waitUntilRunning(workflowIds: string[], timeoutMs = 300_000): Promise<Map<string, string>> {
  const allRunning = (s: Map<string, string>) => [...s.values()].every((x) => x === 'RUNNING');
  return waitFor(() => workflowStatuses(workflowIds), allRunning, 'every workflow to run', timeoutMs, 1000).catch(() => workflowStatuses(workflowIds));
}

/** Runs `fn` with a client of the real Temporal server, closing its connection afterwards. */
export async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

/** Timers a workflow's history started that neither fired nor were cancelled. */
export async function pendingTimers(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let pending = 0;
  for (const e of history.events ?? []) {
    if (e.timerStartedEventAttributes) pending++;
    else if (e.timerFiredEventAttributes || e.timerCanceledEventAttributes) pending--;
  }
  return pending;
}

/** The workflow-task timeout a workflow was started with, in seconds. */
export async function workflowTaskTimeoutSeconds(client: Client, workflowId: string): Promise<number> {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  return Number(raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds ?? 0);
}

/** How long a workflow's first workflow task was deferred after its start (Temporal's start delay), and how many workflow tasks it has completed. */
export async function firstTaskDeferral(client: Client, workflowId: string): Promise<{ deferredSeconds: number; workflowTasks: number }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const backoff = events[0]?.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff;
  return { deferredSeconds: Number(backoff?.seconds ?? 0), workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length };
}
