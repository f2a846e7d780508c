import type { Calendars } from '../activities/calendar';
import { sqlPathUnder, visibleOffice, visibleRound, type Viewer } from '../access/visibility';
import {
  DEFAULT_BOARD_RULE, boardLight, elapsedShare, emptyTotals, lightRank, worstFirst, worstOf,
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
export async function boardMoment(calendars: Calendars, round: { launchedAt: Date; closesAt: Date; closedAt: Date | null }, rule: BoardRule, now: number): Promise<BoardMoment> {
  const calendar = await calendars.current();
  const until = calendar.shift(shanghaiDate(now), rule.dueSoonWorkingDays).date;
  const at = round.closedAt ? Math.min(now, round.closedAt.getTime()) : now;
  return { elapsedShare: elapsedShare(round.launchedAt.getTime(), round.closesAt.getTime(), at), dueSoonBy: endOfShanghaiDay(until).getTime() };
}

/** One unit's row as the board query packs it: a JSON array, so 20,000 rows travel as one value. */
type PackedRow = [string, string, string, string, number, number, number, number, number, number, number, EscalationLevel | null, number | null];

/**
 * Every unit of a round in the caller's subtree (or the office asked for within it), with its
 * light, worst first. Reads the per-unit counts the triggers keep in round_units: one row per
 * unit, never a count over tasks.
 */
export async function loadBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, officeCode: string | undefined, now: number): Promise<Board> {
  const round = await visibleRound(db, viewer, roundId);
  const scope = officeCode ? await visibleOffice(db, viewer, officeCode) : viewer.office!;
  const rule = (round.spec as unknown as RoundSpec).board ?? DEFAULT_BOARD_RULE;
  const [moment, rows] = await Promise.all([
    boardMoment(calendars, round, rule, now),
    db.$queryRaw<Array<{ rows: string | null }>>(Prisma.sql`
      SELECT json_agg(json_build_array(
               ru.unit_id, u.code, o.code, o.path, ru.task_count, ru.accepted_count, ru.submitted_count, ru.returned_count,
               ru.overdue_count, ru.waived_count, ru.escalated_count, ru.max_escalation_level, (extract(epoch FROM ru.next_due_at) * 1000)::bigint))::text AS rows
      FROM round_units ru JOIN units u ON u.id = ru.unit_id JOIN offices o ON o.id = u.office_id
      WHERE ru.round_id = ${round.id}::uuid AND ${sqlPathUnder(scope.path, 'o')}`),
  ]);
  const packed = JSON.parse(rows[0]?.rows ?? '[]') as PackedRow[];
  const totals = emptyTotals();
  const units = packed.map(([unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt]): ClassifiedUnit => {
    const light = boardLight({ tasks, submitted, accepted, returned, overdue, waived, nextDueAt }, moment, rule);
    totals[light]++;
    return { unitId, unitCode, officeCode, officePath, tasks, accepted, submitted, returned, overdue, waived, escalated, escalationLevel, nextDueAt: nextDueAt === null ? null : new Date(nextDueAt), light };
  });
  units.sort(worstFirst);
  return { round, rule, moment, scope: { code: scope.code, path: scope.path }, units, totals };
}

/** Names and due-soon counts of the units about to be shown. */
export async function describeUnits(db: Db, board: Board, units: ClassifiedUnit[]) {
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
  limit: number;
  offset: number;
}

/** GET /rounds/{id}/board: the units of the caller's subtree, worst first, with totals per light. */
export async function getBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, now = Date.now()) {
  const board = await loadBoard(db, calendars, viewer, roundId, query.officeCode, now);
  const matching = query.light ? board.units.filter((u) => u.light === query.light) : board.units;
  const page = matching.slice(query.offset, query.offset + query.limit);
  return {
    roundId: board.round.id,
    officeCode: board.scope.code,
    asOf: new Date(now).toISOString(),
    rule: board.rule,
    totals: board.totals,
    count: matching.length,
    limit: query.limit,
    offset: query.offset,
    units: await describeUnits(db, board, page),
  };
}

export interface OfficeRollup {
  officeCode: string;
  officeName: string;
  level: string;
  parentCode: string | null;
  units: number;
  tasks: number;
  accepted: number;
  submitted: number;
  returned: number;
  overdue: number;
  escalationLevel: EscalationLevel | null;
  lights: LightTotals;
  light: Light;
}

/** Each office of the board's scope with every unit of its own subtree counted in it, worst first. */
export async function rollUpOffices(db: Db, board: Board): Promise<OfficeRollup[]> {
  const offices = await db.$queryRaw<Array<{ code: string; name: string; level: string; path: string }>>(Prisma.sql`
    SELECT o.code, o.name, o.level::text AS level, o.path FROM offices o WHERE ${sqlPathUnder(board.scope.path, 'o')}`);
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
  for (const u of board.units) {
    for (let i = u.officePath.indexOf('/', 1); i !== -1; i = u.officePath.indexOf('/', i + 1)) {
      const row = byPath.get(u.officePath.slice(0, i + 1));
      if (!row) continue;
      row.units++;
      row.tasks += u.tasks;
      row.accepted += u.accepted;
      row.submitted += u.submitted;
      row.returned += u.returned;
      row.overdue += u.overdue;
      row.lights[u.light]++;
      if (levelRank(u.escalationLevel) > levelRank(row.escalationLevel)) row.escalationLevel = u.escalationLevel;
    }
  }
  // Offices none of whose units are in the round have nothing to show.
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

/** GET /rounds/{id}/board/offices: the board's lights rolled up per office of the caller's subtree. */
export async function getOfficeBoard(db: Db, calendars: Calendars, viewer: Viewer, roundId: string, query: BoardQuery, now = Date.now()) {
  const board = await loadBoard(db, calendars, viewer, roundId, query.officeCode, now);
  const offices = await rollUpOffices(db, board);
  const matching = query.light ? offices.filter((o) => o.light === query.light) : offices;
  return {
    roundId: board.round.id,
    officeCode: board.scope.code,
    asOf: new Date(now).toISOString(),
    rule: board.rule,
    totals: board.totals,
    count: matching.length,
    limit: query.limit,
    offset: query.offset,
    offices: matching.slice(query.offset, query.offset + query.limit),
  };
}
