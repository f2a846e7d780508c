import type { PooledSatisfaction } from './confidentiality';
import { ESCALATION_LEVELS, type EscalationLevel, type Grade, type TaskStatus } from './vocabulary';

export const COMPONENTS = ['completion', 'timeliness', 'quality', 'satisfaction'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Rubric {
  /** Component weights; they sum to 100. */
  weights: Record<Component, number>;
  /** Lowest total for each grade above fail. */
  grades: { excellent: number; good: number; pass: number };
  /** Points deducted per task for the highest ladder level it reached, and the cap per unit. */
  penalties: Record<EscalationLevel, number> & { cap: number };
}

export const DEFAULT_RUBRIC: Rubric = {
  weights: { completion: 40, timeliness: 20, quality: 20, satisfaction: 20 },
  grades: { excellent: 90, good: 80, pass: 60 },
  penalties: { reminder: 0, overdue: 0, supervision: 1, escalated: 2, public_notice: 5, cap: 20 },
};

export interface ScoredTask {
  taskId: string;
  code: string;
  weight: number;
  status: TaskStatus;
  dueAt: string;
  /** When the submission that was finally accepted came in. */
  acceptedSubmittedAt: string | null;
  reviewScore: number | null;
  highestEscalation: EscalationLevel | null;
}

export interface UnitInput {
  unitId: string;
  unitCode: string;
  unitName: string;
  officeId: string;
  tasks: ScoredTask[];
  /** Observers' satisfaction index (0-100) with what it was computed from, or null when none may count. */
  satisfaction: PooledSatisfaction | null;
}

export interface Explanation {
  completion: { acceptedWeight: number; totalWeight: number; accepted: string[]; counted: string[]; waived: string[] } | null;
  timeliness: { onTime: string[]; counted: number } | null;
  quality: { scores: Array<{ code: string; score: number }> } | null;
  satisfaction: UnitInput['satisfaction'];
  penalty: { items: Array<{ code: string; level: EscalationLevel; points: number }>; uncapped: number; cap: number };
  weights: Record<Component, number>;
  /** Weights after components without data handed theirs to the others. */
  effectiveWeights: Record<Component, number>;
  weightedSum: number;
}

export interface UnitScore {
  unitId: string;
  unitCode: string;
  unitName: string;
  officeId: string;
  scores: { completion: number | null; timeliness: number | null; quality: number | null; satisfaction: number | null; penalty: number };
  total: number;
  grade: Grade;
  rank: number;
  explanation: Explanation;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function gradeFor(total: number, rubric: Rubric): Grade {
  if (total >= rubric.grades.excellent) return 'excellent';
  if (total >= rubric.grades.good) return 'good';
  if (total >= rubric.grades.pass) return 'pass';
  return 'fail';
}

/**
 * Combines component scores (each 0-100, null when there is no data) into a total.
 * A component without data hands its weight to the others in proportion to theirs.
 */
export function combine(
  components: Record<Component, number | null>,
  penalty: number,
  weights: Record<Component, number>,
): { total: number; effectiveWeights: Record<Component, number>; weightedSum: number } {
  const present = COMPONENTS.filter((c) => components[c] !== null && weights[c] > 0);
  const presentWeight = present.reduce((s, c) => s + weights[c], 0);
  const effectiveWeights = Object.fromEntries(
    COMPONENTS.map((c) => [c, present.includes(c) && presentWeight > 0 ? round2((weights[c] * 100) / presentWeight) : 0]),
  ) as Record<Component, number>;
  const weightedSum = presentWeight === 0 ? 0 : present.reduce((s, c) => s + (components[c] as number) * weights[c], 0) / presentWeight;
  return { total: round2(clamp(weightedSum - penalty, 0, 100)), effectiveWeights, weightedSum: round2(weightedSum) };
}

export function scoreUnit(input: UnitInput, rubric: Rubric): Omit<UnitScore, 'rank'> {
  const counted = input.tasks.filter((t) => t.status !== 'waived');
  const accepted = counted.filter((t) => t.status === 'accepted');
  const totalWeight = counted.reduce((s, t) => s + t.weight, 0);
  const acceptedWeight = accepted.reduce((s, t) => s + t.weight, 0);
  const onTime = accepted.filter((t) => t.acceptedSubmittedAt !== null && Date.parse(t.acceptedSubmittedAt) <= Date.parse(t.dueAt));
  const scored = accepted.filter((t) => t.reviewScore !== null);

  const completion = totalWeight > 0 ? round2((100 * acceptedWeight) / totalWeight) : null;
  const timeliness = counted.length > 0 ? round2((100 * onTime.length) / counted.length) : null;
  const quality = scored.length > 0 ? round2(scored.reduce((s, t) => s + (t.reviewScore as number), 0) / scored.length) : null;
  const satisfaction = input.satisfaction ? round2(clamp(input.satisfaction.index, 0, 100)) : null;

  const penaltyItems = input.tasks
    .filter((t) => t.highestEscalation !== null && t.status !== 'waived')
    .map((t) => ({ code: t.code, level: t.highestEscalation as EscalationLevel, points: rubric.penalties[t.highestEscalation as EscalationLevel] }))
    .filter((p) => p.points > 0);
  const uncapped = penaltyItems.reduce((s, p) => s + p.points, 0);
  const penalty = Math.min(uncapped, rubric.penalties.cap);

  const components = { completion, timeliness, quality, satisfaction };
  const { total, effectiveWeights, weightedSum } = combine(components, penalty, rubric.weights);
  // Nothing accepted is a fail whatever else the unit has, e.g. observers' praise.
  const grade = accepted.length === 0 && counted.length > 0 ? 'fail' : gradeFor(total, rubric);

  return {
    unitId: input.unitId,
    unitCode: input.unitCode,
    unitName: input.unitName,
    officeId: input.officeId,
    scores: { completion, timeliness, quality, satisfaction, penalty },
    total,
    grade,
    explanation: {
      completion:
        totalWeight > 0
          ? { acceptedWeight, totalWeight, accepted: accepted.map((t) => t.code), counted: counted.map((t) => t.code), waived: input.tasks.filter((t) => t.status === 'waived').map((t) => t.code) }
          : null,
      timeliness: counted.length > 0 ? { onTime: onTime.map((t) => t.code), counted: counted.length } : null,
      quality: scored.length > 0 ? { scores: scored.map((t) => ({ code: t.code, score: t.reviewScore as number })) } : null,
      satisfaction: input.satisfaction,
      penalty: { items: penaltyItems, uncapped, cap: rubric.penalties.cap },
      weights: rubric.weights,
      effectiveWeights,
      weightedSum,
    },
  };
}

/** Standard competition ranking: equal totals share a rank, and the next rank skips ("1, 1, 3"). */
export function rank<T extends { total: number }>(items: T[]): Array<T & { rank: number }> {
  const sorted = [...items].sort((a, b) => b.total - a.total);
  let lastTotal = Number.NaN;
  let lastRank = 0;
  return sorted.map((item, i) => {
    if (item.total !== lastTotal) {
      lastRank = i + 1;
      lastTotal = item.total;
    }
    return { ...item, rank: lastRank };
  });
}

export function scoreRound(units: UnitInput[], rubric: Rubric): UnitScore[] {
  return rank(units.map((u) => scoreUnit(u, rubric)));
}

export interface OfficeRollup {
  officeId: string;
  units: number;
  mean: number;
  grades: Record<Grade, number>;
}

/**
 * Rolls unit results up an office tree: each office counts every unit in its subtree.
 * `ancestors` maps an office id to itself and every office above it.
 */
export function rollUp(scores: Array<Pick<UnitScore, 'officeId' | 'total' | 'grade'>>, ancestors: (officeId: string) => string[]): OfficeRollup[] {
  const acc = new Map<string, { n: number; sum: number; grades: Record<Grade, number> }>();
  for (const s of scores) {
    for (const officeId of ancestors(s.officeId)) {
      const a = acc.get(officeId) ?? { n: 0, sum: 0, grades: { excellent: 0, good: 0, pass: 0, fail: 0 } };
      a.n += 1;
      a.sum += s.total;
      a.grades[s.grade] += 1;
      acc.set(officeId, a);
    }
  }
  return [...acc.entries()].map(([officeId, a]) => ({ officeId, units: a.n, mean: round2(a.sum / a.n), grades: a.grades }));
}

export function isLevel(x: string): x is EscalationLevel {
  return (ESCALATION_LEVELS as readonly string[]).includes(x);
}
