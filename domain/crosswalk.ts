/**
 * Catalogue versions and the crosswalks between them, as pure functions.
 *
 * A catalogue (programmes → measures → policy points) is published as whole versions. Each
 * version after the first says, for every item of the version before it, what became of it:
 * `same` (one target, normally the same code), `renamed` (one target), `split` (two or more
 * targets, each the target of nothing else), `merged` (one target that two or more old items
 * reach) or `retired` (no target). An old item the crosswalk leaves out is `same` when its
 * code survives; otherwise the version is refused.
 *
 * Results of rounds pinned to other versions are read into a target version by following the
 * crosswalks step by step, backward (through sources) or forward (through targets). An item
 * reached through nothing but `same`/`renamed` is like for like; through a split or a merge it
 * is comparable with a note; reached by nothing, it has no counterpart.
 */
import type { FieldProblem } from './errors';

export const ITEM_LEVELS = ['programme', 'measure', 'point'] as const;
export type ItemLevel = (typeof ITEM_LEVELS)[number];
export const CHANGES = ['same', 'renamed', 'split', 'merged', 'retired'] as const;
export type Change = (typeof CHANGES)[number];

export interface TreeItem {
  code: string;
  level: ItemLevel;
  parentCode?: string | null;
  /** Only a policy point carries a task. */
  hasTask?: boolean;
}

export interface CrosswalkEntry {
  from: string;
  to: string[];
  change: Change;
}

/** How a result of another version reads in the target version. */
export type Comparability = 'like-for-like' | 'split' | 'merged' | 'noCounterpart';

export interface Counterpart {
  code: string;
  /** The changes crossed on the way, oldest version first. */
  changes: Change[];
}

const PARENT_LEVEL: Record<ItemLevel, ItemLevel | null> = { programme: null, measure: 'programme', point: 'measure' };

const problem = (path: string, message: string, code: string): FieldProblem => ({ path, message, in: 'body', code });

