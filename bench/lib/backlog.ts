import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { getRoundProgressQuery, roundWorkflowId } from '../../workflows/contracts';
import { sleep } from './api';

/**
 * The round workflow's phase (`issuing` until every batch of units has its lists and its workflows), or null when
 * the query found no worker free to answer it in time (while issuing keeps every worker busy); ask again then.
 */
export async function roundPhase(client: Client, roundId: string): Promise<string | null> {
  try {
    return (await client.workflow.getHandle(roundWorkflowId(roundId)).query(getRoundProgressQuery)).phase;
  } catch (e) {
    console.error(`[bench] round phase not answered (${(e as Error).message}); asking again`);
    return null;
  }
}

/**
 * Workflow tasks waiting on the task queue, as the server estimates them. A unit started while the workers are busy
 * issuing waits there for its first workflow task: until it has run, its ladder has no timer and its first write waits.
 */
export async function workflowBacklog(client: Client, taskQueue: string): Promise<number> {
  const { stats } = await client.workflowService.describeTaskQueue({
    namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, reportStats: true,
  });
  return Number(stats?.approximateBacklogCount ?? 0);
}

/**
 * Waits until every unit is running (its first workflow task run, its ladder's timer set): the backlog is approximate,
 * so it is read once a second until it is empty twice in a row. Returns the backlog first read and the seconds since
 * `t0` (a `performance.now()`) at the last read.
 */
export async function untilBacklogEmpty(client: Client, taskQueue: string, t0: number, timeoutSeconds: number): Promise<{ backlogAtStart: number; seconds: number }> {
  let backlogAtStart = -1;
  let seconds = 0;
  for (let empty = 0; empty < 2; ) {
    const backlog = await workflowBacklog(client, taskQueue);
    if (backlogAtStart < 0) backlogAtStart = backlog;
    empty = backlog === 0 ? empty + 1 : 0;
    seconds = Math.round(performance.now() - t0) / 1000;
    if (seconds > timeoutSeconds) throw new Error(`${backlog} workflow tasks still waiting after ${seconds} s`);
    if (empty < 2) await sleep(1000);
  }
  return { backlogAtStart, seconds };
}

/** Waits until the round has started every unit and every unit is running; returns the seconds since `t0` then. */
export async function untilRoundRunning(client: Client, roundId: string, taskQueue: string, t0: number, timeoutSeconds: number): Promise<number> {
  for (;;) {
    const phase = await roundPhase(client, roundId);
    if (phase !== null && phase !== 'issuing') break;
    if (performance.now() - t0 > timeoutSeconds * 1000) throw new Error(`the round still issuing after ${timeoutSeconds} s`);
    await sleep(1000);
  }
  return (await untilBacklogEmpty(client, taskQueue, t0, timeoutSeconds)).seconds;
}
