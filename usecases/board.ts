import type { Calendars, WorkingCalendar } from '../activities/calendar';
import { sqlPathUnder, visibleOffice, visibleRound, type Viewer } from '../access/visibility';
import {
  DEFAULT_BOARD_RULE, LIGHTS, boardLight, elapsedShare, emptyTotals, lightRank, replaceChanged, worstOf,
  type BoardMoment, type BoardRule, type Light, type LightTotals,
} from '../domain/board';
import { endOfShanghaiDay, shanghaiDate } from '../domain/time';
import { levelRank, type EscalationLevel } from '../domain/vocabulary';
import type { Config } from '../src/config';
import { Prisma, type Db } from '../src/db';
import type { RoundSpec } from '../store/roundSpec';
import { BoardSnapshots, type Loaded, type Snapshot, type SnapshotLog, type WaitReason } from './boardSnapshots';
import { noLap, type Lap } from './context';

type RoundRow = Awaited<ReturnType<typeof visibleRound>>;

/** One unit of the board as round_units counts it, before its light is judged. */
export interface UnitCounts {
  unitId: string;
  unitCode: string;
  officeCode: string;
  officePath: string;
  tasks: number;
  accepted: number;
  submitted: number;
  returned: number;
  overdue: number;
  waived: number;
  escalated: number;
  escalationLevel: EscalationLevel | null;
  /** The earliest due instant (ms) among its open tasks. */
  nextDueAt: number | null;
}

/** One unit with its light; its name and due-soon count are looked up for the shown rows only. */
export interface ClassifiedUnit extends UnitCounts {
  light: Light;
}

export interface Board {
  round: RoundRow;
  rule: BoardRule;
  moment: BoardMoment;
  /** The office whose subtree the board covers: the caller's, or the one asked for within it. */
  scope: { code: string; path: string };
  /** Every unit in scope, worst first. */
  units: ClassifiedUnit[];
  totals: LightTotals;
  /** The units added up per office and light, for the roll-up. */
  groups: LightGroup[];
}

/** The instant "due soon" reaches: the end of the n-th working day from today, in the calendar in force. */
export function boardMoment(calendar: WorkingCalendar, round: { launchedAt: Date; closesAt: Date; closedAt: Date | null }, rule: BoardRule, now: number): BoardMoment {
  const until = calendar.shift(shanghaiDate(now), rule.dueSoonWorkingDays).date;
  const at = round.closedAt ? Math.min(now, round.closedAt.getTime()) : now;
  return { elapsedShare: elapsedShare(round.launchedAt.getTime(), round.closesAt.getTime(), at), dueSoonBy: endOfShanghaiDay(until).getTime() };
}

interface BoardContext {
  round: RoundRow;
  rule: BoardRule;
  moment: BoardMoment;
  scope: { code: string; path: string };
}

async function boardContext(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, officeCode: string | undefined, now: number): Promise<BoardContext> {
  const [round, scope, calendar] = await Promise.all([
    visibleRound(db, viewer, roundId),
    officeCode ? visibleOffice(db, viewer, officeCode) : viewer.office!,
    calendars.current(),
  ]);
  const rule = (round.spec as unknown as RoundSpec).board ?? DEFAULT_BOARD_RULE;
  return { round, rule, moment: boardMoment(calendar, round, rule, now), scope: { code: scope.code, path: scope.path } };
}

/** One unit's counts as the query packs them: a JSON array, so 20,000 rows travel as one value. */
type PackedRow = [string, string, string, string, number, number, number, number, number, number, number, EscalationLevel | null, number | null];

/**
 * Where a scope's next load may start from: the snapshot of the last one (`pg_current_snapshot()`: which
 * transactions it saw), and a digest of who was in the scope then (each unit with its code and office's path).
 */
export interface CountsMark {
  seen: string;
  members: string;
}

