import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, type SignalDefinition } from '@temporalio/common';
import { UNIT_WORKFLOW_TASK_TIMEOUT, unitWorkflowId } from '../workflows/contracts';
import type { superviseUnit } from '../workflows/superviseUnit';

/**
 * How every unit workflow is started, whoever starts it (the round's fan-out, a write that reached a unit first, a
 * signal-with-start): its deterministic id, never reused, so a second start finds the first; and its workflow-task
 * timeout, kept across continue-as-new.
 */
export function unitWorkflowOptions(taskQueue: string, roundId: string, unitCode: string) {
  return {
    taskQueue,
    workflowId: unitWorkflowId(roundId, unitCode),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT,
  } as const;
}

/**
 * Signals a unit's workflow so that it runs now. A plain signal to a unit whose first workflow task is deferred to
 * its first ladder step (DUBAN_DEFER_UNIT_FIRST_TASK) waits until that step; signal-with-start runs it at once. A unit
 * its round has not started yet is started, reading its own list, as a write to it starts it. Returns false when the
 * unit's workflow has already finished, and signals nothing then.
 */
export async function signalUnitNow<Arg>(
  client: Client,
  taskQueue: string,
  unit: { roundId: string; unitCode: string },
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<boolean> {
  try {
    await client.workflow.signalWithStart<typeof superviseUnit, [Arg]>('superviseUnit', {
      ...unitWorkflowOptions(taskQueue, unit.roundId, unit.unitCode),
      args: [{ roundId: unit.roundId, unitCode: unit.unitCode }],
      signal,
      signalArgs: [arg],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
