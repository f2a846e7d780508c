import { EvaluationQuery, EvaluationView, RoundUnitParams, UnitCodeParams } from '../../domain/schemas/evaluation';
import { IdParams, z } from '../../domain/schemas/common';
import { EvaluationVersionView } from '../../domain/schemas/versions';
import { XLSX_TYPE } from '../../domain/schemas/workbook';
import type { UseCaseContext } from '../../usecases/context';
import { evaluationCsv, evaluationVersions, evaluationXlsx, explainUnitScore, getEvaluation, unitEvaluations } from '../../usecases/evaluation';
import type { Routes } from '../route';

export function evaluationRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'get', path: '/rounds/{id}/evaluation', summary: 'Scores, grades, ranks and office roll-ups; a unit sees its own row only', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: IdParams, query: EvaluationQuery, response: EvaluationView,
      handler: ({ params, query, principal }) => getEvaluation(ctx, principal, params.id, query.version),
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation/units/{code}', summary: 'How each component of a unit\'s score was computed, with the counted inputs', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: RoundUnitParams, query: EvaluationQuery,
      handler: ({ params, query, principal }) => explainUnitScore(ctx, principal, params.id, params.code, query.version),
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation.csv', summary: 'The evaluation as CSV (UTF-8 with BOM, Chinese headers)', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: IdParams, query: EvaluationQuery, produces: 'text/csv',
      handler: async ({ params, query, principal, res }) => {
        const csv = await evaluationCsv(ctx, principal, params.id, query.version);
        res.type('text/csv; charset=utf-8').attachment(csv.filename).send(csv.body);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation.xlsx', tags: ['Evaluation'], roles: ['office', 'unit'],
      summary: 'The evaluation as a workbook: sheets 单位, 产改办 and 任务, Chinese headers; a unit gets its own rows only. The 任务 sheet shows the current task records, also for an earlier ?version',
      params: IdParams, query: EvaluationQuery, produces: XLSX_TYPE,
      handler: async ({ params, query, principal, res }) => {
        const workbook = await evaluationXlsx(ctx, principal, params.id, query.version);
        res.type(XLSX_TYPE).attachment(workbook.filename).send(workbook.body);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation/versions', tags: ['Evaluation'], roles: ['office', 'unit'],
      summary: 'Stored versions of the evaluation, oldest first, with who made each, why, and which visible units changed',
      params: IdParams, response: z.array(EvaluationVersionView),
      handler: ({ params, principal }) => evaluationVersions(ctx, principal, params.id),
    })
    .add({
      method: 'get', path: '/units/{code}/evaluations', summary: 'A unit\'s results over past rounds, with the change since the previous round', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: UnitCodeParams,
      response: z.array(z.object({ roundId: z.string(), title: z.string(), period: z.string(), version: z.number(), total: z.number(), grade: z.string(), rank: z.number(), change: z.number().nullable() })),
      handler: ({ params, principal }) => unitEvaluations(ctx, principal, params.code),
    });
}
