import { groupBy } from '../domain/collections';
import { contradictions, dimensionMeans, DEFAULT_CONTRADICTION_RULE, type ContradictionFlag, type Question } from '../domain/questionnaire';
import { observersPerDimension, pooledSatisfaction, type PooledSatisfaction, type ScoredResponse } from '../domain/confidentiality';
import type { Dimension } from '../domain/vocabulary';
import type { Db } from '../src/db';
import type { RoundSpec } from './roundSpec';

export interface UnitAggregate {
  unitId: string;
  unitCode: string;
  unitName: string;
  observers: number;
  responses: number;
  responseRate: number;
  means: Partial<Record<Dimension, number>>;
  satisfactionIndex: number | null;
  /** Distinct observers who scored each dimension: what the confidentiality rule counts. */
  observersPerDimension: Partial<Record<Dimension, number>>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Per-unit aggregates of one window over the given units: never an individual answer. */
export async function windowAggregates(db: Db, windowId: string, unitIds: string[]): Promise<UnitAggregate[]> {
  const window = await db.questionnaireWindow.findUniqueOrThrow({ where: { id: windowId }, include: { template: true } });
  const questions = window.template.questions as unknown as Question[];
  const [units, observerCounts, responses] = await Promise.all([
    db.unit.findMany({ where: { id: { in: unitIds } }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } }),
    db.observer.groupBy({ by: ['unitId'], where: { unitId: { in: unitIds } }, _count: { _all: true } }),
    db.questionnaireResponse.findMany({ where: { windowId, unitId: { in: unitIds } }, select: { unitId: true, observerId: true, answers: true } }),
  ]);
  const byUnit = groupBy(responses, (r) => r.unitId);
  return units.map((u) => {
    const rows = byUnit.get(u.id) ?? [];
    const observers = observerCounts.find((c) => c.unitId === u.id)?._count._all ?? 0;
    const means = dimensionMeans(questions, rows.map((r) => r.answers as Record<string, unknown>));
    const scored = rows.map((r) => ({ observerId: r.observerId, windowId, scores: dimensionMeans(questions, [r.answers as Record<string, unknown>]) }));
    return {
      unitId: u.id,
      unitCode: u.code,
      unitName: u.name,
      observers,
      // One response per observer per window, so responses are distinct observers.
      responses: rows.length,
      responseRate: observers === 0 ? 0 : round2((100 * rows.length) / observers),
      means,
      satisfactionIndex: means.satisfaction ?? null,
      observersPerDimension: observersPerDimension(scored),
    };
  });
}

/**
 * Every response of a round as one score per dimension, grouped by unit. Windows may use
 * different template versions, so each answer set is read with its own questions.
 */
async function roundResponses(db: Db, roundId: string): Promise<Map<string, ScoredResponse[]>> {
  const windows = await db.questionnaireWindow.findMany({ where: { roundId }, select: { id: true, template: { select: { questions: true } } } });
  if (windows.length === 0) return new Map();
  const questionsOf = new Map(windows.map((w) => [w.id, w.template.questions as unknown as Question[]]));
  const responses = await db.questionnaireResponse.findMany({ where: { windowId: { in: [...questionsOf.keys()] } }, select: { windowId: true, observerId: true, unitId: true, answers: true } });
  const scored = responses.map((r) => ({ unitId: r.unitId, observerId: r.observerId, windowId: r.windowId, scores: dimensionMeans(questionsOf.get(r.windowId)!, [r.answers as Record<string, unknown>]) }));
  return groupBy(scored, (r) => r.unitId);
}

/** Each unit's dimension means pooled over every window of a round, with the number of responses. */
export async function roundObserverMeans(db: Db, roundId: string): Promise<Map<string, { means: Partial<Record<Dimension, number>>; responses: number; windows: number }>> {
  const result = new Map<string, { means: Partial<Record<Dimension, number>>; responses: number; windows: number }>();
  for (const [unitId, rows] of await roundResponses(db, roundId)) {
    const sums = new Map<Dimension, { sum: number; n: number }>();
    for (const r of rows) {
      for (const [d, v] of Object.entries(r.scores)) {
        const s = sums.get(d as Dimension) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n += 1;
        sums.set(d as Dimension, s);
      }
    }
    const means = Object.fromEntries([...sums].map(([d, s]) => [d, round2(s.sum / s.n)]));
    result.set(unitId, { means, responses: rows.length, windows: new Set(rows.map((r) => r.windowId)).size });
  }
  return result;
}

/**
 * Observers' satisfaction per unit for scoring, pooled over the round's windows by the
 * confidentiality rule (`pooledSatisfaction`): a unit with fewer than `threshold` distinct
 * observers behind it has no satisfaction score, so its evaluation never carries what one or
 * two people said.
 */
export async function satisfactionByUnit(db: Db, roundId: string, threshold: number): Promise<Map<string, PooledSatisfaction>> {
  const result = new Map<string, PooledSatisfaction>();
  for (const [unitId, rows] of await roundResponses(db, roundId)) {
    const pooled = pooledSatisfaction(rows, threshold);
    if (pooled) result.set(unitId, pooled);
  }
  return result;
}

/** Contradiction flags of a round's units, for offices only. */
export async function roundContradictions(db: Db, roundId: string, unitIds: string[]): Promise<Array<{ unitCode: string; unitName: string; flags: ContradictionFlag[] }>> {
  const round = await db.round.findUniqueOrThrow({ where: { id: roundId }, select: { spec: true } });
  const rule = (round.spec as unknown as RoundSpec).questionnaire?.contradiction ?? DEFAULT_CONTRADICTION_RULE;
  const [observed, accepted, units] = await Promise.all([
    roundObserverMeans(db, roundId),
    db.task.findMany({ where: { roundId, status: 'accepted', unitId: { in: unitIds } }, select: { unitId: true, category: true, code: true } }),
    db.unit.findMany({ where: { id: { in: unitIds } }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } }),
  ]);
  const acceptedByUnit = groupBy(accepted, (t) => t.unitId);
  return units
    .map((u) => {
      const obs = observed.get(u.id);
      const byCategory = new Map([...groupBy(acceptedByUnit.get(u.id) ?? [], (t) => t.category)].map(([c, ts]) => [c, ts.map((t) => t.code)]));
      return { unitCode: u.code, unitName: u.name, flags: obs ? contradictions(byCategory, obs.means, obs.responses, rule) : [] };
    })
    .filter((u) => u.flags.length > 0);
}
