import fc from 'fast-check';
import { answerProblems, cadenceWindows, contradictions, DEFAULT_CONTRADICTION_RULE, dimensionMeans, type Question } from '../../domain/questionnaire';

const iso = (shanghai: string) => new Date(shanghai).toISOString();
const q = (id: string, kind: Question['kind'], extra: Partial<Question> = {}): Question => ({ id, text: id, kind, ...extra });

describe('answerProblems', () => {
  const questions = [
    q('likert', 'likert5', { dimension: 'hear' }),
    q('single', 'single', { options: ['yes', 'no'] }),
    q('multi', 'multi', { options: ['a', 'b', 'c'] }),
    q('number', 'number'),
    q('text', 'text'),
  ];

  test.each([
    ['likert5', 'likert', [1, 3, 5], [0, 6, 2.5, '3']],
    ['single', 'single', ['yes', 'no'], ['maybe', ['yes'], 1]],
    ['multi', 'multi', [['a'], ['c', 'a'], ['a', 'b', 'c']], [['a', 'a'], ['z'], 'a']],
    ['number', 'number', [0, -2.5, 1e6], ['3', Number.NaN, Number.POSITIVE_INFINITY]],
    ['text', 'text', ['好', 'x'.repeat(5000)], [3, 'x'.repeat(5001)]],
  ])('when a %s question gets good and bad answers, then only the bad ones are problems, named by question id', (_kind, id, good, bad) => {
    for (const v of good as unknown[]) expect(answerProblems(questions, { [id]: v })).toEqual([]);
    for (const v of bad as unknown[]) expect(answerProblems(questions, { [id]: v })).toEqual([[id, expect.any(String), expect.any(String)]]);
  });

  test('when a likert answer is out of range, then the message says what is allowed', () => {
    expect(answerProblems(questions, { likert: 6 })).toEqual([['likert', 'must be a whole number from 1 to 5', 'likert_range']]);
  });

  test('when a required question is missing, empty text or an empty list, then an answer is required; optional ones may be left out', () => {
    const required = [q('must', 'text', { required: true }), q('pick', 'multi', { options: ['a', 'b'], required: true }), q('may', 'number')];
    expect(answerProblems(required, {})).toEqual([
      ['must', 'an answer is required', 'required'],
      ['pick', 'an answer is required', 'required'],
    ]);
    expect(answerProblems(required, { must: '', pick: [] })).toEqual([
      ['must', 'an answer is required', 'required'],
      ['pick', 'an answer is required', 'required'],
    ]);
    expect(answerProblems(required, { must: 'ok', pick: ['b'] })).toEqual([]);
  });

  test('when an answer names a question not in the questionnaire, then it is a problem', () => {
    expect(answerProblems(questions, { likert: 4, ghost: 1 })).toEqual([['ghost', 'no such question in this questionnaire', 'unknown_question']]);
  });
});

describe('dimensionMeans', () => {
  test('when likert answers are 1 to 5, then they map to 0, 25, 50, 75 and 100', () => {
    const one = [q('s', 'likert5', { dimension: 'satisfaction' })];
    expect([1, 2, 3, 4, 5].map((v) => dimensionMeans(one, [{ s: v }]).satisfaction)).toEqual([0, 25, 50, 75, 100]);
  });

  test('when several observers answer, then each dimension gets the mean of its likert answers, and other kinds and unanswered questions count for nothing', () => {
    const questions = [
      q('h1', 'likert5', { dimension: 'hear' }),
      q('h2', 'likert5', { dimension: 'hear' }),
      q('s1', 'likert5', { dimension: 'satisfaction' }),
      q('n1', 'number', { dimension: 'see' }),
      q('free', 'likert5'),
    ];
    const means = dimensionMeans(questions, [
      { h1: 1, h2: 5, s1: 3, n1: 5, free: 5 },
      { h1: 5, s1: 4 },
    ]);
    expect(means).toEqual({ hear: 66.67, satisfaction: 62.5 });
  });
});

