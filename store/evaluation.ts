import { groupBy } from '../domain/collections';
import { rollUp, scoreRound, rank, type Rubric, type UnitInput, type UnitScore } from '../domain/scoring';
import { levelRank, type EscalationLevel, type Grade } from '../domain/vocabulary';
import { isUnder } from '../access/visibility';
import type { Db } from '../src/db';
import type { RoundSpec } from './roundSpec';
import { satisfactionByUnit } from './questionnaires';
import { unitThreshold, type PooledSatisfaction } from '../domain/confidentiality';

export interface OfficeResult {
  officeCode: string;
  officeName: string;
  parentCode: string | null;
  units: number;
  mean: number;
  grades: Record<Grade, number>;
  /** Rank among offices with the same parent, by mean total. */
  rank: number;
}

export interface EvaluationResult {
  roundId: string;
  status: 'provisional' | 'final';
  version: number;
  createdAt: string | null;
  reason: string | null;
  actor: string | null;
  rubric: Rubric;
  units: Array<UnitScore & { officeCode: string; officePath: string }>;
}

/**
 * Everything the rubric needs about each unit of a round, read in a handful of queries.
 * With `threshold` null no observer's answer is read: satisfaction is absent for every unit.
 */
export async function loadScoringInputs(db: Db, roundId: string, threshold: number | null): Promise<UnitInput[]> {
  const [roundUnits, tasks, escalations, accepted, satisfaction] = await Promise.all([
    db.roundUnit.findMany({ where: { roundId }, select: { unit: { select: { id: true, code: true, name: true, officeId: true } } } }),
    db.task.findMany({ where: { roundId }, select: { id: true, unitId: true, code: true, weight: true, status: true, dueAt: true, reviewScore: true } }),
    db.escalation.findMany({ where: { roundId }, select: { taskId: true, level: true } }),
    db.submission.findMany({ where: { status: 'accepted', task: { roundId } }, select: { taskId: true, submittedAt: true } }),
    threshold === null ? new Map<string, PooledSatisfaction>() : satisfactionByUnit(db, roundId, threshold),
  ]);
  const highest = new Map<string, EscalationLevel>();
  for (const e of escalations) if (levelRank(e.level) > levelRank(highest.get(e.taskId))) highest.set(e.taskId, e.level);
  const acceptedAt = new Map(accepted.map((s) => [s.taskId, s.submittedAt.toISOString()]));
  const tasksByUnit = groupBy(tasks, (t) => t.unitId);
  return roundUnits.map(({ unit }) => ({
    unitId: unit.id,
    unitCode: unit.code,
    unitName: unit.name,
    officeId: unit.officeId,
    satisfaction: satisfaction.get(unit.id) ?? null,
    tasks: (tasksByUnit.get(unit.id) ?? []).map((t) => ({
      taskId: t.id,
      code: t.code,
      weight: t.weight,
      status: t.status,
      dueAt: t.dueAt.toISOString(),
      acceptedSubmittedAt: t.status === 'accepted' ? (acceptedAt.get(t.id) ?? null) : null,
      reviewScore: t.reviewScore,
      highestEscalation: highest.get(t.id) ?? null,
    })),
  }));
}

async function officesById(db: Db, ids: string[]) {
  const offices = await db.office.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, code: true, path: true } });
  return new Map(offices.map((o) => [o.id, o]));
}

/**
 * Scores a round from its current record, without storing anything. `configuredThreshold` is
 * the threshold for rounds launched before theirs was frozen. Without satisfaction, every
 * unit is scored as if no observer had answered: the rubric hands that weight to the others.
 */
export async function computeEvaluation(db: Db, roundId: string, configuredThreshold: number, opts: { satisfaction: boolean } = { satisfaction: true }): Promise<EvaluationResult> {
  const round = await db.round.findUniqueOrThrow({ where: { id: roundId } });
  const spec = round.spec as unknown as RoundSpec;
  const rubric = spec.rubric;
  const threshold = opts.satisfaction ? unitThreshold(spec.minObserversForUnit, configuredThreshold) : null;
  const scores = scoreRound(await loadScoringInputs(db, roundId, threshold), rubric);
  const offices = await officesById(db, scores.map((s) => s.officeId));
  return {
    roundId,
    status: 'provisional',
    version: 0,
    createdAt: null,
    reason: null,
    actor: null,
    rubric,
    units: scores.map((s) => ({ ...s, officeCode: offices.get(s.officeId)!.code, officePath: offices.get(s.officeId)!.path })),
  };
}

/**
 * Freezes the current scores as the next version. With `onlyIfNone`, a round that already
 * has a version keeps it: closing twice (an activity retry) never makes a second one.
 */
