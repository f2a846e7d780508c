import { setTimeout } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, conflict, notFound, unprocessable } from '../api/problem';
import { serviceUnavailable } from '../api/unavailable';
import { codeOfFailureType, ErrorCode } from '../domain/errors';
import { unitWorkflowOptions } from '../activities/unitWorkflows';
import type { superviseUnit } from '../workflows/superviseUnit';
import type { UseCaseContext } from './context';

/** Maps a workflow's typed refusal (ApplicationFailure type `ERR_<code>`) to the answer the contract fixes for it. */
function toAppError(failure: ApplicationFailure): AppError {
  const details = (failure.details?.[0] ?? {}) as { missing?: string[] };
  const code = codeOfFailureType(failure.type) ?? ErrorCode.TaskState;
  switch (code) {
    case ErrorCode.EvidenceMissing:
      return unprocessable(code, failure.message, (details.missing ?? []).map((kind) => ({ path: 'evidence', message: `evidence of kind "${kind}" is required`, in: 'body' as const, code: `missing_${kind}` })));
    case ErrorCode.TaskNotFound:
      return notFound('task');
    case ErrorCode.InvalidDueDate:
      return unprocessable(code, failure.message, [{ path: 'dueDate', message: failure.message, in: 'body' }]);
    default:
      return conflict(code, failure.message);
  }
}

/**
 * Sends a command to a workflow; a refusal becomes the matching problem, a finished workflow a 409. The call
 * has a deadline (DUBAN_WORKFLOW_CALL_SECONDS): with no worker to take the update, or Temporal down, it ends
 * there and the API answers 503 with Retry-After. The update keeps its id, so the client's retry joins the
 * same update instead of making a second one.
 *
 * A unit of an open round whose workflow is not there yet is one its round has not started yet: a round writes
 * every unit's list first, then starts the units (workflows/superviseRound.ts). The unit's workflow is started
 * then, as the round's fan-out would (same workflow id, so whichever comes second finds the first). The command
 * is sent again, after 50 ms, then twice as long each time up to a second, until the workflow
 * takes it or the same deadline passes (then 503 with Retry-After, not a 409 that would say the round is over).
 */
export async function viaWorkflow<T>(
  ctx: Pick<UseCaseContext, 'client' | 'config'>,
  round: { status: string } | (() => Promise<{ status: string }>),
  unit: { roundId: string; unitCode: string },
  send: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + ctx.config.DUBAN_WORKFLOW_CALL_SECONDS * 1000;
  let status: string | undefined;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await ctx.client.withDeadline(deadline, send);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw toAppError(err.cause);
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // The round's status tells those two apart; a caller may pass it read, or a way to read it only here.
      const first = status === undefined;
      status ??= (typeof round === 'function' ? await round() : round).status;
      if (status !== 'open') throw conflict(ErrorCode.RoundState, 'the round is no longer open for changes');
      if (first) await ctx.client.withDeadline(deadline, () => startUnitWorkflow(ctx, unit.roundId, unit.unitCode));
      if (Date.now() + wait >= deadline) throw serviceUnavailable("the unit's supervision is starting; retry shortly");
      await setTimeout(wait);
    }
  }
}

/** Starts a unit's workflow of an open round that its round has not started yet; it then reads its own list. */
async function startUnitWorkflow(ctx: Pick<UseCaseContext, 'client' | 'config'>, roundId: string, unitCode: string): Promise<void> {
  try {
    await ctx.client.workflow.start<typeof superviseUnit>('superviseUnit', { ...unitWorkflowOptions(ctx.config.TEMPORAL_TASK_QUEUE, roundId, unitCode), args: [{ roundId, unitCode }] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
