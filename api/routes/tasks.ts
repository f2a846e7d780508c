import { IdParams, z } from '../../domain/schemas/common';
import { ExtensionBody, MyTasksQuery, ReviewBody, SubmissionResult, SubmissionView, SubmitTaskBody, TaskIdParams, TaskView, WaiveBody } from '../../domain/schemas/tasks';
import type { UseCaseContext } from '../../usecases/context';
import { extendTask, getSubmission, myTasks, reviewSubmission, submitTask, waiveTask } from '../../usecases/tasks';
import type { Routes } from '../route';

export function taskRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/me/tasks', summary: 'Your unit\'s tasks', tags: ['Tasks'], roles: ['unit'], query: MyTasksQuery, response: z.array(TaskView),
      handler: ({ query, principal }) => myTasks(ctx, principal, query),
    })
    .add({
      method: 'post', path: '/tasks/{id}/submissions', summary: 'Submit a completion report with evidence; send Idempotency-Key to retry safely', tags: ['Tasks'], roles: ['unit'],
      params: TaskIdParams, body: SubmitTaskBody, status: 201, response: SubmissionResult, errors: [409, 422], idempotent: true,
      handler: ({ params, body, principal, idempotencyKey }) => submitTask(ctx, principal, params.id, body, idempotencyKey),
    })
    .add({
      method: 'get', path: '/submissions/{id}', summary: 'A submission with its summary and evidence: the unit\'s own, or any in an office\'s subtree', tags: ['Tasks'], roles: ['office', 'unit'],
      params: IdParams, response: SubmissionView,
      handler: ({ params, principal }) => getSubmission(ctx, principal, params.id),
    })
    .add({
      method: 'post', path: '/submissions/{id}/review', summary: 'Accept a submission with a score, or return it for rework; after close, a correction with a reason', tags: ['Tasks'], roles: ['office'], act: 'supervisor',
      params: IdParams, body: ReviewBody, errors: [409],
      response: z.object({ submissionId: z.string(), taskStatus: z.string(), evaluationVersion: z.number().optional() }),
      handler: ({ params, body, principal }) => reviewSubmission(ctx, principal, params.id, body),
    })
    .add({
      method: 'post', path: '/tasks/{id}/extension', summary: 'Move a task\'s due date; its ladder is rescheduled', tags: ['Tasks'], roles: ['office'], act: 'supervisor', params: TaskIdParams, body: ExtensionBody, errors: [409, 422],
      response: TaskView,
      handler: ({ params, body, principal }) => extendTask(ctx, principal, params.id, body),
    })
    .add({
      method: 'post', path: '/tasks/{id}/waive', summary: 'Close a task without penalty', tags: ['Tasks'], roles: ['office'], act: 'supervisor', params: TaskIdParams, body: WaiveBody, errors: [409], response: TaskView,
      handler: ({ params, body, principal }) => waiveTask(ctx, principal, params.id, body),
    });
}
