import type { Calendars, WorkingCalendar } from '../activities/calendar';
import { sqlPathUnder, visibleOffice, visibleRound, type Viewer } from '../access/visibility';
import {
  DEFAULT_BOARD_RULE, LIGHTS, boardLight, elapsedShare, emptyTotals, lightRank, paceFactor, worstFirst, worstOf,
  type BoardMoment, type BoardRule, type Light, type LightTotals,
} from '../domain/board';
import { endOfShanghaiDay, shanghaiDate } from '../domain/time';
import { levelRank, type EscalationLevel } from '../domain/vocabulary';
import { Prisma, type Db } from '../src/db';
import type { RoundSpec } from '../store/roundSpec';

type RoundRow = Awaited<ReturnType<typeof visibleRound>>;

/** One unit of the board before its name and due-soon count are looked up (only the page's rows need them). */
export interface ClassifiedUnit {
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
  nextDueAt: Date | null;
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

/**
 * A round_units row's light as SQL, for the board's own queries: 20,000 units are classified, counted and sorted in
 * the database and only a page travels. The CASE is `boardLight` (domain/board.ts) over the same counts and the
 * same numbers (the pace factor and the due-soon instant computed there); the integration tests hold the two to the
 * same answers.
 */
function lightSql({ rule, moment }: BoardContext) {
  return Prisma.sql`CASE WHEN ru.overdue_count > 0 THEN 0
                WHEN ru.returned_count > 0
                  OR ru.accepted_count + ru.waived_count + ru.submitted_count < floor(ru.task_count * ${paceFactor(moment.elapsedShare, rule.pace)}::float8 + 1e-9::float8) THEN 1
                WHEN ru.next_due_at <= ${new Date(moment.dueSoonBy)}::timestamptz THEN 2
                ELSE 3 END`;
}

/** What the board shows of a unit: the columns `packed` reads, from round_units `ru`, units `u` and offices `o`. */
const UNIT_COLUMNS = Prisma.sql`ru.unit_id, u.code AS unit_code, o.code AS office_code, o.path AS office_path,
           ru.task_count, ru.accepted_count, ru.submitted_count, ru.returned_count, ru.overdue_count, ru.waived_count,
           ru.escalated_count, ru.max_escalation_level, ru.next_due_at`;

const UNITS_JOINED = Prisma.sql`round_units ru JOIN units u ON u.id = ru.unit_id JOIN offices o ON o.id = u.office_id`;

const inScope = ({ round, scope }: BoardContext) => Prisma.sql`ru.round_id = ${round.id}::uuid AND ${sqlPathUnder(scope.path, 'o')}`;

/** The units of the board's scope with their light and everything shown of them. */
function classifiedUnits(ctx: BoardContext) {
  return Prisma.sql`SELECT ${UNIT_COLUMNS}, ${lightSql(ctx)} AS light FROM ${UNITS_JOINED} WHERE ${inScope(ctx)}`;
}

/**
 * The units of the board's scope with only what the page is counted, filtered and sorted by: rows a third as wide
 * to keep and sort (a fifth less time for a 20,000-unit board, bench/RESULTS.md); the page's own rows are read after.
 */
function classifiedKeys(ctx: BoardContext) {
  return Prisma.sql`SELECT ru.unit_id, u.code AS unit_code, ru.overdue_count, ru.max_escalation_level, ru.returned_count, ${lightSql(ctx)} AS light
    FROM ${UNITS_JOINED} WHERE ${inScope(ctx)}`;
}

/** One unit's row as the board query packs it: a JSON array, so 20,000 rows travel as one value. */
type PackedRow = [string, string, string, string, number, number, number, number, number, number, number, EscalationLevel | null, number | null];

const packed = Prisma.sql`json_build_array(
  unit_id, unit_code, office_code, office_path, task_count, accepted_count, submitted_count, returned_count,
  overdue_count, waived_count, escalated_count, max_escalation_level, (extract(epoch FROM next_due_at) * 1000)::bigint)`;

function unpack([unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt]: PackedRow, light: Light): ClassifiedUnit {
  return { unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt: nextDueAt === null ? null : new Date(nextDueAt), light };
}

/**
 * Every unit of a round in the caller's subtree (or the office asked for within it), each
 * classified by `boardLight`, worst first; for documents, which show every unit.
 */
export async function loadBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, officeCode: string | undefined, now: number): Promise<Board> {
  const ctx = await boardContext(db, calendars, viewer, roundId, officeCode, now);
  const [row] = await db.$queryRaw<Array<{ rows: string | null }>>(Prisma.sql`SELECT json_agg(${packed})::text AS rows FROM (${classifiedUnits(ctx)}) b`);
  const totals = emptyTotals();
  const units = (JSON.parse(row?.rows ?? '[]') as PackedRow[]).map((r) => {
    const [, , , , tasks, accepted, submitted, returned, overdue, waived, , , nextDueAt] = r;
    const light = boardLight({ tasks, submitted, accepted, returned, overdue, waived, nextDueAt }, ctx.moment, ctx.rule);
    totals[light]++;
    return unpack(r, light);
  });
  units.sort(worstFirst);
  return { ...ctx, units, totals };
}

