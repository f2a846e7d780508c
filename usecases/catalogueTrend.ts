import { roundWhere, taskWhere, visibleCatalogue, visibleUnit } from '../access/visibility';
import { notFound } from '../api/problem';
import { combineScores, comparability, counterparts, type ChainVersion, type Change, type Comparability, type ItemLevel } from '../domain/crosswalk';
import type { TaskStatus } from '../domain/vocabulary';
import type { Db } from '../src/db';
import type { Actor, UseCaseContext } from './context';

interface Item { code: string; level: ItemLevel; parentCode: string | null; title: string }
interface Version { id: string; version: string; items: Item[]; chain: ChainVersion }
/** Tasks of one point in one round, in one status: how many, and the sum and number of the scores they count with. */
interface Tally { status: TaskStatus; sum: number; scored: number }

/**
 * Tasks as a trend reads them: the review score once accepted; 0 when the round closed without
 * it accepted; none while it is still open, or when it was waived.
 */
function tally(status: TaskStatus, tasks: number, reviewScores: { sum: number; n: number }, roundClosed: boolean): Tally {
  if (status === 'accepted') return { status, sum: reviewScores.sum, scored: reviewScores.n };
  if (status === 'waived' || !roundClosed) return { status, sum: 0, scored: 0 };
  return { status, sum: 0, scored: tasks };
}

async function loadChain(db: Db, catalogueId: string): Promise<Version[]> {
  const versions = await db.catalogueVersion.findMany({
    where: { catalogueId },
    orderBy: { seq: 'asc' },
    include: { items: { orderBy: { position: 'asc' } }, crosswalk: true },
  });
  return versions.map((v) => ({
    id: v.id,
    version: v.version,
    items: v.items.map((i) => ({ code: i.code, level: i.level as ItemLevel, parentCode: i.parentCode, title: i.title })),
    chain: { codes: v.items.map((i) => i.code), crosswalk: v.crosswalk.map((e) => ({ from: e.fromCode, to: e.toCodes, change: e.change as Change })) },
  }));
}

/** The policy points at or below each item of a version (a point is its own). */
function pointsByItem(items: Item[]): Map<string, string[]> {
  const children = new Map<string, Item[]>();
  for (const i of items) if (i.parentCode) children.set(i.parentCode, [...(children.get(i.parentCode) ?? []), i]);
  const under = new Map<string, string[]>();
  const walk = (item: Item): string[] => {
    const known = under.get(item.code);
    if (known) return known;
    const points = item.level === 'point' ? [item.code] : (children.get(item.code) ?? []).flatMap(walk);
    under.set(item.code, points);
    return points;
  };
  items.forEach(walk);
  return under;
}

const NOTES: Record<Comparability, (codes: string[], version: string) => string | undefined> = {
  'like-for-like': () => undefined,
  split: (codes, v) => `through a split: ${codes.join(', ')} of ${v} stands for this item, or this item's parts are combined (mean)`,
  merged: (codes, v) => `through a merge: ${codes.join(', ')} of ${v} combined (mean of the points' scores)`,
  noCounterpart: (_codes, v) => `no counterpart in ${v}`,
};

type Scores = Map<string, Map<string, Tally[]>>; // round id -> point code (of the round's version) -> per status

/**
 * Per item of `target`, one entry per round: the counterparts in the round's version, how they
 * compare, and the mean score over their points (per unit, then over units). Items of other
 * versions that have no counterpart in `target` are listed apart with their own results.
 */
function trend(versions: Version[], target: number, rounds: { id: string; versionIndex: number }[], scores: Scores) {
  const chain = versions.map((v) => v.chain);
  const under = versions.map((v) => pointsByItem(v.items));
  const resultsOf = (from: number, code: string) =>
    rounds.map((r) => {
      const found = counterparts(chain, from, code, r.versionIndex);
      const comparable = comparability(found);
      const roundVersion = versions[r.versionIndex];
      const points = [...new Set(found.flatMap((c) => under[r.versionIndex].get(c.code) ?? []))];
      const perPoint = points.flatMap((p) => scores.get(r.id)?.get(p) ?? []);
      const note = NOTES[comparable](found.map((c) => c.code), roundVersion.version);
      return {
        roundId: r.id,
        version: roundVersion.version,
        comparable,
        counterparts: found,
        score: combineScores(perPoint),
        statuses: [...new Set(perPoint.map((x) => x.status))],
        ...(note ? { note } : {}),
      };
    });
  const items = versions[target].items.map((i) => ({ ...i, results: resultsOf(target, i.code) }));
  const unmatched = versions.flatMap((v, vi) =>
    vi === target ? [] : v.items.filter((i) => counterparts(chain, vi, i.code, target).length === 0).map((i) => ({ version: v.version, code: i.code, title: i.title, results: resultsOf(vi, i.code) })),
  );
  return { items, retired: unmatched };
}

