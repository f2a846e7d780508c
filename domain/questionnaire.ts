import { addShanghaiMonths } from './time';
import type { Dimension } from './vocabulary';

export interface Question {
  id: string;
  text: string;
  kind: 'likert5' | 'single' | 'multi' | 'number' | 'text';
  options?: string[];
  dimension?: Dimension;
  required?: boolean;
}

/** A likert answer (1-5) on a 0-100 scale. */
export const likertToScore = (v: number) => ((v - 1) / 4) * 100;

/** What is wrong with one answer, as a stable word (the pages key their messages on it). */
export type AnswerProblemCode = 'unknown_question' | 'required' | 'likert_range' | 'not_a_number' | 'text_too_long' | 'not_an_option' | 'options_not_distinct';

/** Problems with a set of answers, keyed by question id; empty when the answers fit the questions. */
export function answerProblems(questions: Question[], answers: Record<string, unknown>): Array<[string, string, AnswerProblemCode]> {
  const problems: Array<[string, string, AnswerProblemCode]> = [];
  const ids = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(answers)) if (!ids.has(key)) problems.push([key, 'no such question in this questionnaire', 'unknown_question']);
  for (const q of questions) {
    const v = answers[q.id];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      if (q.required) problems.push([q.id, 'an answer is required', 'required']);
      continue;
    }
    const bad = ((): [string, AnswerProblemCode] | null => {
      switch (q.kind) {
        case 'likert5':
          return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5 ? null : ['must be a whole number from 1 to 5', 'likert_range'];
        case 'number':
          return typeof v === 'number' && Number.isFinite(v) ? null : ['must be a number', 'not_a_number'];
        case 'text':
          return typeof v === 'string' && v.length <= 5000 ? null : ['must be text of at most 5000 characters', 'text_too_long'];
        case 'single':
          return typeof v === 'string' && q.options!.includes(v) ? null : [`must be one of: ${q.options!.join(', ')}`, 'not_an_option'];
        case 'multi':
          return Array.isArray(v) && v.every((x) => q.options!.includes(x)) && new Set(v).size === v.length ? null : [`must be distinct options from: ${q.options!.join(', ')}`, 'options_not_distinct'];
      }
    })();
    if (bad) problems.push([q.id, ...bad]);
  }
  return problems;
}

/**
 * Means per dimension over likert5 answers, each on a 0-100 scale. The satisfaction index
 * is the satisfaction dimension's mean. Other kinds carry no dimension score.
 */
export function dimensionMeans(questions: Question[], answerSets: Array<Record<string, unknown>>): Partial<Record<Dimension, number>> {
  const sums = new Map<Dimension, { sum: number; n: number }>();
  for (const answers of answerSets) {
    for (const q of questions) {
      const v = answers[q.id];
      if (q.kind !== 'likert5' || !q.dimension || typeof v !== 'number') continue;
      const s = sums.get(q.dimension) ?? { sum: 0, n: 0 };
      s.sum += likertToScore(v);
      s.n += 1;
      sums.set(q.dimension, s);
    }
  }
  return Object.fromEntries([...sums].map(([d, s]) => [d, Math.round((s.sum / s.n) * 100) / 100]));
}

/** Where observers' answers should confirm what a task category claims. Configurable per round. */
export const DEFAULT_CATEGORY_DIMENSIONS: Record<string, Dimension> = {
  思想引领: 'hear',
  建功立业: 'see',
  素质提升: 'measure',
  地位提高: 'check',
  队伍壮大: 'satisfaction',
};

export interface ContradictionRule {
  /** Task category -> the dimension observers judge it by. */
  categoryDimensions: Record<string, Dimension>;
  /** A dimension mean (0-100) below this contradicts accepted work. */
  threshold: number;
  /** Fewest responses before a mean counts as evidence. */
  minResponses: number;
}

export const DEFAULT_CONTRADICTION_RULE: ContradictionRule = { categoryDimensions: DEFAULT_CATEGORY_DIMENSIONS, threshold: 50, minResponses: 3 };

export interface ContradictionFlag {
  category: string;
  dimension: Dimension;
  acceptedTasks: string[];
  observerMean: number;
  responses: number;
  threshold: number;
}

/**
 * A unit's accepted tasks in a category say the work is done, while its observers rate the
 * matching dimension below the threshold: a warning for follow-up, never a score.
 */
export function contradictions(
  acceptedByCategory: Map<string, string[]>,
  means: Partial<Record<Dimension, number>>,
  responses: number,
  rule: ContradictionRule,
): ContradictionFlag[] {
  if (responses < rule.minResponses) return [];
  const flags: ContradictionFlag[] = [];
  for (const [category, tasks] of acceptedByCategory) {
    const dimension = rule.categoryDimensions[category];
    const mean = dimension ? means[dimension] : undefined;
    if (tasks.length > 0 && dimension && mean !== undefined && mean < rule.threshold) {
      flags.push({ category, dimension, acceptedTasks: tasks, observerMean: mean, responses, threshold: rule.threshold });
    }
  }
  return flags;
}

/** Windows opening every week or month from the launch, each open `openDays`, none past the round's close. */
export function cadenceWindows(launch: number, closesAt: number, every: 'week' | 'month', openDays: number): Array<{ opensAt: string; closesAt: string }> {
  const windows: Array<{ opensAt: string; closesAt: string }> = [];
  for (let k = 0; windows.length < 60; k++) {
    const start = new Date(every === 'week' ? launch + 7 * k * 86_400_000 : addShanghaiMonths(launch, k));
    if (start.getTime() >= closesAt) break;
    const end = Math.min(start.getTime() + openDays * 86_400_000, closesAt);
    windows.push({ opensAt: start.toISOString(), closesAt: new Date(end).toISOString() });
  }
  return windows;
}