/** Names and due-soon counts of the units about to be shown. */
export async function describeUnits(db: Db, board: { round: { id: string }; moment: BoardMoment }, units: ClassifiedUnit[]) {
  const ids = units.map((u) => u.unitId);
  if (ids.length === 0) return [];
  const [names, dueSoon] = await Promise.all([
    db.unit.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    db.task.groupBy({
      by: ['unitId'],
      where: { roundId: board.round.id, unitId: { in: ids }, status: { in: ['issued', 'returned'] }, dueAt: { lte: new Date(board.moment.dueSoonBy) } },
      _count: { _all: true },
    }),
  ]);
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const dueSoonOf = new Map(dueSoon.map((d) => [d.unitId, d._count._all]));
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

const ORDER = Prisma.sql`light, overdue_count DESC, max_escalation_level DESC NULLS LAST, returned_count DESC, unit_code COLLATE "C"`;

/** GET /rounds/{id}/board: the units of the caller's subtree, worst first, with totals per light. One query. */
export async function getBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, now = Date.now()) {
  const ctx = await boardContext(db, calendars, viewer, roundId, query.officeCode, now);
  const filter = Prisma.sql`${query.light ? Prisma.sql`light = ${LIGHTS.indexOf(query.light)}` : Prisma.sql`true`} AND ${query.unitCode ? Prisma.sql`unit_code = ${query.unitCode}` : Prisma.sql`true`}`;
  const [row] = await db.$queryRaw<Array<{ result: string }>>(Prisma.sql`
    WITH b AS MATERIALIZED (${classifiedKeys(ctx)}),
         page AS (SELECT unit_id, light FROM b WHERE ${filter} ORDER BY ${ORDER} LIMIT ${query.limit} OFFSET ${query.offset})
    SELECT json_build_object(
      'totals', (SELECT coalesce(json_object_agg(light, n), '{}') FROM (SELECT light, count(*) AS n FROM b GROUP BY light) t),
      'count', (SELECT count(*) FROM b WHERE ${filter}),
      'rows', (SELECT coalesce(json_agg(json_build_array(${packed}, light) ORDER BY ${ORDER}), '[]')
               FROM (SELECT ${UNIT_COLUMNS}, page.light FROM page JOIN (${UNITS_JOINED}) ON ru.round_id = ${ctx.round.id}::uuid AND ru.unit_id = page.unit_id) p)
    )::text AS result`);
  const result = JSON.parse(row.result) as { totals: Record<string, number>; count: number; rows: Array<[PackedRow, number]> };
  const totals = emptyTotals();
  for (const [i, n] of Object.entries(result.totals)) totals[LIGHTS[Number(i)]] = n;
  const page = result.rows.map(([r, light]) => unpack(r, LIGHTS[light]));
  return {
    ...pageHead(ctx, now, query, totals, result.count),
    units: await describeUnits(db, { round: ctx.round, moment: ctx.moment }, page),
  };
}

/** What both board answers begin with: the round, the scope, the instant and rule they were judged by, and the page. */
function pageHead<R>(ctx: { round: { id: string }; scope: { code: string }; rule: R }, now: number, query: { limit: number; offset: number }, totals: LightTotals, count: number) {
  return { roundId: ctx.round.id, officeCode: ctx.scope.code, asOf: new Date(now).toISOString(), rule: ctx.rule, totals, count, limit: query.limit, offset: query.offset };
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

export const groupsOf = (units: ClassifiedUnit[]): LightGroup[] => units.map((u) => ({ ...u, units: 1 }));

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

/** GET /rounds/{id}/board/offices: the board's lights rolled up per office of the caller's subtree; grouped in the database. */
export async function getOfficeBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, now = Date.now()) {
  const ctx = await boardContext(db, calendars, viewer, roundId, query.officeCode, now);
  const rows = await db.$queryRaw<Array<{ office_path: string; light: number; units: number; tasks: number; accepted: number; submitted: number; returned: number; overdue: number; level: EscalationLevel | null }>>(Prisma.sql`
    SELECT office_path, light, count(*)::int AS units, sum(task_count)::int AS tasks, sum(accepted_count)::int AS accepted, sum(submitted_count)::int AS submitted,
           sum(returned_count)::int AS returned, sum(overdue_count)::int AS overdue, max(max_escalation_level)::text AS level
    FROM (${classifiedUnits(ctx)}) b GROUP BY office_path, light`);
  const totals = emptyTotals();
  const groups = rows.map((r): LightGroup => {
    totals[LIGHTS[r.light]] += r.units;
    return { officePath: r.office_path, light: LIGHTS[r.light], units: r.units, tasks: r.tasks, accepted: r.accepted, submitted: r.submitted, returned: r.returned, overdue: r.overdue, escalationLevel: r.level };
  });
  const offices = await rollUpOffices(db, ctx.scope.path, groups);
  const matching = query.light ? offices.filter((o) => o.light === query.light) : offices;
  return {
    ...pageHead(ctx, now, query, totals, matching.length),
    offices: matching.slice(query.offset, query.offset + query.limit),
  };
}
