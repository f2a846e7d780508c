import { combine, DEFAULT_RUBRIC, gradeFor, rank, rollUp, scoreRound, scoreUnit } from '../../domain/scoring';
import { accepted, DUE_AT, LATE, task, unit, withRubric } from './support/scoring';

describe('scoreUnit, by hand', () => {
  test('when tasks of different template weights are accepted, then completion is the accepted share of the weight, not of the count', () => {
    const s = scoreUnit(unit([accepted('A', { weight: 30 }), task('B', { weight: 10 }), task('C', { weight: 60, status: 'returned' })]), DEFAULT_RUBRIC);
    expect(s.scores.completion).toBe(30);
    expect(s.explanation.completion).toMatchObject({ acceptedWeight: 30, totalWeight: 100, accepted: ['A'], counted: ['A', 'B', 'C'] });
  });

  test('when a task is waived, then it counts toward neither completion, timeliness nor penalty', () => {
    const s = scoreUnit(
      unit([accepted('A', { weight: 30 }), task('B', { weight: 10 }), task('W', { weight: 60, status: 'waived', highestEscalation: 'public_notice' })]),
      DEFAULT_RUBRIC,
    );
    expect(s.scores.completion).toBe(75);
    expect(s.scores.timeliness).toBe(50);
    expect(s.scores.penalty).toBe(0);
    expect(s.explanation.completion!.waived).toEqual(['W']);
  });

  test('when accepted submissions came before, exactly at and after the due instant, then only the first two count as on time, out of every counted task', () => {
    const s = scoreUnit(
      unit([
        accepted('EARLY'),
        accepted('AT', { acceptedSubmittedAt: DUE_AT }),
        accepted('LATE', { acceptedSubmittedAt: LATE }),
        task('OPEN', { status: 'submitted' }),
      ]),
      DEFAULT_RUBRIC,
    );
    expect(s.scores.timeliness).toBe(50);
    expect(s.explanation.timeliness).toEqual({ onTime: ['EARLY', 'AT'], counted: 4 });
  });

  test('when accepted tasks have review scores, then quality is their mean, ignoring tasks not accepted', () => {
    const s = scoreUnit(unit([accepted('A', { reviewScore: 90 }), accepted('B', { reviewScore: 75 }), task('C', { status: 'returned', reviewScore: 10 })]), DEFAULT_RUBRIC);
    expect(s.scores.quality).toBe(82.5);
  });

  test('when tasks reached several ladder levels, then each task costs the points of its highest level only, and the sum is capped', () => {
    const tasks = [
      task('P', { highestEscalation: 'public_notice' }),
      task('E', { highestEscalation: 'escalated' }),
      task('S', { highestEscalation: 'supervision' }),
      task('O', { highestEscalation: 'overdue' }),
    ];
    const s = scoreUnit(unit(tasks), DEFAULT_RUBRIC);
    expect(s.scores.penalty).toBe(8);
    expect(s.explanation.penalty.items).toEqual([
      { code: 'P', level: 'public_notice', points: 5 },
      { code: 'E', level: 'escalated', points: 2 },
      { code: 'S', level: 'supervision', points: 1 },
    ]);
    const capped = scoreUnit(unit(tasks), withRubric({ penalties: { ...DEFAULT_RUBRIC.penalties, cap: 6 } }));
    expect(capped.scores.penalty).toBe(6);
    expect(capped.explanation.penalty).toMatchObject({ uncapped: 8, cap: 6 });
  });

  test('when a unit has every component, then the total is the weighted sum less the penalty', () => {
    // completion 50, timeliness 50, quality 80, satisfaction 70: 0.4*50 + 0.2*50 + 0.2*80 + 0.2*70 = 60, less 5
    const s = scoreUnit(unit([accepted('A'), task('B', { highestEscalation: 'public_notice' })], 70), DEFAULT_RUBRIC);
    expect(s.scores).toEqual({ completion: 50, timeliness: 50, quality: 80, satisfaction: 70, penalty: 5 });
    expect(s.explanation.weightedSum).toBe(60);
    expect(s.total).toBe(55);
    expect(s.grade).toBe('fail');
  });

  test('when there are no observer responses, then satisfaction\'s weight is shared among the others in proportion', () => {
    // (40*100 + 20*100 + 20*70) / 80 = 92.5
    const s = scoreUnit(unit([accepted('A', { reviewScore: 70 })]), DEFAULT_RUBRIC);
    expect(s.scores.satisfaction).toBeNull();
    expect(s.total).toBe(92.5);
    expect(s.explanation.effectiveWeights).toEqual({ completion: 50, timeliness: 25, quality: 25, satisfaction: 0 });
    expect(s.grade).toBe('excellent');
  });

  test('when a unit has tasks but nothing accepted, then completion is 0 and the grade is fail even if observers\' praise alone would give excellent', () => {
    const s = scoreUnit(unit([task('A'), task('B', { status: 'submitted' })], 100), withRubric({ weights: { completion: 10, timeliness: 0, quality: 0, satisfaction: 90 } }));
    expect(s.scores.completion).toBe(0);
    expect(s.total).toBe(90);
    expect(s.grade).toBe('fail');
  });

  test('when every task is waived, then completion and timeliness have no data and the unit is graded on what remains', () => {
    const s = scoreUnit(unit([task('W', { status: 'waived' })], 85), DEFAULT_RUBRIC);
    expect(s.scores).toMatchObject({ completion: null, timeliness: null, quality: null, satisfaction: 85 });
    expect(s.total).toBe(85);
    expect(s.grade).toBe('good');
  });
});