/**
 * The counts of the units of a round in an office's subtree, in the board's order within a light (more overdue, a
 * higher rung of the ladder, more returned, then by code: `worseWithinLight`). With `since` (a load's snapshot), only
 * the units whose counts a transaction wrote that it did not see; the mark covers the whole scope either way.
 */
async function queryUnitCounts(db: Db, roundId: string, scopePath: string, since: string | null): Promise<{ rows: UnitCounts[]; mark: CountsMark }> {
  const changed = since === null
    ? Prisma.sql`true`
    : Prisma.sql`ru.counts_xid IS NOT NULL AND NOT pg_visible_in_snapshot(ru.counts_xid::text::xid8, ${since}::pg_snapshot)`;
  const [row] = await db.$queryRaw<Array<{ rows: string; seen: string; members: string }>>(Prisma.sql`
    SELECT coalesce(json_agg(json_build_array(
             ru.unit_id, u.code, o.code, o.path, ru.task_count, ru.accepted_count, ru.submitted_count, ru.returned_count,
             ru.overdue_count, ru.waived_count, ru.escalated_count, ru.max_escalation_level, (extract(epoch FROM ru.next_due_at) * 1000)::bigint)
           ORDER BY ru.overdue_count DESC, ru.max_escalation_level DESC NULLS LAST, ru.returned_count DESC, u.code COLLATE "C")
           FILTER (WHERE ${changed}), '[]')::text AS rows,
           pg_current_snapshot()::text AS seen,
           count(*) || ' ' || coalesce(bit_xor(hashtextextended(ru.unit_id::text || ' ' || u.code || ' ' || o.path, 0)), 0) AS members
    FROM round_units ru JOIN units u ON u.id = ru.unit_id JOIN offices o ON o.id = u.office_id
    WHERE ru.round_id = ${roundId}::uuid AND ${sqlPathUnder(scopePath, 'o')}`);
  const rows = (JSON.parse(row.rows) as PackedRow[]).map(
    ([unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt]) =>
      ({ unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt }),
  );
  return { rows, mark: { seen: row.seen, members: row.members } };
}

/**
 * The counts of every unit of a round in an office's subtree, in the board's order within a light. Given what was
 * kept from an earlier load, only the units whose counts changed since are read and put in their places, unless
 * who is in the scope changed (a unit moved, joined or left, an office moved in the tree): then everything is read again.
 */
export async function loadUnitCounts(db: Db, roundId: string, scopePath: string, kept?: Snapshot<UnitCounts, CountsMark>): Promise<Loaded<UnitCounts, CountsMark>> {
  if (kept?.mark) {
    const changed = await queryUnitCounts(db, roundId, scopePath, kept.mark.seen);
    if (changed.mark.members === kept.mark.members) return { rows: replaceChanged(kept.rows, changed.rows), mark: changed.mark };
  }
  return queryUnitCounts(db, roundId, scopePath, null);
}

/** A scope's units judged at the board's moment: the totals per light and, per light, the units kept by the filter. */
interface Classified {
  totals: LightTotals;
  /** Per light (LIGHTS' order), its units in the board's order; the rows themselves, not copies. */
  byLight: UnitCounts[][];
}

/**
 * Each unit judged by `boardLight` at the board's moment. The rows come in the board's order within a light, so
 * one pass puts every light's units in order; no row is copied (20,000 copies cost more than the judging).
 */
function classify(rows: UnitCounts[], ctx: BoardContext, keep: (u: UnitCounts, light: Light) => boolean = () => true): Classified {
  const totals = emptyTotals();
  const byLight: UnitCounts[][] = LIGHTS.map(() => []);
  for (const row of rows) {
    const light = boardLight(row, ctx.moment, ctx.rule);
    totals[light]++;
    if (keep(row, light)) byLight[lightRank(light)].push(row);
  }
  return { totals, byLight };
}

const countOf = ({ byLight }: Classified) => byLight.reduce((n, units) => n + units.length, 0);

