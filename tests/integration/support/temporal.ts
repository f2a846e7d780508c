import { Client, Connection } from '@temporalio/client';
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
