import { expectStatus, type Api } from './http';

export interface TaskView {
  id: string;
  unitCode: string;
  code: string;
  status: string;
  dueDate: string;
  evidenceRequired: string[];
}

export const SUMMARY = { kind: 'summary', title: '工作总结' };

/** A unit's own task of a round, by template code, as GET /me/tasks shows it. */
export async function myTask(unit: Api, roundId: string, templateCode: string): Promise<TaskView> {
  const tasks: TaskView[] = expectStatus(await unit.get(`/me/tasks?roundId=${roundId}`), 200);
  const task = tasks.find((t) => t.code === templateCode);
  if (!task) throw new Error(`no task ${templateCode} in round ${roundId}: ${JSON.stringify(tasks)}`);
  return task;
}

export const submitTask = (unit: Api, taskId: string, idempotencyKey: string, evidence: object[] = [SUMMARY]) =>
  unit.post(`/tasks/${taskId}/submissions`, { summary: '已完成本季度产改任务', evidence }, { 'Idempotency-Key': idempotencyKey });

/** Submits a unit's task and has the office accept it with `score`; returns the submission id. */
export async function submitAndAccept(unit: Api, office: Api, roundId: string, templateCode: string, score: number, evidence?: object[]): Promise<string> {
  const task = await myTask(unit, roundId, templateCode);
  const { submissionId } = expectStatus(await submitTask(unit, task.id, `${roundId}-${task.id}`, evidence), 201);
  expect(expectStatus(await office.post(`/submissions/${submissionId}/review`, { decision: 'accept', score }), 200)).toMatchObject({ taskStatus: 'accepted' });
  return submissionId;
}