/** A tree of programmes → measures → points: codes unique, each parent present and one level up, tasks on points only. */
export function treeProblems(items: readonly TreeItem[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byCode = new Map<string, TreeItem>();
  items.forEach((item, i) => {
    if (byCode.has(item.code)) problems.push(problem(`items.${i}.code`, `${item.code} appears more than once`, 'duplicate'));
    else byCode.set(item.code, item);
  });
  items.forEach((item, i) => {
    const wanted = PARENT_LEVEL[item.level];
    if (wanted === null) {
      if (item.parentCode) problems.push(problem(`items.${i}.parentCode`, 'a programme has no parent', 'unexpected'));
    } else if (!item.parentCode) {
      problems.push(problem(`items.${i}.parentCode`, `a ${item.level} needs a parent ${wanted}`, 'required'));
    } else {
      const parent = byCode.get(item.parentCode);
      if (!parent) problems.push(problem(`items.${i}.parentCode`, `no item ${item.parentCode} in this version`, 'unknown'));
      else if (parent.level !== wanted) problems.push(problem(`items.${i}.parentCode`, `the parent of a ${item.level} must be a ${wanted}, ${item.parentCode} is a ${parent.level}`, 'wrong_level'));
    }
    if (item.hasTask && item.level !== 'point') problems.push(problem(`items.${i}.task`, 'only a policy point carries a task', 'unexpected'));
  });
  return problems;
}

/**
 * The crosswalk from `previous` (codes of the version before) to `next` (codes of the new one)
 * with every old item accounted for: the entries given, and `same` for each old code left out
 * that survives. Problems name `crosswalk.<i>...`; an old item neither listed nor surviving
 * names `crosswalk`.
 */
export function resolveCrosswalk(previous: readonly string[], next: readonly string[], given: readonly CrosswalkEntry[]): { entries: CrosswalkEntry[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const oldCodes = new Set(previous);
  const newCodes = new Set(next);
  const listed = new Map<string, number>();
  given.forEach((e, i) => {
    if (!oldCodes.has(e.from)) problems.push(problem(`crosswalk.${i}.from`, `no item ${e.from} in the previous version`, 'unknown'));
    else if (listed.has(e.from)) problems.push(problem(`crosswalk.${i}.from`, `${e.from} is listed more than once`, 'duplicate'));
    else listed.set(e.from, i);
    const seen = new Set<string>();
    e.to.forEach((t, j) => {
      if (!newCodes.has(t)) problems.push(problem(`crosswalk.${i}.to.${j}`, `no item ${t} in this version`, 'unknown'));
      if (seen.has(t)) problems.push(problem(`crosswalk.${i}.to.${j}`, `${t} appears more than once`, 'duplicate'));
      seen.add(t);
    });
    const n = e.to.length;
    if (e.change === 'retired' && n > 0) problems.push(problem(`crosswalk.${i}.to`, 'a retired item has no targets', 'unexpected'));
    if ((e.change === 'same' || e.change === 'renamed' || e.change === 'merged') && n !== 1) problems.push(problem(`crosswalk.${i}.to`, `a ${e.change} item has exactly one target`, 'count'));
    if (e.change === 'same' && n === 1 && e.to[0] !== e.from) problems.push(problem(`crosswalk.${i}.to.0`, `a same item keeps its code ${e.from}; use renamed for a new code`, 'mismatch'));
    if (e.change === 'split' && n < 2) problems.push(problem(`crosswalk.${i}.to`, 'a split item has two or more targets', 'count'));
  });
  const entries: CrosswalkEntry[] = given.map((e) => ({ from: e.from, to: [...e.to], change: e.change }));
  const implicit = new Set<number>();
  previous.forEach((code) => {
    if (listed.has(code)) return;
    if (newCodes.has(code)) {
      implicit.add(entries.length);
      entries.push({ from: code, to: [code], change: 'same' });
    } else problems.push(problem('crosswalk', `item ${code} of the previous version is not in this version: say what became of it (renamed, split, merged or retired)`, 'missing'));
  });
  if (problems.length > 0) return { entries, problems };

  // A target reached from two or more old items is a merge, and every way in must say so.
  const sources = new Map<string, number[]>();
  entries.forEach((e, i) => e.to.forEach((t) => sources.set(t, [...(sources.get(t) ?? []), i])));
  entries.forEach((e, i) => {
    const path = (j: number) => (i < given.length ? `crosswalk.${i}.to.${j}` : 'crosswalk');
    e.to.forEach((t, j) => {
      const ways = sources.get(t)!;
      if (e.change === 'merged' && ways.length < 2) problems.push(problem(path(j), `${t} is reached from ${e.from} alone: a merge joins two or more items`, 'count'));
      if (ways.length < 2 || e.change === 'merged') return;
      if (e.change === 'same' && ways.every((w) => w === i || entries[w].change === 'merged')) return;
      const others = ways.filter((w) => w !== i).map((w) => entries[w].from).join(', ');
      problems.push(problem(implicit.has(i) ? 'crosswalk' : path(j), `${t} is also reached from ${others}: mark the ways into it merged`, 'ambiguous'));
    });
  });
  return { entries, problems };
}

/** One published version as the mapping needs it: its codes and the crosswalk from the version before. */
export interface ChainVersion {
  codes: readonly string[];
  /** Resolved entries (every old item accounted for); empty for the first version. */
  crosswalk: readonly CrosswalkEntry[];
}

/**
 * The counterparts in version `to` of item `code` of version `from` (indexes into `chain`,
 * oldest first), with the changes crossed. Backward a new item's sources are the old items
 * whose targets include it; forward an old item's counterparts are its targets.
 */
export function counterparts(chain: readonly ChainVersion[], from: number, code: string, to: number): Counterpart[] {
  let current: Counterpart[] = [{ code, changes: [] }];
  if (from === to) return current;
  const step = from < to ? 1 : -1;
  for (let v = from; v !== to; v += step) {
    // The crosswalk between v and v+step lives on the later of the two.
    const { forward, backward } = linksOf(chain[Math.max(v, v + step)].crosswalk);
    const next = new Map<string, Counterpart>();
    for (const c of current) {
      for (const l of (step > 0 ? forward : backward).get(c.code) ?? []) {
        const changes = step > 0 ? [...c.changes, l.change] : [l.change, ...c.changes];
        const seen = next.get(l.code);
        if (!seen || rankChanges(changes) > rankChanges(seen.changes)) next.set(l.code, { code: l.code, changes });
      }
    }
    current = [...next.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }
  return current;
}

type Links = Map<string, { code: string; change: Change }[]>;
const LINKS = new WeakMap<readonly CrosswalkEntry[], { forward: Links; backward: Links }>();

/** A crosswalk indexed both ways (old code → targets, new code → sources), once per crosswalk. */
function linksOf(walk: readonly CrosswalkEntry[]) {
  let links = LINKS.get(walk);
  if (!links) {
    const forward: Links = new Map();
    const backward: Links = new Map();
    const add = (m: Links, key: string, link: { code: string; change: Change }) => m.set(key, [...(m.get(key) ?? []), link]);
    for (const e of walk) {
      for (const t of e.to) {
        add(forward, e.from, { code: t, change: e.change });
        add(backward, t, { code: e.from, change: e.change });
      }
    }
    links = { forward, backward };
    LINKS.set(walk, links);
  }
  return links;
}

// Of two ways to the same counterpart, report the one with more to say.
const rankChanges = (changes: Change[]) => changes.filter((c) => c === 'split' || c === 'merged').length;

/**
 * How the counterparts read in the target version: none (no counterpart); through a split
 * (backward: the old item's result counts for each of its parts; forward: the parts' results
 * are combined); through a merge (backward: the parts' results are combined; forward: the part
 * counts for the whole); or through only same/renamed (like for like).
 */
export function comparability(found: readonly Counterpart[]): Comparability {
  if (found.length === 0) return 'noCounterpart';
  const changes = found.flatMap((c) => c.changes);
  if (found.length > 1) return changes.includes('split') ? 'split' : 'merged';
  if (changes.includes('split')) return 'split';
  if (changes.includes('merged')) return 'merged';
  return 'like-for-like';
}

/**
 * The scores counted for a target item combined into one: the mean of every score counted
 * (a merged item is as good as its parts on average; a measure as its points), to two
 * decimals; null when none is counted. Parts come as sums and counts so they can be tallied
 * in the database.
 */
export function combineScores(parts: readonly { sum: number; scored: number }[]): number | null {
  const n = parts.reduce((a, p) => a + p.scored, 0);
  return n === 0 ? null : Math.round((parts.reduce((a, p) => a + p.sum, 0) / n) * 100) / 100;
}
