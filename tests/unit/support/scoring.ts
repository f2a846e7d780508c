import fc from 'fast-check';
import { COMPONENTS, DEFAULT_RUBRIC, type Component, type Rubric, type ScoredTask, type UnitInput } from '../../../domain/scoring';
import { ESCALATION_LEVELS, TASK_STATUSES } from '../../../domain/vocabulary';

export const DUE_AT = '2026-06-30T16:00:00.000Z';
export const ON_TIME = '2026-06-30T15:59:59.000Z';
export const LATE = '2026-07-01T01:00:00.000Z';

export function task(code: string, overrides: Partial<ScoredTask> = {}): ScoredTask {
  return { taskId: `id-${code}`, code, weight: 10, status: 'issued', dueAt: DUE_AT, acceptedSubmittedAt: null, reviewScore: null, highestEscalation: null, ...overrides };
}

export function accepted(code: string, overrides: Partial<ScoredTask> = {}): ScoredTask {
  return task(code, { status: 'accepted', acceptedSubmittedAt: ON_TIME, reviewScore: 80, ...overrides });
}

export function unit(tasks: ScoredTask[], satisfaction: number | null = null, officeId = 'office'): UnitInput {
  return {
    unitId: 'u',
    unitCode: 'U',
    unitName: 'unit',
    officeId,
    tasks,
    satisfaction: satisfaction === null ? null : { index: satisfaction, responses: 5, observers: 5, windows: 1 },
  };
}

export const withRubric = (overrides: Partial<Rubric>): Rubric => ({ ...DEFAULT_RUBRIC, ...overrides });

/** Four non-negative whole weights summing to 100, one per component. */
export const weightsArb: fc.Arbitrary<Record<Component, number>> = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 })
  .map((cuts) => {
    const [a, b, c] = [...cuts].sort((x, y) => x - y);
    return { completion: a, timeliness: b - a, quality: c - b, satisfaction: 100 - c };
  });

const score = fc.double({ min: 0, max: 100, noNaN: true });
export const componentsArb: fc.Arbitrary<Record<Component, number | null>> = fc.record(
  Object.fromEntries(COMPONENTS.map((c) => [c, fc.option(score, { nil: null })])) as Record<Component, fc.Arbitrary<number | null>>,
);
export const penaltyArb = fc.double({ min: 0, max: 100, noNaN: true });

export const rubricArb: fc.Arbitrary<Rubric> = fc.record({
  weights: weightsArb,
  grades: fc.constant(DEFAULT_RUBRIC.grades),
  penalties: fc.record({
    reminder: penaltyArb,
    overdue: penaltyArb,
    supervision: penaltyArb,
    escalated: penaltyArb,
    public_notice: penaltyArb,
    cap: penaltyArb,
  }),
});

const taskArb = fc
  .record({
    weight: fc.integer({ min: 1, max: 100 }),
    status: fc.constantFrom(...TASK_STATUSES),
    late: fc.boolean(),
    reviewScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    highestEscalation: fc.option(fc.constantFrom(...ESCALATION_LEVELS), { nil: null }),
  })
  .map(({ late, ...t }) => ({ ...t, acceptedSubmittedAt: t.status === 'accepted' ? (late ? LATE : ON_TIME) : null }));

/** Any mix of tasks, with codes T0, T1, ... */
export const tasksArb: fc.Arbitrary<ScoredTask[]> = fc
  .array(taskArb, { maxLength: 12 })
  .map((ts) => ts.map((t, i) => task(`T${i}`, t)));

export const unitArb: fc.Arbitrary<UnitInput> = fc
  .record({ tasks: tasksArb, satisfaction: fc.option(score, { nil: null }) })
  .map(({ tasks, satisfaction }) => unit(tasks, satisfaction));

/** Replaces the task at `i` (modulo the list length) with a changed copy. */
export function changeTask(input: UnitInput, i: number, change: (t: ScoredTask) => ScoredTask): UnitInput {
  const at = i % input.tasks.length;
  return { ...input, tasks: input.tasks.map((t, j) => (j === at ? change(t) : t)) };
}

/** `actual` is `exact` rounded to cents, give or take `slack` (several rounded parts add up their roundings). */
export function expectCents(actual: number, exact: number, slack = 0.005) {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(slack + 1e-9);
}
