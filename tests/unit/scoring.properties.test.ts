import fc from 'fast-check';
import { combine, COMPONENTS, DEFAULT_RUBRIC, gradeFor, rank, rollUp, scoreUnit } from '../../domain/scoring';
import { ESCALATION_LEVELS, GRADES, type Grade } from '../../domain/vocabulary';
import { changeTask, componentsArb, expectCents, LATE, ON_TIME, penaltyArb, rubricArb, unitArb, weightsArb } from './support/scoring';

const componentArb = fc.constantFrom(...COMPONENTS);
const raiseArb = fc.double({ min: 0, max: 100, noNaN: true });
const indexArb = fc.nat({ max: 50 });

describe('scoring totals', () => {
  test('when any unit is scored under any rubric with weights summing to 100, then its total stays within 0-100 and its penalty within 0 and the cap', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, (input, rubric) => {
        const s = scoreUnit(input, rubric);
        expect(s.total).toBeGreaterThanOrEqual(0);
        expect(s.total).toBeLessThanOrEqual(100);
        expect(s.scores.penalty).toBeGreaterThanOrEqual(0);
        expect(s.scores.penalty).toBeLessThanOrEqual(rubric.penalties.cap);
        for (const c of COMPONENTS) {
          const v = s.scores[c];
          if (v !== null) expect(v >= 0 && v <= 100).toBe(true);
        }
      }),
    );
  });

  test('when any components and penalty are combined, then the total stays within 0-100', () => {
    fc.assert(
      fc.property(componentsArb, penaltyArb, weightsArb, (components, penalty, weights) => {
        const { total } = combine(components, penalty, weights);
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('scoring is monotonic', () => {
  test('when one component rises and the others stay fixed, then the combined total never falls', () => {
    fc.assert(
      fc.property(componentsArb, componentArb, fc.double({ min: 0, max: 100, noNaN: true }), raiseArb, penaltyArb, weightsArb, (components, c, from, by, penalty, weights) => {
        const before = combine({ ...components, [c]: from }, penalty, weights);
        const after = combine({ ...components, [c]: Math.min(100, from + by) }, penalty, weights);
        expect(after.total).toBeGreaterThanOrEqual(before.total);
        expect(after.weightedSum).toBeGreaterThanOrEqual(before.weightedSum);
      }),
    );
  });

  test('when a task still open is turned accepted (nothing else changed), then completion rises and the total never falls', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, indexArb, fc.boolean(), (input, rubric, i, late) => {
        const open = input.tasks.map((t, j) => j).filter((j) => !['accepted', 'waived'].includes(input.tasks[j].status));
        fc.pre(open.length > 0);
        // No review score, so quality stays as it was; only completion (and perhaps timeliness) move.
        const after = changeTask(input, open[i % open.length], (t) => ({ ...t, status: 'accepted', acceptedSubmittedAt: late ? LATE : ON_TIME, reviewScore: null }));
        const [b, a] = [scoreUnit(input, rubric), scoreUnit(after, rubric)];
        expect(a.scores.completion!).toBeGreaterThan(b.scores.completion!);
        expect(a.total).toBeGreaterThanOrEqual(b.total);
      }),
    );
  });

  test('when a late accepted task is turned on time, then timeliness rises and the total never falls', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, indexArb, (input, rubric, i) => {
        const late = input.tasks.map((t, j) => j).filter((j) => input.tasks[j].status === 'accepted' && input.tasks[j].acceptedSubmittedAt === LATE);
        fc.pre(late.length > 0);
        const after = changeTask(input, late[i % late.length], (t) => ({ ...t, acceptedSubmittedAt: ON_TIME }));
        const [b, a] = [scoreUnit(input, rubric), scoreUnit(after, rubric)];
        expect(a.scores.timeliness!).toBeGreaterThan(b.scores.timeliness!);
        expect(a.total).toBeGreaterThanOrEqual(b.total);
      }),
    );
  });

  test('when an accepted task gets a higher review score, then quality never falls and the total never falls', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, indexArb, fc.nat({ max: 100 }), (input, rubric, i, by) => {
        const reviewed = input.tasks.map((t, j) => j).filter((j) => input.tasks[j].status === 'accepted' && input.tasks[j].reviewScore !== null);
        fc.pre(reviewed.length > 0);
        const after = changeTask(input, reviewed[i % reviewed.length], (t) => ({ ...t, reviewScore: Math.min(100, t.reviewScore! + by) }));
        const [b, a] = [scoreUnit(input, rubric), scoreUnit(after, rubric)];
        expect(a.scores.quality!).toBeGreaterThanOrEqual(b.scores.quality!);
        expect(a.total).toBeGreaterThanOrEqual(b.total);
      }),
    );
  });

  test('when observers are more satisfied, then the total never falls', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, raiseArb, (input, rubric, by) => {
        fc.pre(input.satisfaction !== null);
        const after = { ...input, satisfaction: { ...input.satisfaction!, index: Math.min(100, input.satisfaction!.index + by) } };
        expect(scoreUnit(after, rubric).total).toBeGreaterThanOrEqual(scoreUnit(input, rubric).total);
      }),
    );
  });
});