/** The classified units worst first, from `offset`, at most `limit` of them, each with its light. */
function inOrder({ byLight }: Classified, offset = 0, limit = Infinity): ClassifiedUnit[] {
  const out: ClassifiedUnit[] = [];
  let skip = offset;
  for (const [i, units] of byLight.entries()) {
    for (const u of units.slice(skip, skip + limit - out.length)) out.push({ ...u, light: LIGHTS[i] });
    skip = Math.max(0, skip - units.length);
  }
  return out;
}

/** The classified units added up per office and light: what the roll-up adds up the office tree. */
function lightGroups({ byLight }: Classified): LightGroup[] {
  const groups = new Map<string, LightGroup>();
  for (const [i, units] of byLight.entries()) {
    const light = LIGHTS[i];
    for (const u of units) {
      const key = `${light} ${u.officePath}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { officePath: u.officePath, light, units: 0, tasks: 0, accepted: 0, submitted: 0, returned: 0, overdue: 0, escalationLevel: null }));
      g.units++;
      g.tasks += u.tasks;
      g.accepted += u.accepted;
      g.submitted += u.submitted;
      g.returned += u.returned;
      g.overdue += u.overdue;
      if (levelRank(u.escalationLevel) > levelRank(g.escalationLevel)) g.escalationLevel = u.escalationLevel;
    }
  }
  return [...groups.values()];
}

/** Where the API's boards read a scope's counts: through the snapshots kept for large scopes (usecases/boardSnapshots.ts). */
export type BoardSource = BoardSnapshots<UnitCounts, CountsMark>;

export function boardSource(config: Pick<Config, 'DUBAN_BOARD_SNAPSHOT_UNITS' | 'DUBAN_BOARD_SNAPSHOT_SECONDS' | 'DUBAN_BOARD_SNAPSHOT_STALE_SECONDS'>, log?: SnapshotLog): BoardSource {
  return new BoardSnapshots<UnitCounts, CountsMark>({
    minUnits: config.DUBAN_BOARD_SNAPSHOT_UNITS,
    maxAgeMs: config.DUBAN_BOARD_SNAPSHOT_SECONDS * 1000,
    staleMs: config.DUBAN_BOARD_SNAPSHOT_STALE_SECONDS * 1000,
    log,
  });
}

/** A scope as the source keeps it: its key (the round and the office's path) and how its counts are loaded. */
function boardScope(db: Db, roundId: string, scopePath: string) {
  return { key: `${roundId} ${scopePath}`, load: (kept?: Snapshot<UnitCounts, CountsMark>) => loadUnitCounts(db, roundId, scopePath, kept) };
}

/**
 * The counts of the board's scope, and since when they hold: loaded now, or a large scope's kept snapshot. The lap
 * `counts` says which: "kept", or "loaded: " and why this read waited (`WaitReason`).
 */
async function scopeCounts(db: Db, source: BoardSource, ctx: BoardContext, lap: Lap): Promise<Snapshot<UnitCounts, CountsMark>> {
  let waited: WaitReason | undefined;
  const { key, load } = boardScope(db, ctx.round.id, ctx.scope.path);
  const counts = await source.read(key, load, (reason) => (waited = reason));
  lap('counts', waited ? `loaded: ${waited}` : 'kept');
  return counts;
}

/**
 * Loads the counts of a round's board for the office that launched it, behind the launch: its staff open that board
 * next, and a national round's first read would otherwise wait for 20,000 units' counts while the round issues.
 * The scope is the launcher's own subtree, which holds every unit of the round it launched; a round smaller than the
 * kept scopes is left to be counted at each read.
 */
export async function warmBoard(db: Db, source: BoardSource, launcher: Viewer, round: { id: string; unitCount: number }): Promise<void> {
  if (!source.keeps(round.unitCount)) return;
  const { key, load } = boardScope(db, round.id, launcher.office!.path);
  await source.warm(key, load);
}

/**
 * Every unit of a round in the caller's subtree (or the office asked for within it), each
 * classified by `boardLight`, worst first; for documents, which show every unit, from counts loaded now.
 */
export async function loadBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, officeCode: string | undefined, now: number): Promise<Board> {
  const ctx = await boardContext(db, calendars, viewer, roundId, officeCode, now);
  const { rows } = await loadUnitCounts(db, ctx.round.id, ctx.scope.path);
  const classified = classify(rows, ctx);
  return { ...ctx, totals: classified.totals, units: inOrder(classified), groups: lightGroups(classified) };
}

/** Names and due-soon counts of the units about to be shown. */
export async function describeUnits(db: Db, board: { round: { id: string }; moment: BoardMoment }, units: ClassifiedUnit[]) {
  const ids = units.map((u) => u.unitId);
  if (ids.length === 0) return [];
  const [names, dueSoon] = await Promise.all([
    db.unit.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    // The status is compared as text so that only the (round, unit) index can serve this: while a round's lists
    // are first written, the tasks table has no statistics yet, and the planner would otherwise take the
    // (round, status) index and read every open task of the round (0.33 s at 600,000 tasks, against 2 ms).
    db.$queryRaw<Array<{ unitId: string; dueSoon: number }>>(Prisma.sql`
      SELECT unit_id AS "unitId", count(*)::int AS "dueSoon" FROM tasks
      WHERE round_id = ${board.round.id}::uuid AND unit_id = ANY(${ids}::uuid[])
        AND status::text IN ('issued', 'returned') AND due_at <= ${new Date(board.moment.dueSoonBy)}::timestamptz
      GROUP BY unit_id`),
  ]);
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const dueSoonOf = new Map(dueSoon.map((d) => [d.unitId, d.dueSoon]));
  return units.map((u) => ({
    unitCode: u.unitCode,
    unitName: nameOf.get(u.unitId) ?? u.unitCode,
    officeCode: u.officeCode,
    tasks: u.tasks,
    accepted: u.accepted,
    submitted: u.submitted,
    returned: u.returned,
    overdue: u.overdue,
    waived: u.waived,
    dueSoon: dueSoonOf.get(u.unitId) ?? 0,
    escalationLevel: u.escalationLevel,
    light: u.light,
  }));
}

export interface BoardQuery {
  officeCode?: string;
  light?: Light;
  unitCode?: string;
  limit: number;
  offset: number;
}

/**
 * GET /rounds/{id}/board: the units of the caller's subtree, worst first, with totals per light. The lights are
 * judged at the read; the counts are the scope's, loaded now or (a large scope) kept for a few seconds.
 */
export async function getBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, source: BoardSource, lap: Lap = noLap, now = Date.now()) {
  const { ctx, countsAsOf, classified } = await judgedScope(db, calendars, viewer, roundId, query.officeCode, source, lap, now,
    (u, light) => (!query.light || light === query.light) && (!query.unitCode || u.unitCode === query.unitCode));
  const units = await describeUnits(db, { round: ctx.round, moment: ctx.moment }, inOrder(classified, query.offset, query.limit));
  lap('units');
  return { ...pageHead(ctx, now, countsAsOf, query, classified.totals, countOf(classified)), units };
}

/** What both board answers are drawn from: the round and scope the caller may see, their counts, and each unit judged. */
async function judgedScope(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, officeCode: string | undefined, source: BoardSource, lap: Lap, now: number, keep?: (u: UnitCounts, light: Light) => boolean) {
  const ctx = await boardContext(db, calendars, viewer, roundId, officeCode, now);
  lap('scope');
  const counts = await scopeCounts(db, source, ctx, lap);
  const classified = classify(counts.rows, ctx, keep);
  lap('lights');
  return { ctx, countsAsOf: counts.loadedAt, classified };
}

/** What both board answers begin with: the round, the scope, the instant and rule they were judged by, and the page. */
function pageHead<R>(ctx: { round: { id: string }; scope: { code: string }; rule: R }, now: number, countsAsOf: number, query: { limit: number; offset: number }, totals: LightTotals, count: number) {
  return {
    roundId: ctx.round.id, officeCode: ctx.scope.code, asOf: new Date(now).toISOString(), countsAsOf: new Date(countsAsOf).toISOString(),
    rule: ctx.rule, totals, count, limit: query.limit, offset: query.offset,
  };
}

/** What a number of units add up to: their tasks by state and the highest ladder level reached. */
interface Tally {
  units: number;
  tasks: number;
  accepted: number;
  submitted: number;
  returned: number;
  overdue: number;
  escalationLevel: EscalationLevel | null;
}

export interface OfficeRollup extends Tally {
  officeCode: string;
  officeName: string;
  level: string;
  parentCode: string | null;
  lights: LightTotals;
  light: Light;
}

/** Units of one office with one light: what the roll-up adds up. */
export interface LightGroup extends Tally {
  officePath: string;
  light: Light;
}

/** Each office of the scope with every unit of its own subtree counted in it, worst first; offices with no unit in the round are left out. */
export async function rollUpOffices(db: Db, scopePath: string, groups: LightGroup[]): Promise<OfficeRollup[]> {
  const offices = await db.$queryRaw<Array<{ code: string; name: string; level: string; path: string }>>(Prisma.sql`
    SELECT o.code, o.name, o.level::text AS level, o.path FROM offices o WHERE ${sqlPathUnder(scopePath, 'o')}`);
  const byPath = new Map(
    offices.map((o) => {
      const parts = o.path.split('/').filter(Boolean);
      const row: OfficeRollup = {
        officeCode: o.code, officeName: o.name, level: o.level, parentCode: parts.length > 1 ? parts[parts.length - 2] : null,
        units: 0, tasks: 0, accepted: 0, submitted: 0, returned: 0, overdue: 0, escalationLevel: null, lights: emptyTotals(), light: 'green',
      };
      return [o.path, row];
    }),
  );
  for (const g of groups) {
    for (let i = g.officePath.indexOf('/', 1); i !== -1; i = g.officePath.indexOf('/', i + 1)) {
      const row = byPath.get(g.officePath.slice(0, i + 1));
      if (!row) continue;
      row.units += g.units;
      row.tasks += g.tasks;
      row.accepted += g.accepted;
      row.submitted += g.submitted;
      row.returned += g.returned;
      row.overdue += g.overdue;
      row.lights[g.light] += g.units;
      if (levelRank(g.escalationLevel) > levelRank(row.escalationLevel)) row.escalationLevel = g.escalationLevel;
    }
  }
  const rows = [...byPath.values()].filter((r) => r.units > 0);
  for (const row of rows) row.light = worstOf(row.lights);
  return rows.sort(
    (a, b) =>
      lightRank(a.light) - lightRank(b.light) ||
      b.lights.red - a.lights.red ||
      b.lights.yellow - a.lights.yellow ||
      b.units - a.units ||
      (a.officeCode < b.officeCode ? -1 : a.officeCode > b.officeCode ? 1 : 0),
  );
}

/** GET /rounds/{id}/board/offices: the board's lights rolled up per office of the caller's subtree, from the same counts. */
export async function getOfficeBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, source: BoardSource, lap: Lap = noLap, now = Date.now()) {
  const { ctx, countsAsOf, classified } = await judgedScope(db, calendars, viewer, roundId, query.officeCode, source, lap, now);
  const offices = await rollUpOffices(db, ctx.scope.path, lightGroups(classified));
  lap('offices');
  const matching = query.light ? offices.filter((o) => o.light === query.light) : offices;
  return {
    ...pageHead(ctx, now, countsAsOf, query, classified.totals, matching.length),
    offices: matching.slice(query.offset, query.offset + query.limit),
  };
}
