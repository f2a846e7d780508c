import { IdParams, z } from '../../domain/schemas/common';
import { CreateProgrammeBody, ProgrammeView } from '../../domain/schemas/programmes';
import type { UseCaseContext } from '../../usecases/context';
import { actOnProgramme, createProgramme, listProgrammes, programmeResults } from '../../usecases/programmes';
import type { Routes } from '../route';

const ACTIONS = {
  pause: 'Pause the schedule',
  resume: 'Resume the schedule',
  trigger: 'Run the programme now, as if its time had come',
} as const;

export function programmeRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/programmes', summary: 'A recurring programme: a Temporal Schedule launches a round every month, quarter, year or cron (Asia/Shanghai)', tags: ['Programmes'],
      roles: ['office'], act: 'supervisor', body: CreateProgrammeBody, status: 201, response: ProgrammeView,
      handler: ({ body, principal }) => createProgramme(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/programmes', summary: 'Programmes of your office and the offices below it', tags: ['Programmes'], roles: ['office'], response: z.array(ProgrammeView),
      handler: ({ principal }) => listProgrammes(ctx, principal),
    })
    .add({
      method: 'get', path: '/programmes/{id}/results', summary: 'Every visible unit\'s results across the programme\'s rounds, with the change since the previous round', tags: ['Programmes'],
      roles: ['office'], params: IdParams,
      handler: ({ params, principal }) => programmeResults(ctx, principal, params.id),
    });
  for (const [action, summary] of Object.entries(ACTIONS) as Array<[keyof typeof ACTIONS, string]>) {
    routes.add({
      method: 'post', path: `/programmes/{id}/${action}`, summary, tags: ['Programmes'], roles: ['office'], act: 'supervisor', params: IdParams, status: action === 'trigger' ? 202 : 200, response: ProgrammeView,
      handler: ({ params, principal }) => actOnProgramme(ctx, principal, params.id, action),
    });
  }
}
