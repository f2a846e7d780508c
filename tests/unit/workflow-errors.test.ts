import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppError } from '../../api/problem';
import type { UseCaseContext } from '../../usecases/context';
import { viaWorkflow } from '../../usecases/workflowErrors';

// Only the deadline wrapper of the client is used: it runs the call as given. The deadline is 1 s.
const ctx = { client: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() }, config: { DUBAN_WORKFLOW_CALL_SECONDS: 1 } } as unknown as Pick<UseCaseContext, 'client' | 'config'>;
const notFound = () => new WorkflowNotFoundError('workflow not found', 'unit-wf', undefined);

/** A workflow that is not there for the first `absent` calls, then takes the command. */
function workflowStartingAfter(absent: number) {
  let calls = 0;
  const send = () => (++calls <= absent ? Promise.reject(notFound()) : Promise.resolve('taken'));
  return { send, calls: () => calls };
}

async function answer(roundStatus: string, send: () => Promise<unknown>) {
  const err = (await viaWorkflow(ctx, { status: roundStatus }, send).catch((e: unknown) => e)) as AppError;
  return { status: err.status, code: err.code, retryAfter: err.headers?.['Retry-After'] !== undefined };
}

describe('a write to a unit whose workflow is not there', () => {
  test('when the round is open and the workflow starts a moment later (its batch is being issued), then the command is sent again and taken', async () => {
    const workflow = workflowStartingAfter(3);
    await expect(viaWorkflow(ctx, { status: 'open' }, workflow.send)).resolves.toBe('taken');
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
    let started = 0;
    let calls = 0;
    const send = () => (++calls, started > 0 ? Promise.resolve('taken') : Promise.reject(notFound()));
    await expect(viaWorkflow(ctx, { status: 'open' }, send, async () => void started++)).resolves.toBe('taken');
    expect({ started, calls }).toEqual({ started: 1, calls: 2 });
  });

  test('when the unit is started but its workflow is still not there at the deadline, then it is started once and the answer is 503', async () => {
    const start = jest.fn(async () => undefined);
    const err = (await viaWorkflow(ctx, { status: 'open' }, workflowStartingAfter(Infinity).send, start).catch((e: unknown) => e)) as AppError;
    expect(err.status).toBe(503);
    expect(start).toHaveBeenCalledTimes(1);
  });

  test.each(['closing', 'closed', 'cancelled'])('when the round is %s, then no unit is started', async (status) => {
    const start = jest.fn(async () => undefined);
    await viaWorkflow(ctx, { status }, workflowStartingAfter(Infinity).send, start).catch(() => undefined);
    expect(start).not.toHaveBeenCalled();
  });

  test('the round is read once, however often the command is sent again', async () => {
    const workflow = workflowStartingAfter(2);
    const round = jest.fn(async () => ({ status: 'open' }));
    await expect(viaWorkflow(ctx, round, workflow.send)).resolves.toBe('taken');
    expect(round).toHaveBeenCalledTimes(1);
  });
});