async function trendScope(db: Db, actor: Actor, catalogueCode: string, versionLabel?: string) {
  const catalogue = await visibleCatalogue(db, actor, catalogueCode);
  const versions = await loadChain(db, catalogue.id);
  const target = versionLabel === undefined ? versions.length - 1 : versions.findIndex((v) => v.version === versionLabel);
  if (target < 0) throw notFound('catalogue version');
  return { catalogue, versions, target };
}

async function pinnedRounds(db: Db, actor: Actor, versions: Version[], unitId?: string) {
  const rounds = await db.round.findMany({
    where: { AND: [roundWhere(actor), { catalogueVersionId: { in: versions.map((v) => v.id) }, status: { not: 'cancelled' } }, unitId ? { units: { some: { unitId } } } : {}] },
    orderBy: [{ launchedAt: 'asc' }, { id: 'asc' }],
  });
  return rounds.map((r) => ({ row: r, versionIndex: versions.findIndex((v) => v.id === r.catalogueVersionId) }));
}

/** Counted in the database per round, point and status, so a national round's tasks never travel. */
async function pointScores(db: Db, actor: Actor, rounds: Awaited<ReturnType<typeof pinnedRounds>>, unitId?: string): Promise<Scores> {
  const groups = await db.task.groupBy({
    by: ['roundId', 'templateId', 'status'],
    where: { AND: [taskWhere(actor), { roundId: { in: rounds.map((r) => r.row.id) } }, unitId ? { unitId } : {}] },
    _count: { _all: true, reviewScore: true },
    _sum: { reviewScore: true },
  });
  const items = await db.catalogueItem.findMany({ where: { templateId: { in: [...new Set(groups.map((g) => g.templateId))] } }, select: { templateId: true, code: true } });
  const pointOf = new Map(items.map((i) => [i.templateId!, i.code]));
  const closed = new Set(rounds.filter((r) => r.row.status === 'closed').map((r) => r.row.id));
  const scores: Scores = new Map();
  for (const g of groups) {
    const code = pointOf.get(g.templateId);
    if (!code) continue;
    const byPoint = scores.get(g.roundId) ?? new Map<string, Tally[]>();
    byPoint.set(code, [...(byPoint.get(code) ?? []), tally(g.status, g._count._all, { sum: g._sum.reviewScore ?? 0, n: g._count.reviewScore }, closed.has(g.roundId))]);
    scores.set(g.roundId, byPoint);
  }
  return scores;
}

const roundView = (r: Awaited<ReturnType<typeof pinnedRounds>>[number], versions: Version[]) => ({
  roundId: r.row.id, title: r.row.title, period: r.row.period, version: versions[r.versionIndex].version, status: r.row.status, launchedAt: r.row.launchedAt.toISOString(),
});

/** A unit's results across rounds pinned to any version of a catalogue, read into one version through the crosswalks. */
export async function unitTrend({ db }: UseCaseContext, actor: Actor, unitCode: string, query: { catalogue: string; version?: string }) {
  const unit = await visibleUnit(db, actor, unitCode);
  const { catalogue, versions, target } = await trendScope(db, actor, query.catalogue, query.version);
  const rounds = await pinnedRounds(db, actor, versions, unit.id);
  const scores = await pointScores(db, actor, rounds, unit.id);
  const { items, retired } = trend(versions, target, rounds.map((r) => ({ id: r.row.id, versionIndex: r.versionIndex })), scores);
  return { catalogueCode: catalogue.code, version: versions[target].version, unitCode: unit.code, rounds: rounds.map((r) => roundView(r, versions)), items, retired };
}

/**
 * The same across every unit the office sees: an item's score in a round is the mean of every
 * visible unit's scores on the points at or below its counterparts.
 */
export async function catalogueResults({ db }: UseCaseContext, actor: Actor, catalogueCode: string, query: { version?: string }) {
  const { catalogue, versions, target } = await trendScope(db, actor, catalogueCode, query.version);
  const rounds = await pinnedRounds(db, actor, versions);
  const scores = await pointScores(db, actor, rounds);
  const { items, retired } = trend(versions, target, rounds.map((r) => ({ id: r.row.id, versionIndex: r.versionIndex })), scores);
  return { catalogueCode: catalogue.code, version: versions[target].version, rounds: rounds.map((r) => roundView(r, versions)), items, retired };
}