export async function computeAndStoreEvaluation(
  db: Db,
  roundId: string,
  /** `minResponses`: the configured threshold, for rounds launched before theirs was frozen. */
  opts: { actor: string; reason: string | null; onlyIfNone: boolean; minResponses: number },
): Promise<{ version: number }> {
  const latest = await db.evaluation.findFirst({ where: { roundId }, orderBy: { version: 'desc' }, include: { units: true } });
  if (latest && opts.onlyIfNone) return { version: latest.version };
  const result = await computeEvaluation(db, roundId, opts.minResponses);
  const version = (latest?.version ?? 0) + 1;
  const before = new Map((latest?.units ?? []).map((u) => [u.unitCode, u]));
  const diff = latest
    ? result.units
        .filter((u) => { const b = before.get(u.unitCode); return !b || b.total !== u.total || b.grade !== u.grade || b.rank !== u.rank; })
        .map((u) => { const b = before.get(u.unitCode); return { unitCode: u.unitCode, total: [b?.total ?? null, u.total], grade: [b?.grade ?? null, u.grade], rank: [b?.rank ?? null, u.rank] }; })
    : undefined;
  await db.evaluation.create({
    data: {
      roundId,
      version,
      status: 'final',
      rubric: result.rubric as object,
      reason: opts.reason,
      actor: opts.actor,
      diff: diff as object[] | undefined,
      units: {
        create: result.units.map((u) => ({
          unitId: u.unitId,
          unitCode: u.unitCode,
          unitName: u.unitName,
          officeId: u.officeId,
          completion: u.scores.completion ?? 0,
          timeliness: u.scores.timeliness ?? 0,
          quality: u.scores.quality,
          satisfaction: u.scores.satisfaction,
          penalty: u.scores.penalty,
          total: u.total,
          grade: u.grade,
          rank: u.rank,
          inputs: u.explanation as object,
        })),
      },
    },
  });
  return { version };
}

/** A stored version (latest when none is named), or null when the round has none. */
export async function readStoredEvaluation(db: Db, roundId: string, version?: number): Promise<EvaluationResult | null> {
  const evaluation = await db.evaluation.findFirst({
    where: { roundId, ...(version ? { version } : {}) },
    orderBy: { version: 'desc' },
    include: { units: true },
  });
  if (!evaluation) return null;
  const offices = await officesById(db, evaluation.units.map((u) => u.officeId));
  return {
    roundId,
    status: evaluation.status,
    version: evaluation.version,
    createdAt: evaluation.createdAt.toISOString(),
    reason: evaluation.reason,
    actor: evaluation.actor,
    rubric: evaluation.rubric as unknown as Rubric,
    units: evaluation.units
      .map((u) => ({
        unitId: u.unitId,
        unitCode: u.unitCode,
        unitName: u.unitName,
        officeId: u.officeId,
        officeCode: offices.get(u.officeId)!.code,
        officePath: offices.get(u.officeId)!.path,
        scores: { completion: u.completion, timeliness: u.timeliness, quality: u.quality, satisfaction: u.satisfaction, penalty: u.penalty },
        total: u.total,
        grade: u.grade as Grade,
        rank: u.rank,
        explanation: u.inputs as unknown as UnitScore['explanation'],
      }))
      .sort((a, b) => a.rank - b.rank || a.unitCode.localeCompare(b.unitCode)),
  };
}

/** Rolls units up every office on their paths, limited to offices under `scopePath`. */
export async function officeRollups(db: Db, units: EvaluationResult['units'], scopePath: string): Promise<OfficeResult[]> {
  const byPath = new Map<string, string[]>();
  for (const u of units) byPath.set(u.officeId, u.officePath.split('/').filter(Boolean));
  const rollups = rollUp(units, (officeId) => byPath.get(officeId) ?? []);
  const offices = await db.office.findMany({ where: { code: { in: rollups.map((r) => r.officeId) } }, include: { parent: { select: { code: true } } } });
  const visible = offices.filter((o) => isUnder(o.path, scopePath));
  const rows = visible.map((o) => {
    const r = rollups.find((x) => x.officeId === o.code)!;
    return { officeCode: o.code, officeName: o.name, parentCode: o.parent?.code ?? null, units: r.units, mean: r.mean, grades: r.grades, total: r.mean };
  });
  const ranked = [...groupBy(rows, (r) => r.parentCode ?? '').values()].flatMap((siblings) => rank(siblings));
  return ranked
    .map(({ total: _total, ...r }) => r)
    .sort((a, b) => a.officeCode.localeCompare(b.officeCode));
}
