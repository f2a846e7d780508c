import { EvaluationQuery, EvaluationView, GRADE_LABELS, RoundUnitParams, UnitCodeParams } from '../../domain/schemas/evaluation';
import { IdParams, z } from '../../domain/schemas/common';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { burdenForRound } from '../../store/burden';
import { computeEvaluation, officeRollups, readStoredEvaluation, type EvaluationResult } from '../../store/evaluation';
import { roundContradictions } from '../../store/questionnaires';
import type { Principal } from '../auth';
import { notFound } from '../problem';
import type { Routes } from '../route';
import { visibleRound, visibleUnit } from '../scope';

/** The stored version asked for, the latest stored one, or, while the round is open, a live provisional one. */
export async function evaluationFor(db: Db, config: Config, principal: Principal, roundId: string, version?: number): Promise<EvaluationResult> {
  const round = await visibleRound(db, principal, roundId);
  const stored = await readStoredEvaluation(db, round.id, version);
  if (version && !stored) throw notFound(`evaluation version ${version}`);
  const result = stored ?? (await computeEvaluation(db, round.id, config.DUBAN_MIN_RESPONSES_FOR_UNIT));
  const mine = principal.office ? (u: EvaluationResult['units'][number]) => u.officePath.startsWith(principal.office!.path) : (u: EvaluationResult['units'][number]) => u.unitId === principal.unit!.id;
  return { ...result, units: result.units.filter(mine) };
}

const fmt = (x: number | null) => (x === null ? '' : x.toFixed(2));

export const CSV_HEADERS = ['单位', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名', '单位代码'];

export function evaluationRows(units: EvaluationResult['units']): string[][] {
  return units.map((u) => [u.unitName, fmt(u.scores.completion), fmt(u.scores.timeliness), fmt(u.scores.quality), fmt(u.scores.satisfaction), fmt(u.scores.penalty), fmt(u.total), GRADE_LABELS[u.grade], String(u.rank), u.unitCode]);
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function evaluationRoutes(routes: Routes, { db, config }: { db: Db; config: Config }) {
  routes
    .add({
      method: 'get', path: '/rounds/{id}/evaluation', summary: 'Scores, grades, ranks and office roll-ups; a unit sees its own row only', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: IdParams, query: EvaluationQuery, response: EvaluationView,
      handler: async ({ params, query, principal }) => {
        const result = await evaluationFor(db, config, principal, params.id, query.version);
        const flags = principal.office ? new Map((await roundContradictions(db, result.roundId, result.units.map((u) => u.unitId))).map((c) => [c.unitCode, c.flags])) : null;
        const burden = principal.office ? await burdenForRound(db, result.roundId, principal.office.path) : null;
        return {
          roundId: result.roundId,
          status: result.status,
          version: result.version,
          createdAt: result.createdAt,
          reason: result.reason,
          units: result.units.map((u) => ({
            unitCode: u.unitCode, unitName: u.unitName, officeCode: u.officeCode, scores: u.scores, total: u.total, grade: u.grade, rank: u.rank,
            ...(flags ? { flags: flags.get(u.unitCode) ?? [] } : {}),
            ...(burden ? { burden: burden.get(u.unitId) ?? { tasks: 0, questionnaires: 0, notices: 0 } } : {}),
          })),
          offices: principal.office ? await officeRollups(db, result.units, principal.office.path) : [],
        };
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation/units/{code}', summary: 'How each component of a unit\'s score was computed, with the counted inputs', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: RoundUnitParams, query: EvaluationQuery,
      handler: async ({ params, query, principal }) => {
        const result = await evaluationFor(db, config, principal, params.id, query.version);
        const unit = result.units.find((u) => u.unitCode === params.code);
        if (!unit) throw notFound(`unit ${params.code} in this evaluation`);
        return { roundId: result.roundId, status: result.status, version: result.version, unitCode: unit.unitCode, unitName: unit.unitName, scores: unit.scores, total: unit.total, grade: unit.grade, rank: unit.rank, rubric: result.rubric, explanation: unit.explanation };
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/evaluation.csv', summary: 'The evaluation as CSV (UTF-8 with BOM, Chinese headers)', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: IdParams, query: EvaluationQuery, produces: 'text/csv',
      handler: async ({ params, query, principal, res }) => {
        const result = await evaluationFor(db, config, principal, params.id, query.version);
        const lines = [CSV_HEADERS, ...evaluationRows(result.units)].map((row) => row.map(csvCell).join(','));
        res
          .type('text/csv; charset=utf-8')
          .attachment(`evaluation-${result.roundId}-v${result.version}.csv`)
          .send(`\uFEFF${lines.join('\r\n')}\r\n`);
      },
    })
    .add({
      method: 'get', path: '/units/{code}/evaluations', summary: 'A unit\'s results over past rounds, with the change since the previous round', tags: ['Evaluation'], roles: ['office', 'unit'],
      params: UnitCodeParams,
      response: z.array(z.object({ roundId: z.string(), title: z.string(), period: z.string(), version: z.number(), total: z.number(), grade: z.string(), rank: z.number(), change: z.number().nullable() })),
      handler: async ({ params, principal }) => {
        const unit = await visibleUnit(db, principal, params.code);
        const rows = await db.evaluationUnit.findMany({
          where: { unitId: unit.id },
          include: { evaluation: { include: { round: { select: { id: true, title: true, period: true, closedAt: true, launchedAt: true } } } } },
        });
        // Latest version per round, oldest round first.
        const latest = new Map<string, (typeof rows)[number]>();
        for (const r of rows) {
          const seen = latest.get(r.evaluation.roundId);
          if (!seen || seen.evaluation.version < r.evaluation.version) latest.set(r.evaluation.roundId, r);
        }
        const ordered = [...latest.values()].sort((a, b) => a.evaluation.round.launchedAt.getTime() - b.evaluation.round.launchedAt.getTime());
        return ordered.map((r, i) => ({
          roundId: r.evaluation.roundId,
          title: r.evaluation.round.title,
          period: r.evaluation.round.period,
          version: r.evaluation.version,
          total: r.total,
          grade: r.grade,
          rank: r.rank,
          change: i === 0 ? null : Math.round((r.total - ordered[i - 1].total) * 100) / 100,
        }));
      },
    });
}
