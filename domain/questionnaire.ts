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

/**
 * Means per dimension over likert5 answers, each on a 0-100 scale, and the satisfaction
 * index: the mean of the satisfaction dimension. Only likert5 questions carry a dimension score.
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
