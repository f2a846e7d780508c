import type { Dimension } from './vocabulary';

/**
 * What observers said may reach the unit they observe only as an aggregate of enough distinct
 * people. The threshold counts observers, not answers: one observer answering three windows is
 * still one person. These are the rules, in one place; the store and the use cases apply them.
 */

/** The floor no round and no configuration goes under. */
export const MIN_OBSERVERS_FOR_UNIT = 3;

/**
 * The threshold a round runs with: the one frozen into its spec at launch, or, for a round
 * launched before thresholds were frozen, the configured one.
 */
export function unitThreshold(frozen: number | undefined, configured: number): number {
  return Math.max(MIN_OBSERVERS_FOR_UNIT, frozen ?? configured);
}

/** One observer's answers in one window, as a 0-100 score per dimension. */
export interface ScoredResponse {
  observerId: string;
  windowId: string;
  scores: Partial<Record<Dimension, number>>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const distinctObservers = (rs: Array<Pick<ScoredResponse, 'observerId'>>) => new Set(rs.map((r) => r.observerId)).size;

/** How many distinct observers gave a score in each dimension. */
export function observersPerDimension(responses: ScoredResponse[]): Partial<Record<Dimension, number>> {
  const seen = new Map<Dimension, Set<string>>();
  for (const r of responses) {
    for (const d of Object.keys(r.scores) as Dimension[]) seen.set(d, (seen.get(d) ?? new Set()).add(r.observerId));
  }
  return Object.fromEntries([...seen].map(([d, s]) => [d, s.size]));
}

/**
 * Whether a unit may read its row of a window: only once the window has closed (while it is
 * open, two readings a response apart would give that response away) and only when at least
 * `threshold` distinct observers answered.
 */
export function unitMayReadWindow(window: { closedAt: Date | null }, respondents: number, threshold: number): boolean {
  return window.closedAt !== null && respondents >= threshold;
}

/** The means a unit may read: only dimensions that at least `threshold` distinct observers scored. */
export function shareableMeans(
  means: Partial<Record<Dimension, number>>,
  observers: Partial<Record<Dimension, number>>,
  threshold: number,
): Partial<Record<Dimension, number>> {
  return Object.fromEntries(Object.entries(means).filter(([d]) => (observers[d as Dimension] ?? 0) >= threshold));
}

export interface PooledSatisfaction {
  /** Mean of the counted satisfaction scores, 0-100. */
  index: number;
  responses: number;
  /** Distinct observers behind the counted responses. */
  observers: number;
  windows: number;
}

/**
 * A unit's satisfaction pooled over a round's windows, or null when fewer than `threshold`
 * distinct observers stand behind it.
 *
 * A window that `threshold` observers scored on its own is shown to the unit once it closes,
 * so the pooled figure must not let the unit subtract those windows and read the rest: the
 * other windows' responses count only when they too come from at least `threshold` distinct
 * observers together. Otherwise they are left out of the score (offices still read them).
 */
export function pooledSatisfaction(responses: ScoredResponse[], threshold: number): PooledSatisfaction | null {
  const scored = responses.filter((r) => r.scores.satisfaction !== undefined);
  const byWindow = new Map<string, ScoredResponse[]>();
  for (const r of scored) byWindow.set(r.windowId, [...(byWindow.get(r.windowId) ?? []), r]);
  const alone: ScoredResponse[] = [];
  const rest: ScoredResponse[] = [];
  for (const rs of byWindow.values()) (distinctObservers(rs) >= threshold ? alone : rest).push(...rs);
  const counted = distinctObservers(rest) >= threshold ? [...alone, ...rest] : alone;
  const observers = distinctObservers(counted);
  if (counted.length === 0 || observers < threshold) return null;
  return {
    index: round2(counted.reduce((s, r) => s + r.scores.satisfaction!, 0) / counted.length),
    responses: counted.length,
    observers,
    windows: new Set(counted.map((r) => r.windowId)).size,
  };
}
