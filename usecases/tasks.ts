import { randomUUID } from 'node:crypto';
import { taskWhere, visibleSubmission, visibleSubmissionRef, visibleTask, visibleTaskRef } from '../access/visibility';
import { badRequest, conflict } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import type { EvidenceItem, ReviewBody, SubmitTaskBody } from '../domain/schemas/tasks';
import type { z } from '../domain/schemas/common';
import { shanghaiDate } from '../domain/time';
import { correctReview } from '../store/corrections';
import { extendTaskUpdate, reviewSubmissionUpdate, submitTaskUpdate, unitWorkflowId, waiveTaskUpdate } from '../workflows/contracts';
import type { Actor, UseCaseContext } from './context';
import { fileView, resolveEvidenceFiles } from './files';
import { taskView } from './taskView';
import { viaWorkflow } from './workflowErrors';

const unitWorkflowOf = ({ client }: UseCaseContext, roundId: string, unitCode: string) => client.workflow.getHandle(unitWorkflowId(roundId, unitCode));
const unitWorkflow = (ctx: UseCaseContext, task: { roundId: string; unit: { code: string } }) => unitWorkflowOf(ctx, task.roundId, task.unit.code);
const unitOf = (task: { roundId: string; unit: { code: string } }) => ({ roundId: task.roundId, unitCode: task.unit.code });

export async function myTasks({ db }: UseCaseContext, actor: Actor, query: { roundId?: string }) {
  const tasks = await db.task.findMany({
    where: { AND: [taskWhere(actor), query.roundId ? { roundId: query.roundId } : {}] },
    include: { unit: { select: { code: true } } },
    orderBy: [{ issuedAt: 'desc' }, { code: 'asc' }],
  });
  return tasks.map(taskView);
}

/**
 * A completion report goes to the unit's workflow, the only writer of its tasks. A retry with
 * the same Idempotency-Key returns the first result, from the record or from the update id.
 * The round's status is read only when the workflow is not there (viaWorkflow), so a first
 * submission costs the API three queries: the caller, the task and the key.
 */
export async function submitTask(ctx: UseCaseContext, actor: Actor, taskId: string, body: z.infer<typeof SubmitTaskBody>, idempotencyKey?: string) {
  const task = await visibleTaskRef(ctx.db, actor, taskId);
  if (idempotencyKey) {
    const first = await ctx.db.submission.findUnique({ where: { taskId_idempotencyKey: { taskId: task.id, idempotencyKey } }, select: { id: true } });
    if (first) return { submissionId: first.id, taskStatus: 'submitted' as const };
  }
  const key = idempotencyKey ?? randomUUID();
  const evidence = await resolveEvidenceFiles(ctx.db, task.unitId, body.evidence);
  const round = () => ctx.db.round.findUniqueOrThrow({ where: { id: task.roundId }, select: { status: true } });
  return viaWorkflow(ctx, round, task, () =>
    unitWorkflowOf(ctx, task.roundId, task.unitCode).executeUpdate(submitTaskUpdate, { args: [{ taskId: task.id, idempotencyKey: key, summary: body.summary, evidence, actor: actor.actor }], updateId: `submit:${task.id}:${key}` }),
  );
}

export async function getSubmission({ db }: UseCaseContext, actor: Actor, id: string) {
  const s = await visibleSubmission(db, actor, id);
  const files = new Map((await db.evidenceUse.findMany({ where: { submissionId: s.id }, include: { file: true } })).map((u) => [u.position, fileView(u.file)]));
  const evidence = (s.evidence as z.infer<typeof EvidenceItem>[]).map((e, i) => (files.has(i) ? { ...e, file: files.get(i) } : e));
  return {
    id: s.id, taskId: s.taskId, taskCode: s.task.code, taskTitle: s.task.title, unitCode: s.task.unit.code, summary: s.summary, evidence,
    status: s.status, submittedAt: s.submittedAt.toISOString(), reviewScore: s.reviewScore, reviewComment: s.reviewComment, reviewedAt: s.reviewedAt?.toISOString() ?? null,
    submittedBy: s.submittedBy, reviewedBy: s.reviewedBy,
  };
}

/**
 * While the round is open a review goes to the unit's workflow. Once it has closed the
 * workflow is gone: the review is a correction with a reason, made on the record, audited,
 * and the evaluation gets a new version.
 */
export async function reviewSubmission(ctx: UseCaseContext, actor: Actor, id: string, body: z.infer<typeof ReviewBody>) {
  const submission = await visibleSubmissionRef(ctx.db, actor, id);
  const { task } = submission;
  if (task.round.status === 'closed') {
    if (!body.reason) throw badRequest('a correction after close needs a reason', [{ path: 'reason', message: 'required when the round is closed', in: 'body', code: 'required' }], ErrorCode.CorrectionReasonRequired);
    if (submission.status === 'pending' && task.status !== 'submitted') throw conflict(ErrorCode.SubmissionMismatch, 'this submission was superseded');
    const result = await correctReview(ctx.db, {
      submissionId: submission.id, taskId: task.id, decision: body.decision, score: body.score, comment: body.comment, reason: body.reason,
      actor: actor.actor, reviewer: actor.office!.code, minResponses: ctx.config.DUBAN_MIN_RESPONSES_FOR_UNIT,
    });
    return { submissionId: submission.id, taskStatus: result.taskStatus, evaluationVersion: result.version };
  }
  if (submission.status !== 'pending') throw conflict(ErrorCode.SubmissionReviewed, `the submission was already ${submission.status}`);
  const result = await viaWorkflow(ctx, task.round, unitOf(task), () =>
    unitWorkflow(ctx, task).executeUpdate(reviewSubmissionUpdate, {
      args: [{ taskId: task.id, submissionId: submission.id, decision: body.decision, score: body.score, comment: body.comment, reviewer: actor.office!.code, actor: actor.actor }],
      updateId: `review:${submission.id}`,
    }),
  );
  return { submissionId: submission.id, taskStatus: result.taskStatus };
}

export async function extendTask(ctx: UseCaseContext, actor: Actor, id: string, body: { dueDate: string; reason: string }) {
  const task = await visibleTask(ctx.db, actor, id);
  if (body.dueDate < shanghaiDate(Date.now())) throw badRequest('the new due date is in the past', [{ path: 'dueDate', message: 'must be today or later', in: 'body', code: 'in_the_past' }]);
  await viaWorkflow(ctx, task.round, unitOf(task), () => unitWorkflow(ctx, task).executeUpdate(extendTaskUpdate, { args: [{ taskId: task.id, dueDate: body.dueDate, reason: body.reason, actor: actor.actor }] }));
  return taskView(await visibleTask(ctx.db, actor, id));
}

export async function waiveTask(ctx: UseCaseContext, actor: Actor, id: string, body: { reason: string }) {
  const task = await visibleTask(ctx.db, actor, id);
  await viaWorkflow(ctx, task.round, unitOf(task), () => unitWorkflow(ctx, task).executeUpdate(waiveTaskUpdate, { args: [{ taskId: task.id, reason: body.reason, actor: actor.actor }] }));
  return taskView(await visibleTask(ctx.db, actor, id));
}
