import fc from 'fast-check';
import { combineScores, comparability, counterparts, resolveCrosswalk, treeProblems, type ChainVersion, type CrosswalkEntry } from '../../domain/crosswalk';

type Op = 'same' | 'renamed' | 'split' | 'merged' | 'retired';

/** The next version of `codes` after one change per item, with the crosswalk a publisher would give (sames left out or not). */
function nextVersion(codes: string[], ops: Op[], tag: string, newItems: number, stateSames: boolean) {
  const next: string[] = [];
  const given: CrosswalkEntry[] = [];
  const merging = codes.filter((_, i) => ops[i] === 'merged');
  const mergeTarget = `${tag}-m`;
  codes.forEach((code, i) => {
    const op = merging.length < 2 && ops[i] === 'merged' ? 'same' : ops[i];
    if (op === 'same') {
      next.push(code);
      if (stateSames) given.push({ from: code, to: [code], change: 'same' });
    } else if (op === 'renamed') {
      next.push(`${tag}-r${i}`);
      given.push({ from: code, to: [`${tag}-r${i}`], change: 'renamed' });
    } else if (op === 'split') {
      next.push(`${tag}-s${i}a`, `${tag}-s${i}b`);
      given.push({ from: code, to: [`${tag}-s${i}a`, `${tag}-s${i}b`], change: 'split' });
    } else if (op === 'merged') given.push({ from: code, to: [mergeTarget], change: 'merged' });
    else given.push({ from: code, to: [], change: 'retired' });
  });
  if (merging.length >= 2) next.push(mergeTarget);
  for (let n = 0; n < newItems; n++) next.push(`${tag}-n${n}`);
  return { next, given };
}

const opArb = fc.constantFrom<Op>('same', 'same', 'renamed', 'split', 'merged', 'retired');
const versionStepArb = (size: number) => fc.record({ ops: fc.array(opArb, { minLength: size, maxLength: size }), newItems: fc.nat({ max: 2 }), stateSames: fc.boolean() });

/** A chain of 2-4 versions, each crosswalk built from random changes and resolved. */
const chainArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.array(versionStepArb(40), { minLength: 1, maxLength: 3 }).map((steps) => {
    const first = Array.from({ length: n }, (_, i) => `c${i}`);
    const chain: ChainVersion[] = [{ codes: first, crosswalk: [] }];
    const givens: CrosswalkEntry[][] = [[]];
    steps.forEach((s, k) => {
      const codes = chain[chain.length - 1].codes as string[];
      const { next, given } = nextVersion(codes, s.ops.slice(0, codes.length), `v${k + 1}`, s.newItems, s.stateSames);
      const resolved = resolveCrosswalk(codes, next, given);
      expect(resolved.problems).toEqual([]);
      chain.push({ codes: next, crosswalk: resolved.entries });
      givens.push(given);
    });
    return { chain, givens };
  }),
);

describe('crosswalk validation', () => {
  test('when a crosswalk is built from renames, splits, merges and retirements (sames stated or left out), then it is accepted and accounts for every old item once', () => {
    fc.assert(
      fc.property(chainArb, ({ chain }) => {
        for (let v = 1; v < chain.length; v++) {
          const froms = chain[v].crosswalk.map((e) => e.from).sort();
          expect(froms).toEqual([...chain[v - 1].codes].sort());
        }
      }),
    );
  });

  test('when an entry for an item whose code does not survive is left out, then the version is refused naming crosswalk', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), ({ chain, givens }, pick) => {
        const v = chain.length - 1;
        const droppable = givens[v].filter((e) => !chain[v].codes.includes(e.from));
        fc.pre(droppable.length > 0);
        const dropped = droppable[pick % droppable.length];
        const { problems } = resolveCrosswalk(chain[v - 1].codes, chain[v].codes, givens[v].filter((e) => e !== dropped));
        expect(problems.some((p) => p.path === 'crosswalk' && p.code === 'missing' && p.message.includes(dropped.from))).toBe(true);
      }),
    );
  });

  test('when entries are wrong, then each problem names its field', () => {
    const { problems } = resolveCrosswalk(['a', 'b', 'c', 'd'], ['a', 'x', 'y'], [
      { from: 'b', to: ['x'], change: 'renamed' },
      { from: 'c', to: ['y'], change: 'retired' },
      { from: 'zz', to: ['a'], change: 'renamed' },
      { from: 'd', to: ['nope'], change: 'split' },
    ]);
    expect(problems.map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['crosswalk.1.to', 'unexpected'],
        ['crosswalk.2.from', 'unknown'],
        ['crosswalk.3.to.0', 'unknown'],
        ['crosswalk.3.to', 'count'],
      ]),
    );
  });

  test('when a renamed item lands on a surviving code, then it is refused as ambiguous until both ways are marked merged', () => {
    expect(resolveCrosswalk(['a', 'b'], ['b'], [{ from: 'a', to: ['b'], change: 'renamed' }]).problems.map((p) => p.code)).toContain('ambiguous');
    expect(resolveCrosswalk(['a', 'b'], ['b'], [{ from: 'a', to: ['b'], change: 'merged' }]).problems).toEqual([]);
    expect(resolveCrosswalk(['a', 'b'], ['m'], [{ from: 'a', to: ['m'], change: 'merged' }, { from: 'b', to: [], change: 'retired' }]).problems.map((p) => p.path)).toEqual(['crosswalk.0.to.0']);
  });

  test('when a tree has a point under a programme, an unknown parent, a repeated code or a task on a measure, then each is named', () => {
    const problems = treeProblems([
      { code: 'P', level: 'programme' },
      { code: 'M', level: 'measure', parentCode: 'P', hasTask: true },
      { code: 'x', level: 'point', parentCode: 'P' },
      { code: 'y', level: 'point', parentCode: 'Q' },
      { code: 'M', level: 'measure', parentCode: 'P' },
      { code: 'z', level: 'measure' },
    ]);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['items.4.code', 'duplicate'],
      ['items.1.task', 'unexpected'],
      ['items.2.parentCode', 'wrong_level'],
      ['items.3.parentCode', 'unknown'],
      ['items.5.parentCode', 'required'],
    ]);
  });
});

