import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { IdParams, z } from '../../domain/schemas/common';
import { EvidenceItem, ExtensionBody, MyTasksQuery, ReviewBody, SubmissionResult, SubmissionView, SubmitTaskBody, TaskIdParams, TaskView, WaiveBody } from '../../domain/schemas/tasks';
import { shanghaiDate } from '../../domain/time';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { correctReview } from '../../store/corrections';
import { extendTaskUpdate, reviewSubmissionUpdate, submitTaskUpdate, unitWorkflowId, waiveTaskUpdate } from '../../workflows/contracts';
import { badRequest, conflict, notFound } from '../problem';
import type { Routes } from '../route';
import { unitWhere, visibleTask } from '../scope';
import { viaWorkflow } from '../workflowErrors';

export function taskView(t: {
  id: string; roundId: string; code: string; title: string; category: string; status: z.infer<typeof TaskView>['status']; dueDate: string; dueAt: Date; dueProvisional: boolean;
  evidenceRequired: string[]; escalationLevel: z.infer<typeof TaskView>['escalationLevel']; weight: number; unit: { code: string };
}): z.infer<typeof TaskView> {
  return {
    id: t.id, roundId: t.roundId, unitCode: t.unit.code, code: t.code, title: t.title, category: t.category, status: t.status,
    dueDate: t.dueDate, dueAt: t.dueAt.toISOString(), dueProvisional: t.dueProvisional, evidenceRequired: t.evidenceRequired,
    escalationLevel: t.escalationLevel, weight: t.weight,
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function taskRoutes(routes: Routes, { db, client, config }: { db: Db; client: Client; config: Config }) {
  const unitWorkflow = (task: { roundId: string; unit: { code: string } }) => client.workflow.getHandle(unitWorkflowId(task.roundId, task.unit.code));

  routes
    .add({
      method: 'get', path: '/me/tasks', summary: 'Your unit\'s tasks', tags: ['Tasks'], roles: ['unit'], query: MyTasksQuery, response: z.array(TaskView),
      handler: async ({ query, principal }) => {
        const tasks = await db.task.findMany({
          where: { unitId: principal.unit!.id, ...(query.roundId ? { roundId: query.roundId } : {}) },
          include: { unit: { select: { code: true } } },
          orderBy: [{ issuedAt: 'desc' }, { code: 'asc' }],
        });
        return tasks.map(taskView);
      },
    })
    .add({
      method: 'post', path: '/tasks/{id}/submissions', summary: 'Submit a completion report with evidence; send Idempotency-Key to retry safely', tags: ['Tasks'], roles: ['unit'],
      params: TaskIdParams, body: SubmitTaskBody, status: 201, response: SubmissionResult, errors: [409, 422],
      handler: async ({ params, body, principal, req }) => {
        const task = await visibleTask(db, principal, params.id);
        const key = req.get('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw badRequest('invalid Idempotency-Key', [{ path: 'Idempotency-Key', message: '1-200 printable ASCII characters', in: 'header' }]);
        if (key) {
          const first = await db.submission.findUnique({ where: { taskId_idempotencyKey: { taskId: task.id, idempotencyKey: key } } });
          if (first) return { submissionId: first.id, taskStatus: 'submitted' as const };
        }
        const idempotencyKey = key ?? randomUUID();
        return viaWorkflow(() =>
          unitWorkflow(task).executeUpdate(submitTaskUpdate, { args: [{ taskId: task.id, idempotencyKey, summary: body.summary, evidence: body.evidence }], updateId: `submit:${task.id}:${idempotencyKey}` }),
        );
      },
    })
    .add({
      method: 'get', path: '/submissions/{id}', summary: 'A submission with its summary and evidence: the unit\'s own, or any in an office\'s subtree', tags: ['Tasks'], roles: ['office', 'unit'],
      params: IdParams, response: SubmissionView,
      handler: async ({ params, principal }) => {
        const s = await db.submission.findFirst({ where: { id: params.id, task: { unit: unitWhere(principal) } }, include: { task: { select: { code: true, title: true, unit: { select: { code: true } } } } } });
        if (!s) throw notFound(`submission ${params.id}`);
        return {
          id: s.id, taskId: s.taskId, taskCode: s.task.code, taskTitle: s.task.title, unitCode: s.task.unit.code, summary: s.summary, evidence: s.evidence as z.infer<typeof EvidenceItem>[],
          status: s.status, submittedAt: s.submittedAt.toISOString(), reviewScore: s.reviewScore, reviewComment: s.reviewComment, reviewedAt: s.reviewedAt?.toISOString() ?? null,
        };
      },
    })
    .add({
      method: 'post', path: '/submissions/{id}/review', summary: 'Accept a submission with a score, or return it for rework; after close, a correction with a reason', tags: ['Tasks'], roles: ['office'],
      params: IdParams, body: ReviewBody, errors: [409],
      response: z.object({ submissionId: z.string(), taskStatus: z.string(), evaluationVersion: z.number().optional() }),
      handler: async ({ params, body, principal }) => {
        const submission = await db.submission.findFirst({ where: { id: params.id, task: { unit: unitWhere(principal) } }, include: { task: { include: { unit: true, round: true } } } });
        if (!submission) throw notFound(`submission ${params.id}`);
        const { task } = submission;
        if (task.round.status === 'closed') {
          if (!body.reason) throw badRequest('a correction after close needs a reason', [{ path: 'reason', message: 'required when the round is closed', in: 'body' }]);
          if (submission.status === 'pending' && task.status !== 'submitted') throw conflict('this submission was superseded');
          const result = await correctReview(db, { submissionId: submission.id, taskId: task.id, decision: body.decision, score: body.score, comment: body.comment, reason: body.reason, actor: principal.actor, reviewer: principal.office!.code, minResponses: config.DUBAN_MIN_RESPONSES_FOR_UNIT });
          return { submissionId: submission.id, taskStatus: result.taskStatus, evaluationVersion: result.version };
        }
        if (submission.status !== 'pending') throw conflict(`the submission was already ${submission.status}`);
        const result = await viaWorkflow(() =>
          unitWorkflow(task).executeUpdate(reviewSubmissionUpdate, {
            args: [{ taskId: task.id, submissionId: submission.id, decision: body.decision, score: body.score, comment: body.comment, reviewer: principal.office!.code }],
            updateId: `review:${submission.id}`,
          }),
        );
        return { submissionId: submission.id, taskStatus: result.taskStatus };
      },
    })
    .add({
      method: 'post', path: '/tasks/{id}/extension', summary: 'Move a task\'s due date; its ladder is rescheduled', tags: ['Tasks'], roles: ['office'], params: TaskIdParams, body: ExtensionBody, errors: [409],
      response: TaskView,
      handler: async ({ params, body, principal }) => {
        const task = await visibleTask(db, principal, params.id);
        if (body.dueDate < shanghaiDate(Date.now())) throw badRequest('the new due date is in the past', [{ path: 'dueDate', message: 'must be today or later', in: 'body' }]);
        await viaWorkflow(() => unitWorkflow(task).executeUpdate(extendTaskUpdate, { args: [{ taskId: task.id, dueDate: body.dueDate, reason: body.reason, actor: principal.actor }] }));
        return taskView(await visibleTask(db, principal, params.id));
      },
    })
    .add({
      method: 'post', path: '/tasks/{id}/waive', summary: 'Close a task without penalty', tags: ['Tasks'], roles: ['office'], params: TaskIdParams, body: WaiveBody, errors: [409], response: TaskView,
      handler: async ({ params, body, principal }) => {
        const task = await visibleTask(db, principal, params.id);
        await viaWorkflow(() => unitWorkflow(task).executeUpdate(waiveTaskUpdate, { args: [{ taskId: task.id, reason: body.reason, actor: principal.actor }] }));
        return taskView(await visibleTask(db, principal, params.id));
      },
    });
}
