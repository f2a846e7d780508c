import fc from 'fast-check';
import { DEFAULT_BOARD_RULE, LIGHTS, boardLight, elapsedShare, expectedDone, lightRank, replaceChanged, worseWithinLight, worstFirst, type UnitProgress } from '../../domain/board';
import { ESCALATION_LEVELS } from '../../domain/vocabulary';

const DAY = 86_400_000;
const SOON = 10 * DAY;
const progress = (p: Partial<UnitProgress>): UnitProgress => ({ tasks: 10, submitted: 0, accepted: 0, returned: 0, overdue: 0, waived: 0, nextDueAt: null, ...p });

describe('the board light of one unit', () => {
  const at = (elapsed: number) => ({ elapsedShare: elapsed, dueSoonBy: SOON });
  it.each([
    ['a task is overdue, whatever else', progress({ overdue: 1, returned: 2, accepted: 9, nextDueAt: 0 }), at(0.1), 'red'],
    ['a task was returned for rework', progress({ returned: 1, accepted: 9 }), at(0), 'yellow'],
    ['half the time is gone and 4 of 10 are done', progress({ accepted: 4, nextDueAt: 100 * DAY }), at(0.5), 'yellow'],
    ['half the time is gone and 5 of 10 are done', progress({ accepted: 3, submitted: 1, waived: 1, nextDueAt: 100 * DAY }), at(0.5), 'green'],
    ['the round has just begun and nothing is done', progress({ nextDueAt: 100 * DAY }), at(0.01), 'green'],
    ['a task is due exactly when "soon" ends', progress({ nextDueAt: SOON }), at(0), 'blue'],
    ['a task is due just after "soon" ends', progress({ nextDueAt: SOON + 1 }), at(0), 'green'],
    ['behind schedule and a task due soon', progress({ nextDueAt: DAY }), at(0.5), 'yellow'],
    ['every task is done at the close', progress({ accepted: 10 }), at(1), 'green'],
    ['a unit with no tasks yet', progress({ tasks: 0 }), at(0.9), 'green'],
  ])('when %s, then it is %s', (_what, p, moment, light) => {
    expect(boardLight(p, moment)).toBe(light);
  });

  it('when the round asks for half the pace, then 2 of 10 done at half time is on track', () => {
    expect(boardLight(progress({ accepted: 1 }), at(0.5), { ...DEFAULT_BOARD_RULE, pace: 0.5 })).toBe('yellow');
    expect(boardLight(progress({ accepted: 2 }), at(0.5), { ...DEFAULT_BOARD_RULE, pace: 0.5 })).toBe('green');
  });

  const arbitraryProgress = fc
    .record({ tasks: fc.integer({ min: 0, max: 40 }), split: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }), nextDueAt: fc.option(fc.integer({ min: 0, max: 30 * DAY })) })
    .map(({ tasks, split, nextDueAt }) => {
      let left = tasks;
      const take = (n: number) => { const k = Math.min(n, left); left -= k; return k; };
      const [submitted, accepted, returned, overdue, waived] = split.map(take);
      return { tasks, submitted, accepted, returned, overdue, waived, nextDueAt };
    });

  it('when a unit gets one more task done (nothing else changes), then its light never gets worse', () => {
    fc.assert(
      fc.property(arbitraryProgress, fc.double({ min: 0, max: 1, noNaN: true }), (p, elapsed) => {
        fc.pre(p.tasks > p.submitted + p.accepted + p.returned + p.overdue + p.waived);
        const moment = { elapsedShare: elapsed, dueSoonBy: SOON };
        expect(lightRank(boardLight({ ...p, accepted: p.accepted + 1 }, moment))).toBeGreaterThanOrEqual(lightRank(boardLight(p, moment)));
      }),
    );
  });

  it('when time passes, then a unit\'s light never gets better', () => {
    fc.assert(
      fc.property(arbitraryProgress, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (p, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(lightRank(boardLight(p, { elapsedShare: late, dueSoonBy: SOON }))).toBeLessThanOrEqual(lightRank(boardLight(p, { elapsedShare: early, dueSoonBy: SOON })));
      }),
    );
  });

  it('when units are sorted worst first, then every red comes before every yellow, blue and green', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ light: fc.constantFrom(...LIGHTS), overdue: fc.nat(5), returned: fc.nat(5), escalationLevel: fc.constant(null), unitCode: fc.string() })), (rows) => {
        const sorted = [...rows].sort(worstFirst);
        for (let i = 1; i < sorted.length; i++) expect(lightRank(sorted[i - 1].light)).toBeLessThanOrEqual(lightRank(sorted[i].light));
      }),
    );
  });
});

describe('kept board counts with the units that changed put in their places', () => {
  const counts = fc.record({ overdue: fc.nat(3), returned: fc.nat(3), escalationLevel: fc.constantFrom(null, ...ESCALATION_LEVELS) });
  // Codes unique but not in the order of the ids, as a real round's are.
  const units = (all: Array<{ overdue: number; returned: number; escalationLevel: (typeof ESCALATION_LEVELS)[number] | null }>) =>
    all.map((c, i) => ({ ...c, unitId: `id-${i}`, unitCode: `U${(i * 7_919) % 1_000}` }));

  it('when some units\' counts changed, then the rows are in the order sorting them all would give, and the kept rows are left as they were', () => {
    fc.assert(
      fc.property(fc.array(counts, { minLength: 1, maxLength: 80 }), fc.array(fc.tuple(fc.nat(), counts), { maxLength: 20 }), (all, changes) => {
        const rows = units(all).sort(worseWithinLight);
        const before = [...rows];
        const changedById = new Map(changes.map(([at, c]) => {
          const unit = rows[at % rows.length];
          return [unit.unitId, { ...unit, ...c }];
        }));
        const merged = replaceChanged(rows, [...changedById.values()]);
        expect(merged).toEqual(rows.map((r) => changedById.get(r.unitId) ?? r).sort(worseWithinLight));
        expect(rows).toEqual(before);
      }),
    );
  });

  it('when no unit changed, then the kept rows themselves are answered', () => {
    const rows = units([{ overdue: 1, returned: 0, escalationLevel: 'reminder' }, { overdue: 0, returned: 0, escalationLevel: null }]);
    expect(replaceChanged(rows, [])).toBe(rows);
  });
});

describe('the share of a round elapsed', () => {
  it('when a round is a third of the way through, then a third has elapsed and 3 of 10 tasks are expected', () => {
    const share = elapsedShare(0, 30 * DAY, 10 * DAY);
    expect(share).toBeCloseTo(1 / 3);
    expect(expectedDone(10, share, 1)).toBe(3);
  });
  it('when the close has passed, then the whole round has elapsed', () => {
    expect(elapsedShare(0, DAY, 5 * DAY)).toBe(1);
    expect(elapsedShare(DAY, DAY, 0)).toBe(1);
  });
});
