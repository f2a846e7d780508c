import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../workflows/contracts';
import { AppError, conflict, notFound, unprocessable } from './problem';

/** Maps a workflow's typed refusal to the HTTP answer the contract fixes for it. */
function toAppError(failure: ApplicationFailure): AppError {
  const details = (failure.details?.[0] ?? {}) as { missing?: string[] };
  switch (failure.type) {
    case ErrorType.EvidenceMissing:
      return unprocessable(failure.message, (details.missing ?? []).map((kind) => ({ path: 'evidence', message: `evidence of kind "${kind}" is required`, in: 'body' as const })));
    case ErrorType.TaskNotFound:
      return notFound('task');
    case ErrorType.InvalidDueDate:
      return unprocessable(failure.message, [{ path: 'dueDate', message: failure.message, in: 'body' }]);
    case ErrorType.TaskState:
    case ErrorType.SubmissionMismatch:
    case ErrorType.UnitClosed:
    default:
      return conflict(failure.message);
  }
}

export async function viaWorkflow<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw toAppError(err.cause);
    if (err instanceof WorkflowNotFoundError) throw conflict('the round is no longer open for changes');
    throw err;
  }
}
