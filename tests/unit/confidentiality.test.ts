import fc from 'fast-check';
import { observersPerDimension, pooledSatisfaction, shareableMeans, unitMayReadWindow, unitThreshold, type ScoredResponse } from '../../domain/confidentiality';

const sat = (observerId: string, windowId: string, satisfaction: number, extra: ScoredResponse['scores'] = {}): ScoredResponse => ({ observerId, windowId, scores: { satisfaction, ...extra } });

describe('unitThreshold', () => {
  test('when a round froze its threshold, then that one holds whatever is configured now', () => {
    expect(unitThreshold(4, 3)).toBe(4);
    expect(unitThreshold(3, 7)).toBe(3);
  });

  test('when a round was launched before thresholds were frozen, then the configured one holds, never below 3', () => {
    expect(unitThreshold(undefined, 5)).toBe(5);
    expect(unitThreshold(undefined, 1)).toBe(3);
    expect(unitThreshold(2, 3)).toBe(3);
  });
});

describe('unitMayReadWindow', () => {
  test('when the window is still open, then the unit reads nothing however many observers answered', () => {
    expect(unitMayReadWindow({ closedAt: null }, 10, 3)).toBe(false);
  });

  test('when the window has closed, then the unit reads its row only from the threshold of distinct observers up', () => {
    const closed = { closedAt: new Date() };
    expect([2, 3, 4].map((n) => unitMayReadWindow(closed, n, 3))).toEqual([false, true, true]);
  });
});

describe('shareableMeans', () => {
  test('when fewer observers scored a dimension than the threshold, then its mean is left out', () => {
    const responses = [sat('a', 'w', 50, { hear: 0 }), sat('b', 'w', 75, { hear: 100 }), sat('c', 'w', 100)];
    const counts = observersPerDimension(responses);
    expect(counts).toEqual({ satisfaction: 3, hear: 2 });
    expect(shareableMeans({ satisfaction: 75, hear: 50 }, counts, 3)).toEqual({ satisfaction: 75 });
  });
});

describe('pooledSatisfaction', () => {
  test('when one observer answered three windows, then there is no satisfaction: three answers, one person', () => {
    expect(pooledSatisfaction([sat('a', 'w1', 100), sat('a', 'w2', 75), sat('a', 'w3', 50)], 3)).toBeNull();
  });

  test('when three distinct observers answered across windows, none of which reached the threshold alone, then their answers pool', () => {
    expect(pooledSatisfaction([sat('a', 'w1', 100), sat('b', 'w1', 50), sat('c', 'w2', 0)], 3)).toEqual({ index: 50, responses: 3, observers: 3, windows: 2 });
  });

  test('when one window reached the threshold and another holds one observer, then that one is left out, so the unit cannot subtract the window it sees', () => {
    const responses = [sat('a', 'w1', 100), sat('b', 'w1', 100), sat('c', 'w1', 100), sat('a', 'w2', 0)];
    expect(pooledSatisfaction(responses, 3)).toEqual({ index: 100, responses: 3, observers: 3, windows: 1 });
  });

  test('when the windows below the threshold together hold enough distinct observers, then they count too', () => {
    const responses = [sat('a', 'w1', 100), sat('b', 'w1', 100), sat('c', 'w1', 100), sat('d', 'w2', 0), sat('e', 'w2', 0), sat('f', 'w3', 0)];
    expect(pooledSatisfaction(responses, 3)).toEqual({ index: 50, responses: 6, observers: 6, windows: 3 });
  });

  test('when responses carry no satisfaction score, then they count for nothing', () => {
    const responses: ScoredResponse[] = [sat('a', 'w1', 80), sat('b', 'w1', 80), { observerId: 'c', windowId: 'w1', scores: { hear: 0 } }];
    expect(pooledSatisfaction(responses, 3)).toBeNull();
  });

  const responsesArb = fc.array(
    fc.record({ observerId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), windowId: fc.constantFrom('w1', 'w2', 'w3'), value: fc.integer({ min: 0, max: 4 }) }),
    { maxLength: 15 },
  ).map((rs) => {
    // One response per observer per window, as the database enforces.
    const seen = new Set<string>();
    return rs.filter((r) => !seen.has(`${r.observerId}:${r.windowId}`) && seen.add(`${r.observerId}:${r.windowId}`)).map((r) => sat(r.observerId, r.windowId, r.value * 25));
  });

  test('when any responses pool, then at least the threshold of distinct observers stands behind the figure and behind what is left after removing the windows a unit can read on its own', () => {
    fc.assert(
      fc.property(responsesArb, fc.integer({ min: 3, max: 5 }), (responses, n) => {
        const pooled = pooledSatisfaction(responses, n);
        if (!pooled) return;
        expect(pooled.observers).toBeGreaterThanOrEqual(n);
        const byWindow = new Map<string, Set<string>>();
        for (const r of responses) byWindow.set(r.windowId, (byWindow.get(r.windowId) ?? new Set()).add(r.observerId));
        const readable = new Set([...byWindow].filter(([, o]) => o.size >= n).map(([w]) => w));
        // Rebuild what was counted from the windows the unit cannot read: none, or n people at least.
        const hidden = responses.filter((r) => !readable.has(r.windowId));
        const hiddenObservers = new Set(hidden.map((r) => r.observerId)).size;
        const countedHidden = pooled.responses - responses.filter((r) => readable.has(r.windowId)).length;
        expect(countedHidden === 0 || (countedHidden === hidden.length && hiddenObservers >= n)).toBe(true);
      }),
    );
  });
});