describe('combine, gradeFor, rank and rollUp, by hand', () => {
  test('when completion and quality are the only components with data, then the total is their weighted mean', () => {
    const r = combine({ completion: 80, timeliness: null, quality: 60, satisfaction: null }, 0, DEFAULT_RUBRIC.weights);
    expect(r.total).toBe(73.33);
    expect(r.effectiveWeights).toEqual({ completion: 66.67, timeliness: 0, quality: 33.33, satisfaction: 0 });
  });

  test('when a total sits on or just under a band boundary, then it gets the band it reaches', () => {
    const grades = [100, 90, 89.99, 80, 79.99, 60, 59.99, 0].map((t) => gradeFor(t, DEFAULT_RUBRIC));
    expect(grades).toEqual(['excellent', 'excellent', 'good', 'good', 'pass', 'pass', 'fail', 'fail']);
  });

  test('when two units tie for first, then both rank 1 and the next ranks 3', () => {
    expect(rank([{ id: 'c', total: 70 }, { id: 'a', total: 88 }, { id: 'b', total: 88 }, { id: 'd', total: 70 }, { id: 'e', total: 10 }]).map((r) => [r.total, r.rank])).toEqual([
      [88, 1],
      [88, 1],
      [70, 3],
      [70, 3],
      [10, 5],
    ]);
  });

  test('when a round is scored, then the units come back ranked by total', () => {
    const ranked = scoreRound([{ ...unit([task('A')]), unitId: 'low' }, { ...unit([accepted('A')]), unitId: 'high' }], DEFAULT_RUBRIC);
    expect(ranked.map((u) => [u.unitId, u.rank])).toEqual([
      ['high', 1],
      ['low', 2],
    ]);
  });

  test('when units in two cities are rolled up, then each city and the province get their counts, means and grade counts', () => {
    const ancestors = (id: string) => (id === 'P' ? ['P'] : [id, 'P']);
    const rollups = rollUp(
      [
        { officeId: 'C1', total: 95, grade: 'excellent' },
        { officeId: 'C1', total: 70, grade: 'pass' },
        { officeId: 'C2', total: 50, grade: 'fail' },
      ],
      ancestors,
    );
    expect(rollups.sort((a, b) => a.officeId.localeCompare(b.officeId))).toEqual([
      { officeId: 'C1', units: 2, mean: 82.5, grades: { excellent: 1, good: 0, pass: 1, fail: 0 } },
      { officeId: 'C2', units: 1, mean: 50, grades: { excellent: 0, good: 0, pass: 0, fail: 1 } },
      { officeId: 'P', units: 3, mean: 71.67, grades: { excellent: 1, good: 0, pass: 1, fail: 1 } },
    ]);
  });
});
