import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppError } from '../../api/problem';
import type { UseCaseContext } from '../../usecases/context';
import { viaWorkflow } from '../../usecases/workflowErrors';

// The client's deadline wrapper runs the call as given (the deadline is 1 s); a start is recorded by workflow id.
let starts: string[] = [];
beforeEach(() => {
  starts = [];
});
const ctx = {
  client: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(), workflow: { start: async (_type: string, opts: { workflowId: string }) => void starts.push(opts.workflowId) } },
  config: { DUBAN_WORKFLOW_CALL_SECONDS: 1, TEMPORAL_TASK_QUEUE: 'duban' },
} as unknown as Pick<UseCaseContext, 'client' | 'config'>;
const unit = { roundId: 'r1', unitCode: 'u1' };
const notFound = () => new WorkflowNotFoundError('workflow not found', 'unit-wf', undefined);

/** A workflow that is not there for the first `absent` calls, then takes the command. */
function workflowStartingAfter(absent: number) {
  let calls = 0;
  const send = () => (++calls <= absent ? Promise.reject(notFound()) : Promise.resolve('taken'));
  return { send, calls: () => calls };
}

async function answer(roundStatus: string, send: () => Promise<unknown>) {
  const err = (await viaWorkflow(ctx, { status: roundStatus }, unit, send).catch((e: unknown) => e)) as AppError;
  return { status: err.status, code: err.code, retryAfter: err.headers?.['Retry-After'] !== undefined };
}

describe('a write to a unit whose workflow is not there', () => {
  test('when the round is open and the workflow starts a moment later (its batch is being issued), then the command is sent again and taken', async () => {
    const workflow = workflowStartingAfter(3);
    await expect(viaWorkflow(ctx, { status: 'open' }, unit, workflow.send)).resolves.toBe('taken');
    expect(workflow.calls()).toBe(4);
  });

  test('when the round is open and the workflow is still not there at the deadline, then the answer is 503 UNAVAILABLE with Retry-After', async () => {
    const workflow = workflowStartingAfter(Infinity);
    expect(await answer('open', workflow.send)).toEqual({ status: 503, code: 'UNAVAILABLE', retryAfter: true });
    // 50, 100, 200, 400 ms waits fit in the second; the calls are spaced, not a busy loop.
    expect(workflow.calls()).toBeGreaterThanOrEqual(3);
    expect(workflow.calls()).toBeLessThanOrEqual(6);
  });

  test.each(['closing', 'closed', 'cancelled'])('when the round is %s, then the answer is 409 ROUND_STATE at once', async (status) => {
    const workflow = workflowStartingAfter(Infinity);
    expect(await answer(status, workflow.send)).toEqual({ status: 409, code: 'ROUND_STATE', retryAfter: false });
    expect(workflow.calls()).toBe(1);
  });

  test('when the round is open and its unit not started yet, then the unit is started once and the command, sent again, is taken', async () => {
    let calls = 0;
    const send = () => (++calls, starts.length > 0 ? Promise.resolve('taken') : Promise.reject(notFound()));
    await expect(viaWorkflow(ctx, { status: 'open' }, unit, send)).resolves.toBe('taken');
    expect({ started: starts.length, calls }).toEqual({ started: 1, calls: 2 });
    expect(starts).toEqual(['round-r1-unit-u1']);
  });

  test('when the unit is started but its workflow is still not there at the deadline, then it is started once and the answer is 503', async () => {
    const err = (await viaWorkflow(ctx, { status: 'open' }, unit, workflowStartingAfter(Infinity).send).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(503);
    expect(starts).toHaveLength(1);
  });

  test.each(['closing', 'closed', 'cancelled'])('when the round is %s, then no unit is started', async (status) => {
    await viaWorkflow(ctx, { status }, unit, workflowStartingAfter(Infinity).send).catch(() => undefined);
    expect(starts).toEqual([]);
  });

  test('the round is read once, however often the command is sent again', async () => {
    const workflow = workflowStartingAfter(2);
    const round = jest.fn(async () => ({ status: 'open' }));
    await expect(viaWorkflow(ctx, round, unit, workflow.send)).resolves.toBe('taken');
    expect(round).toHaveBeenCalledTimes(1);
  });
});
