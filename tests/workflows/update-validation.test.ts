// Updates a unit workflow must refuse in its validator, so they never enter history.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, submitTaskUpdate, type SubmitTaskInput } from '../../workflows/contracts';
import type { superviseUnit } from '../../workflows/superviseUnit';
import { useWorkflowHarness, type Scenario } from './support/harness';

const h = useWorkflowHarness();

/** The update's failure: the ApplicationFailure the validator threw, as the client receives it. */
async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** Update ids that reached the history as admitted, accepted or completed. */
async function updateIdsInHistory(handle: WorkflowHandle<typeof superviseUnit>): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const id =
      e.workflowExecutionUpdateAdmittedEventAttributes?.request?.meta?.updateId ??
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ??
      e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId;
    return id ? [id as string] : [];
  });
}

async function issuedUnit(scenario: Scenario) {
  const round = await scenario.seedRound({ tasks: [{ dueDate: '2027-01-14', evidence: ['summary', 'documents'] }] });
  const handle = await scenario.startUnit(round);
  const [task] = await scenario.issued(handle);
  return { handle, taskId: task.taskId };
}

const submission = (taskId: string, kinds: SubmitTaskInput['evidence'][number]['kind'][]): SubmitTaskInput => ({
  taskId,
  idempotencyKey: randomUUID(),
  summary: '完成情况',
  evidence: kinds.map((kind) => ({ kind, title: kind })),
});

describe('update validation on a unit workflow', () => {
  test('when a submission lacks required evidence, then the update is rejected with ERR_EVIDENCE_MISSING naming the missing kind, and neither history nor the database records it', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await issuedUnit(s);

    const updateId = `reject-${randomUUID()}`;
    const failure = await rejection(handle.executeUpdate(submitTaskUpdate, { args: [submission(taskId, ['summary'])], updateId }));
    expect(failure.type).toBe(ErrorType.EvidenceMissing);
    expect(failure.details).toEqual([{ missing: ['documents'] }]);

    expect(await updateIdsInHistory(handle)).not.toContain(updateId);
    expect(await s.db.submission.count({ where: { taskId } })).toBe(0);
    expect((await s.task(taskId)).status).toBe('issued');

    // The same task still takes a complete submission, and that one is in history.
    const acceptedId = `accept-${randomUUID()}`;
    const result = await handle.executeUpdate(submitTaskUpdate, { args: [submission(taskId, ['summary', 'documents'])], updateId: acceptedId });
    expect(result.taskStatus).toBe('submitted');
    expect(await updateIdsInHistory(handle)).toContain(acceptedId);
    expect(await updateIdsInHistory(handle)).not.toContain(updateId);
  });

  test('when a task already awaits review, then a second submission is rejected with ERR_TASK_STATE and only the first is recorded', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await issuedUnit(s);

    const first = await handle.executeUpdate(submitTaskUpdate, { args: [submission(taskId, ['summary', 'documents'])] });
    expect(first.taskStatus).toBe('submitted');

    const updateId = `second-${randomUUID()}`;
    const failure = await rejection(handle.executeUpdate(submitTaskUpdate, { args: [submission(taskId, ['summary', 'documents'])], updateId }));
    expect(failure.type).toBe(ErrorType.TaskState);
    expect(failure.details).toEqual([{ status: 'submitted' }]);

    expect(await updateIdsInHistory(handle)).not.toContain(updateId);
    const rows = await s.db.submission.findMany({ where: { taskId } });
    expect(rows.map((r) => r.id)).toEqual([first.submissionId]);
  });

  test('when a submission names a task outside the unit’s list, then it is rejected with ERR_TASK_NOT_FOUND', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle } = await issuedUnit(s);

    const failure = await rejection(handle.executeUpdate(submitTaskUpdate, { args: [submission(randomUUID(), ['summary', 'documents'])] }));
    expect(failure.type).toBe(ErrorType.TaskNotFound);
  });
});
