import { IdParams, z } from '../../domain/schemas/common';
import { CreateQuestionnaireTemplateBody, QuestionnaireTemplateView, SubmitResponseBody, WindowParams } from '../../domain/schemas/questionnaires';
import type { UseCaseContext } from '../../usecases/context';
import {
  createQuestionnaireTemplate, listQuestionnaireTemplates, myNotifications, myQuestionnaires, respond, roundContradictions, roundWindows, windowResponses, windowSummary,
} from '../../usecases/questionnaires';
import type { Routes } from '../route';

export function questionnaireRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/questionnaire-templates', summary: 'Add a questionnaire template, or a new version of one', tags: ['Questionnaires'], roles: ['office'], act: 'admin',
      body: CreateQuestionnaireTemplateBody, status: 201, response: QuestionnaireTemplateView, errors: [409],
      handler: ({ body, principal }) => createQuestionnaireTemplate(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/questionnaire-templates', summary: 'The latest version of each questionnaire template you can use', tags: ['Questionnaires'], roles: ['office'],
      response: z.array(QuestionnaireTemplateView),
      handler: ({ principal }) => listQuestionnaireTemplates(ctx, principal),
    })
    .add({
      method: 'get', path: '/me/questionnaires', summary: 'Questionnaire windows open to you, with their questions', tags: ['Questionnaires'], roles: ['observer'],
      handler: ({ principal }) => myQuestionnaires(ctx, principal),
    })
    .add({
      method: 'get', path: '/me/notifications', summary: 'Notices addressed to you (questionnaire opened, reminders)', tags: ['Questionnaires'], roles: ['observer'],
      handler: ({ principal }) => myNotifications(ctx, principal),
    })
    .add({
      method: 'post', path: '/questionnaires/{windowId}/responses', summary: 'Answer a questionnaire: once per window, while it is open', tags: ['Questionnaires'], roles: ['observer'],
      params: WindowParams, body: SubmitResponseBody, status: 201, errors: [409, 410],
      response: z.object({ responseId: z.string(), windowId: z.string(), submittedAt: z.string() }),
      handler: ({ params, body, principal }) => respond(ctx, principal, params.windowId, body),
    })
    .add({
      method: 'get', path: '/rounds/{id}/questionnaires', summary: 'The questionnaire windows of a round', tags: ['Questionnaires'], roles: ['office'], params: IdParams,
      handler: ({ params, principal }) => roundWindows(ctx, principal, params.id),
    })
    .add({
      method: 'get', path: '/questionnaires/{windowId}/responses', summary: 'Individual answers of observers in your subtree (offices only)', tags: ['Questionnaires'], roles: ['office'],
      params: WindowParams,
      handler: ({ params, principal }) => windowResponses(ctx, principal, params.windowId),
    })
    .add({
      method: 'get', path: '/questionnaires/{windowId}/summary', summary: 'Aggregates per unit and dimension; a unit sees its own row only once the window has closed and enough distinct observers answered', tags: ['Questionnaires'], roles: ['office', 'unit'],
      params: WindowParams,
      handler: ({ params, principal }) => windowSummary(ctx, principal, params.windowId),
    })
    .add({
      method: 'get', path: '/rounds/{id}/contradictions', summary: 'Units whose accepted tasks are contradicted by low observer ratings in the matching dimension (a warning, not a score)', tags: ['Questionnaires'],
      roles: ['office'], params: IdParams,
      handler: ({ params, principal }) => roundContradictions(ctx, principal, params.id),
    });
}