describe('penalties', () => {
  test('when the penalty passed to combine grows, then the total never rises', () => {
    fc.assert(
      fc.property(componentsArb, penaltyArb, penaltyArb, weightsArb, (components, p, q, weights) => {
        const [low, high] = p <= q ? [p, q] : [q, p];
        expect(combine(components, high, weights).total).toBeLessThanOrEqual(combine(components, low, weights).total);
      }),
    );
  });

  test('when a task gains an escalation or the rubric has any penalties at all, then the total never rises', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, indexArb, fc.constantFrom(...ESCALATION_LEVELS), (input, rubric, i, level) => {
        const noPenalties = { ...rubric, penalties: { reminder: 0, overdue: 0, supervision: 0, escalated: 0, public_notice: 0, cap: 0 } };
        expect(scoreUnit(input, rubric).total).toBeLessThanOrEqual(scoreUnit(input, noPenalties).total);
        fc.pre(input.tasks.length > 0 && input.tasks[i % input.tasks.length].highestEscalation === null);
        const escalated = changeTask(input, i, (t) => ({ ...t, highestEscalation: level }));
        expect(scoreUnit(escalated, rubric).total).toBeLessThanOrEqual(scoreUnit(input, rubric).total);
      }),
    );
  });
});

describe('components without data', () => {
  test('when some components have no data, then their weight goes to the others in proportion: effective weights sum to 100 and equal the weights scaled', () => {
    fc.assert(
      fc.property(componentsArb, weightsArb, (components, weights) => {
        const present = COMPONENTS.filter((c) => components[c] !== null && weights[c] > 0);
        const presentWeight = present.reduce((s, c) => s + weights[c], 0);
        const { effectiveWeights, total } = combine(components, 0, weights);
        if (presentWeight === 0) {
          expect(Object.values(effectiveWeights)).toEqual([0, 0, 0, 0]);
          expect(total).toBe(0);
          return;
        }
        const sum = COMPONENTS.reduce((s, c) => s + effectiveWeights[c], 0);
        // Each effective weight is rounded to cents, so four of them may miss 100 by a cent or two.
        expectCents(sum, 100, 0.02);
        for (const c of COMPONENTS) {
          const expected = present.includes(c) ? (weights[c] * 100) / presentWeight : 0;
          expectCents(effectiveWeights[c], expected);
        }
        const mean = present.reduce((s, c) => s + components[c]! * weights[c], 0) / presentWeight;
        expectCents(total, mean);
      }),
    );
  });
});

describe('ranking', () => {
  test('when totals tie, then they share a rank and each rank is one more than the number of strictly better totals (1, 1, 3)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(50, 72.5, 80, 99.99, 100), { maxLength: 20 }), (totals) => {
        const ranked = rank(totals.map((total, id) => ({ id, total })));
        expect(ranked.map((r) => r.id).sort((a, b) => a - b)).toEqual(totals.map((_, id) => id));
        for (const r of ranked) expect(r.rank).toBe(1 + totals.filter((t) => t > r.total).length);
        for (let k = 1; k < ranked.length; k++) expect(ranked[k].total).toBeLessThanOrEqual(ranked[k - 1].total);
      }),
    );
  });
});

describe('grades', () => {
  test('when any total is graded, then it falls in the band its thresholds give', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (total) => {
        const expected: Grade = total >= 90 ? 'excellent' : total >= 80 ? 'good' : total >= 60 ? 'pass' : 'fail';
        expect(gradeFor(total, DEFAULT_RUBRIC)).toBe(expected);
      }),
    );
  });

  test('when a unit has counted tasks but none accepted, then its completion is 0 and it fails whatever its total', () => {
    fc.assert(
      fc.property(unitArb, rubricArb, (input, rubric) => {
        fc.pre(input.tasks.some((t) => t.status !== 'waived') && !input.tasks.some((t) => t.status === 'accepted'));
        const s = scoreUnit(input, rubric);
        expect(s.scores.completion).toBe(0);
        expect(s.grade).toBe('fail');
      }),
    );
  });
});

describe('roll-up over the office tree', () => {
  // province P > cities C1, C2 > counties K1, K2 (under C1) and K3 (under C2)
  const parent: Record<string, string | null> = { P: null, C1: 'P', C2: 'P', K1: 'C1', K2: 'C1', K3: 'C2' };
  const ancestors = (id: string): string[] => (parent[id] === null ? [id] : [id, ...ancestors(parent[id]!)]);
  const scoreArb = fc.record({
    officeId: fc.constantFrom(...Object.keys(parent)),
    total: fc.integer({ min: 0, max: 10_000 }).map((x) => x / 100),
    grade: fc.constantFrom(...GRADES),
  });

  test('when units are rolled up, then every office on a unit\'s path counts it, and each office\'s mean and grade counts add up', () => {
    fc.assert(
      fc.property(fc.array(scoreArb, { maxLength: 30 }), (scores) => {
        const rollups = rollUp(scores, ancestors);
        for (const office of Object.keys(parent)) {
          const mine = scores.filter((s) => ancestors(s.officeId).includes(office));
          const r = rollups.find((x) => x.officeId === office);
          if (mine.length === 0) {
            expect(r).toBeUndefined();
            continue;
          }
          expect(r!.units).toBe(mine.length);
          expect(Object.values(r!.grades).reduce((s, n) => s + n, 0)).toBe(mine.length);
          for (const g of GRADES) expect(r!.grades[g]).toBe(mine.filter((s) => s.grade === g).length);
          expectCents(r!.mean, mine.reduce((s, x) => s + x.total, 0) / mine.length);
        }
        if (scores.length > 0) expect(rollups.find((x) => x.officeId === 'P')!.units).toBe(scores.length);
      }),
    );
  });
});