describe('contradictions', () => {
  const accepted = new Map([
    ['思想引领', ['A']],
    ['建功立业', ['B']],
    ['素质提升', []],
    ['地位提高', ['D']],
    ['队伍壮大', ['E']],
    ['未分类', ['F']],
  ]);
  // hear 40 is below 50; see sits exactly on it; measure is low but nothing in 素质提升 was accepted; check is high; satisfaction has no mean.
  const means = { hear: 40, see: 50, measure: 10, check: 80 };

  test('when enough observers rate a dimension below the threshold while tasks in its category were accepted, then that category alone is flagged', () => {
    expect(contradictions(accepted, means, 3, DEFAULT_CONTRADICTION_RULE)).toEqual([
      { category: '思想引领', dimension: 'hear', acceptedTasks: ['A'], observerMean: 40, responses: 3, threshold: 50 },
    ]);
  });

  test('when fewer responses than the minimum came in, then nothing is flagged', () => {
    expect(contradictions(accepted, means, 2, DEFAULT_CONTRADICTION_RULE)).toEqual([]);
  });

  test('when the round maps categories to other dimensions and a higher threshold, then the flags follow that rule', () => {
    const rule = { categoryDimensions: { 未分类: 'check' as const, 建功立业: 'see' as const }, threshold: 90, minResponses: 1 };
    expect(contradictions(accepted, means, 1, rule).map((f) => [f.category, f.dimension, f.observerMean])).toEqual([
      ['建功立业', 'see', 50],
      ['未分类', 'check', 80],
    ]);
  });
});

describe('cadenceWindows', () => {
  test('when weekly, then windows open every seven days from launch and the last is cut at the round\'s close', () => {
    expect(cadenceWindows(Date.parse('2026-03-02T09:00:00+08:00'), Date.parse('2026-03-25T00:00:00+08:00'), 'week', 7)).toEqual([
      { opensAt: iso('2026-03-02T09:00:00+08:00'), closesAt: iso('2026-03-09T09:00:00+08:00') },
      { opensAt: iso('2026-03-09T09:00:00+08:00'), closesAt: iso('2026-03-16T09:00:00+08:00') },
      { opensAt: iso('2026-03-16T09:00:00+08:00'), closesAt: iso('2026-03-23T09:00:00+08:00') },
      { opensAt: iso('2026-03-23T09:00:00+08:00'), closesAt: iso('2026-03-25T00:00:00+08:00') },
    ]);
  });

  test('when monthly from the 31st, then every month gets a window, on its last day when it is shorter', () => {
    const opens = cadenceWindows(Date.parse('2026-01-31T10:00:00+08:00'), Date.parse('2026-05-01T00:00:00+08:00'), 'month', 3).map((w) => w.opensAt);
    expect(opens).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'].map((d) => iso(`${d}T10:00:00+08:00`)));
  });

  test('when monthly from the early hours of the 1st in Shanghai (still the previous day in UTC), then windows open on the 1st of each month in Shanghai', () => {
    const opens = cadenceWindows(Date.parse('2026-03-01T05:00:00+08:00'), Date.parse('2026-06-01T00:00:00+08:00'), 'month', 7).map((w) => w.opensAt);
    expect(opens).toEqual(['2026-03-01', '2026-04-01', '2026-05-01'].map((d) => iso(`${d}T05:00:00+08:00`)));
  });

  test('when any cadence runs to any close, then windows start at launch, open in order, last openDays at most and never run past the close', () => {
    const start = Date.parse('2026-01-01T00:00:00+08:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 24 }), fc.integer({ min: 1, max: 800 * 24 }), fc.constantFrom('week' as const, 'month' as const), fc.integer({ min: 1, max: 31 }), (launchH, lengthH, every, openDays) => {
        const launch = start + launchH * 3600_000;
        const closesAt = launch + lengthH * 3600_000;
        const windows = cadenceWindows(launch, closesAt, every, openDays).map((w) => ({ opens: Date.parse(w.opensAt), closes: Date.parse(w.closesAt) }));
        expect(windows[0].opens).toBe(launch);
        expect(windows.length).toBeLessThanOrEqual(60);
        const bad = windows.filter((w, i) => w.closes > closesAt || w.closes <= w.opens || w.closes - w.opens > openDays * 86_400_000 || (i > 0 && w.opens <= windows[i - 1].opens));
        expect(bad).toEqual([]);
      }),
    );
  });
});
