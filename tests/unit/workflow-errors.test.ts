import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppError } from '../../api/problem';
import type { UseCaseContext } from '../../usecases/context';
import { viaWorkflow } from '../../usecases/workflowErrors';

// Only the deadline wrapper of the client is used: it runs the call as given.
const ctx = { client: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() }, config: { DUBAN_WORKFLOW_CALL_SECONDS: 10 } } as unknown as Pick<UseCaseContext, 'client' | 'config'>;
const missing = () => Promise.reject(new WorkflowNotFoundError('workflow not found', 'unit-wf', undefined));

async function answer(roundStatus: string) {
  const err = (await viaWorkflow(ctx, { status: roundStatus }, missing).catch((e: unknown) => e)) as AppError;
  return { status: err.status, code: err.code, retryAfter: err.headers?.['Retry-After'] !== undefined };
}

describe('a write to a unit whose workflow is not there', () => {
  test('when the round is open (its batch is still being issued), then the answer is 503 UNAVAILABLE with Retry-After', async () => {
    expect(await answer('open')).toEqual({ status: 503, code: 'UNAVAILABLE', retryAfter: true });
  });

  test.each(['closing', 'closed', 'cancelled'])('when the round is %s, then the answer is 409 ROUND_STATE', async (status) => {
    expect(await answer(status)).toEqual({ status: 409, code: 'ROUND_STATE', retryAfter: false });
  });
});