describe('mapping through crosswalk chains', () => {
  test('when an item is read in its own version, then it is its own counterpart, like for like', () => {
    fc.assert(
      fc.property(chainArb, ({ chain }) => {
        chain.forEach((v, i) => v.codes.forEach((c) => expect(counterparts(chain, i, c, i)).toEqual([{ code: c, changes: [] }])));
      }),
    );
  });

  test('when an item maps like for like into another version, then that counterpart maps back like for like to it', () => {
    fc.assert(
      fc.property(chainArb, ({ chain }) => {
        const last = chain.length - 1;
        for (const code of chain[last].codes) {
          for (let v = 0; v < last; v++) {
            const back = counterparts(chain, last, code, v);
            if (comparability(back) !== 'like-for-like') continue;
            const forth = counterparts(chain, v, back[0].code, last);
            expect(forth.map((c) => c.code)).toEqual([code]);
            expect(comparability(forth)).toBe('like-for-like');
          }
        }
      }),
    );
  });

  test('when an item is retired, then it has no counterpart in any later version; an item added has none in any earlier one', () => {
    fc.assert(
      fc.property(chainArb, ({ chain }) => {
        const last = chain.length - 1;
        for (let v = 1; v <= last; v++) {
          for (const e of chain[v].crosswalk.filter((x) => x.change === 'retired')) {
            for (let w = v; w <= last; w++) expect(comparability(counterparts(chain, v - 1, e.from, w))).toBe('noCounterpart');
          }
          const reached = new Set(chain[v].crosswalk.flatMap((e) => e.to));
          for (const added of chain[v].codes.filter((c) => !reached.has(c))) expect(counterparts(chain, v, added, 0)).toEqual([]);
        }
      }),
    );
  });

  test('when every counterpart found backward is followed forward again, then the item is among those reached', () => {
    fc.assert(
      fc.property(chainArb, ({ chain }) => {
        const last = chain.length - 1;
        for (const code of chain[last].codes) {
          for (const c of counterparts(chain, last, code, 0)) expect(counterparts(chain, 0, c.code, last).map((x) => x.code)).toContain(code);
        }
      }),
    );
  });

  test('when an item was split and its parts later merged, then each reads through its changes in order', () => {
    const chain: ChainVersion[] = [
      { codes: ['a', 'b'], crosswalk: [] },
      { codes: ['a1', 'a2', 'b'], crosswalk: [{ from: 'a', to: ['a1', 'a2'], change: 'split' }, { from: 'b', to: ['b'], change: 'same' }] },
      { codes: ['m', 'b2'], crosswalk: [{ from: 'a1', to: ['m'], change: 'merged' }, { from: 'a2', to: ['m'], change: 'merged' }, { from: 'b', to: ['b2'], change: 'renamed' }] },
    ];
    expect(counterparts(chain, 2, 'm', 0)).toEqual([{ code: 'a', changes: ['split', 'merged'] }]);
    expect(counterparts(chain, 2, 'm', 1)).toEqual([{ code: 'a1', changes: ['merged'] }, { code: 'a2', changes: ['merged'] }]);
    expect(comparability(counterparts(chain, 2, 'm', 1))).toBe('merged');
    expect(comparability(counterparts(chain, 1, 'a1', 0))).toBe('split');
    expect(comparability(counterparts(chain, 0, 'a', 1))).toBe('split');
    expect(comparability(counterparts(chain, 2, 'b2', 0))).toBe('like-for-like');
  });
});

describe('combining scores', () => {
  test('when scores are combined, then the result lies between the least and greatest known score, and none known gives null', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), { maxLength: 10 }), (scores) => {
        const known = scores.filter((s): s is number => s !== null);
        const c = combineScores(scores.map((s) => (s === null ? { sum: 0, scored: 0 } : { sum: s, scored: 1 })));
        if (known.length === 0) expect(c).toBeNull();
        else {
          expect(c!).toBeGreaterThanOrEqual(Math.min(...known) - 0.005);
          expect(c!).toBeLessThanOrEqual(Math.max(...known) + 0.005);
        }
      }),
    );
  });
});
