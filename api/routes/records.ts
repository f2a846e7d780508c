import { BurdenQuery, BurdenView } from '../../domain/schemas/burden';
import { z } from '../../domain/schemas/common';
import { AuditEntryView, AuditQuery } from '../../domain/schemas/versions';
import type { UseCaseContext } from '../../usecases/context';
import { burdenOfPeriod, listAudit } from '../../usecases/records';
import type { Routes } from '../route';

export function recordRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/audit', tags: ['Evaluation'], roles: ['office'],
      summary: 'Audit trail (corrections, extensions, waivers) of tasks and submissions of units in your subtree, by round and/or subject, oldest first',
      query: AuditQuery, response: z.array(AuditEntryView),
      handler: ({ query, principal }) => listAudit(ctx, principal, query),
    })
    .add({
      method: 'get', path: '/burden', tags: ['Evaluation'], roles: ['office'],
      summary: '减轻基层负担: per unit of your subtree in the period\'s rounds, the tasks, questionnaire windows and notices it received, most burdened first',
      query: BurdenQuery, response: BurdenView,
      handler: ({ query, principal }) => burdenOfPeriod(ctx, principal, query.period),
    });
}
