import { BurdenQuery, BurdenView } from '../../domain/schemas/burden';
import type { Db } from '../../src/db';
import { burdenForPeriod } from '../../store/burden';
import type { Routes } from '../route';

export function burdenRoutes(routes: Routes, { db }: { db: Db }) {
  routes.add({
    method: 'get', path: '/burden', tags: ['Evaluation'], roles: ['office'],
    summary: '减轻基层负担: per unit of your subtree in the period\'s rounds, the tasks, questionnaire windows and notices it received, most burdened first',
    query: BurdenQuery, response: BurdenView,
    handler: async ({ query, principal }) => {
      const rows = await burdenForPeriod(db, query.period, principal.office!.path);
      return { period: query.period, units: rows.map(({ unitId: _unitId, ...r }) => r) };
    },
  });
}
