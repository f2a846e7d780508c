import { EvaluationQuery } from '../../domain/schemas/evaluation';
import { IdParams, z } from '../../domain/schemas/common';
import { EvaluationVersionView } from '../../domain/schemas/versions';
import { XLSX_TYPE } from '../../domain/schemas/workbook';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { officeRollups } from '../../store/evaluation';
import { listEvaluationVersions } from '../../store/evaluationVersions';
import { evaluationWorkbook, loadWorkbookTasks } from '../../store/evaluationWorkbook';
import type { Routes } from '../route';
import { unitWhere, visibleRound } from '../scope';
import { evaluationFor } from './evaluation';

export function evaluationExportRoutes(routes: Routes, { db, config }: { db: Db; config: Config }) {
  routes
    .add({
      method: 'get', path: '/rounds/{id}/evaluation.xlsx', tags: ['Evaluation'], roles: ['office', 'unit'],
      summary: 'The evaluation as a workbook: sheets 单位, 产改办 and 任务, Chinese headers; a unit gets its own rows only. The 任务 sheet shows the current task records, also for an earlier ?version',
      params: IdParams, query: EvaluationQuery, produces: XLSX_TYPE,
      handler: async ({ params, query, principal, res }) => {
        const result = await evaluationFor(db, config, principal, params.id, query.version);
        const unitIds = result.units.map((u) => u.unitId);
        const [offices, names, tasks] = await Promise.all([
          principal.office ? officeRollups(db, result.units, principal.office.path) : [],
          db.office.findMany({ where: { id: { in: [...new Set(result.units.map((u) => u.officeId))] } }, select: { id: true, name: true } }),
          loadWorkbookTasks(db, result.roundId, unitIds),
        ]);
        const body = await evaluationWorkbook({ units: result.units, officeNames: new Map(names.map((o) => [o.id, o.name])), offices, tasks });
        res.type(XLSX_TYPE).attachment(`evaluation-${result.roundId}-v${result.version}.xlsx`).send(body);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation/versions', tags: ['Evaluation'], roles: ['office', 'unit'],
      summary: 'Stored versions of the evaluation, oldest first, with who made each, why, and which visible units changed',
      params: IdParams, response: z.array(EvaluationVersionView),
      handler: async ({ params, principal }) => {
        const round = await visibleRound(db, principal, params.id);
        return listEvaluationVersions(db, round.id, unitWhere(principal));
      },
    });
}
