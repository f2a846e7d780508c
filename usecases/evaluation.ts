import { seesUnit, unitWhere, visibleRound, visibleUnit } from '../access/visibility';
import { notFound } from '../api/problem';
import { GRADE_LABELS } from '../domain/schemas/evaluation';
import { burdenForRound } from '../store/burden';
import { acceptedTaskFiles } from '../store/files';
import { computeEvaluation, officeRollups, readStoredEvaluation, type EvaluationResult } from '../store/evaluation';
import { listEvaluationVersions } from '../store/evaluationVersions';
import { evaluationWorkbook, loadWorkbookTasks } from '../store/evaluationWorkbook';
import { roundContradictions } from '../store/questionnaires';
import type { Actor, ReadContext, UseCaseContext } from './context';

/**
 * The stored version asked for, the latest stored one, or, while the round is open, a live
 * provisional one; cut to the units the caller may see (a unit: its own row only).
 *
 * A unit's provisional evaluation leaves observers out altogether: every unit is scored as if
 * none had answered, so the unit's total, grade and rank move with tasks only. A live
 * satisfaction would change with each answer and each window, and two readings apart would
 * give away what changed; the final evaluation is computed once, after every window closed.
 */
export async function evaluationFor({ db, config }: ReadContext, actor: Actor, roundId: string, version?: number): Promise<EvaluationResult> {
  const round = await visibleRound(db, actor, roundId);
  const stored = await readStoredEvaluation(db, round.id, version);
  if (version && !stored) throw notFound('evaluation version');
  const result = stored ?? (await computeEvaluation(db, round.id, config.DUBAN_MIN_RESPONSES_FOR_UNIT, { satisfaction: !!actor.office }));
  return { ...result, units: result.units.filter((u) => seesUnit(actor, u)) };
}

export async function getEvaluation(ctx: UseCaseContext, actor: Actor, roundId: string, version?: number) {
  const { db } = ctx;
  const result = await evaluationFor(ctx, actor, roundId, version);
  const flags = actor.office ? new Map((await roundContradictions(db, result.roundId, result.units.map((u) => u.unitId))).map((c) => [c.unitCode, c.flags])) : null;
  const burden = actor.office ? await burdenForRound(db, result.roundId, actor.office.path) : null;
  return {
    roundId: result.roundId,
    status: result.status,
    version: result.version,
    createdAt: result.createdAt,
    reason: result.reason,
    units: result.units.map((u) => ({
      unitCode: u.unitCode, unitName: u.unitName, officeCode: u.officeCode, scores: u.scores, total: u.total, grade: u.grade, rank: u.rank,
      ...(flags ? { flags: flags.get(u.unitCode) ?? [] } : {}),
      ...(burden ? { burden: burden.get(u.unitId) ?? { tasks: 0, questionnaires: 0, notices: 0, evidence: { uploaded: 0, reused: 0 } } } : {}),
    })),
    offices: actor.office ? await officeRollups(db, result.units, actor.office.path) : [],
  };
}

export async function explainUnitScore(ctx: UseCaseContext, actor: Actor, roundId: string, unitCode: string, version?: number) {
  const result = await evaluationFor(ctx, actor, roundId, version);
  const unit = result.units.find((u) => u.unitCode === unitCode);
  if (!unit) throw notFound('unit in this evaluation');
  const evidence = await acceptedTaskFiles(ctx.db, result.roundId, unit.unitId);
  return { roundId: result.roundId, status: result.status, version: result.version, unitCode: unit.unitCode, unitName: unit.unitName, scores: unit.scores, total: unit.total, grade: unit.grade, rank: unit.rank, rubric: result.rubric, explanation: unit.explanation, evidence };
}

const fmt = (x: number | null) => (x === null ? '' : x.toFixed(2));
const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const CSV_HEADERS = ['单位', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名', '单位代码'];

export function evaluationRows(units: EvaluationResult['units']): string[][] {
  return units.map((u) => [u.unitName, fmt(u.scores.completion), fmt(u.scores.timeliness), fmt(u.scores.quality), fmt(u.scores.satisfaction), fmt(u.scores.penalty), fmt(u.total), GRADE_LABELS[u.grade], String(u.rank), u.unitCode]);
}

/** UTF-8 with a BOM, so Excel opens the Chinese headers as text. */
export async function evaluationCsv(ctx: UseCaseContext, actor: Actor, roundId: string, version?: number) {
  const result = await evaluationFor(ctx, actor, roundId, version);
  const lines = [CSV_HEADERS, ...evaluationRows(result.units)].map((row) => row.map(csvCell).join(','));
  return { filename: `evaluation-${result.roundId}-v${result.version}.csv`, body: `\uFEFF${lines.join('\r\n')}\r\n` };
}

export async function evaluationXlsx(ctx: UseCaseContext, actor: Actor, roundId: string, version?: number) {
  const { db } = ctx;
  const result = await evaluationFor(ctx, actor, roundId, version);
  const [offices, names, tasks] = await Promise.all([
    actor.office ? officeRollups(db, result.units, actor.office.path) : [],
    db.office.findMany({ where: { id: { in: [...new Set(result.units.map((u) => u.officeId))] } }, select: { id: true, name: true } }),
    loadWorkbookTasks(db, result.roundId, result.units.map((u) => u.unitId)),
  ]);
  const body = await evaluationWorkbook({ units: result.units, officeNames: new Map(names.map((o) => [o.id, o.name])), offices, tasks });
  return { filename: `evaluation-${result.roundId}-v${result.version}.xlsx`, body };
}

export async function evaluationVersions({ db }: UseCaseContext, actor: Actor, roundId: string) {
  const round = await visibleRound(db, actor, roundId);
  return listEvaluationVersions(db, round.id, unitWhere(actor));
}

/** A unit's latest result per round, oldest round first, with the change since the one before. */
export async function unitEvaluations({ db }: UseCaseContext, actor: Actor, unitCode: string) {
  const unit = await visibleUnit(db, actor, unitCode);
  const rows = await db.evaluationUnit.findMany({
    where: { unitId: unit.id },
    include: { evaluation: { include: { round: { select: { id: true, title: true, period: true, closedAt: true, launchedAt: true } } } } },
  });
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
}
