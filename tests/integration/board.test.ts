import { sql } from './support/db';
import { seedBoardRound, type BoardRound } from './support/board';
import { createOffice, createTaskTemplate, createUnit, root } from './support/fixtures';
import { expectProblem, expectStatus } from './support/http';
import { roundBody } from './support/rounds';

let round: BoardRound;

beforeAll(async () => {
  round = await seedBoardRound();
});

describe('the per-unit counts of a round', () => {
  it('when a round has had submissions, reviews, overdue steps and waivers, then the counts on round_units equal a count over its tasks', async () => {
    const mismatches = await sql(
      `SELECT ru.unit_id, ru.task_count, c.total, ru.issued_count, c.issued, ru.submitted_count, c.submitted, ru.accepted_count, c.accepted,
              ru.returned_count, c.returned, ru.overdue_count, c.overdue, ru.waived_count, c.waived, ru.escalated_count, c.escalated,
              ru.max_escalation_level, c.max_level, ru.next_due_at, c.next_due
       FROM round_units ru
       LEFT JOIN LATERAL (
         SELECT count(*)::int AS total,
                count(*) FILTER (WHERE status = 'issued')::int AS issued, count(*) FILTER (WHERE status = 'submitted')::int AS submitted,
                count(*) FILTER (WHERE status = 'accepted')::int AS accepted, count(*) FILTER (WHERE status = 'returned')::int AS returned,
                count(*) FILTER (WHERE status = 'overdue')::int AS overdue, count(*) FILTER (WHERE status = 'waived')::int AS waived,
                count(*) FILTER (WHERE escalation_level IN ('escalated', 'public_notice'))::int AS escalated,
                max(escalation_level) AS max_level, min(due_at) FILTER (WHERE status IN ('issued', 'returned')) AS next_due
         FROM tasks t WHERE t.round_id = ru.round_id AND t.unit_id = ru.unit_id) c ON true
       WHERE ru.round_id = $1
         AND (ru.task_count, ru.issued_count, ru.submitted_count, ru.accepted_count, ru.returned_count, ru.overdue_count, ru.waived_count, ru.escalated_count)
             IS DISTINCT FROM (c.total, c.issued, c.submitted, c.accepted, c.returned, c.overdue, c.waived, c.escalated)
          OR ru.max_escalation_level IS DISTINCT FROM c.max_level OR ru.next_due_at IS DISTINCT FROM c.next_due`,
      [round.id],
    );
    expect(mismatches).toEqual([]);
    const [states] = await sql<{ statuses: string[]; levels: string[] }>(
      `SELECT array_agg(DISTINCT status::text) AS statuses, array_agg(DISTINCT escalation_level::text) FILTER (WHERE escalation_level IS NOT NULL) AS levels FROM tasks WHERE round_id = $1`,
      [round.id],
    );
    expect(states.statuses.sort()).toEqual(['accepted', 'issued', 'overdue', 'returned', 'submitted', 'waived']);
    expect(states.levels).toContain('overdue');
  });

  it('when an office reads the round, then its counts are sums over its own subtree only', async () => {
    const city = expectStatus(await round.city.api.get(`/rounds/${round.id}`), 200);
    expect(city.counts).toEqual({ units: 4, tasks: 12, issued: 12, submitted: 1, accepted: 3, returned: 1, overdue: 1, waived: 1, escalated: 0 });
    const province = expectStatus(await root().get(`/rounds/${round.id}`), 200);
    expect(province.counts).toMatchObject({ units: 5, issued: 15, overdue: 2 });
  });
});

describe('the supervision board', () => {
  it('when the city office reads the board, then each of its units has its light, worst first, and the sibling office\'s unit is absent', async () => {
    const board = expectStatus(await round.city.api.get(`/rounds/${round.id}/board`), 200);
    expect(board.totals).toEqual({ red: 1, yellow: 1, blue: 1, green: 1 });
    expect(board.count).toBe(4);
    expect(board.units.map((u: { unitCode: string; light: string }) => [u.unitCode, u.light])).toEqual([
      [round.units.red.code, 'red'],
      [round.units.yellow.code, 'yellow'],
      [round.units.blue.code, 'blue'],
      [round.units.green.code, 'green'],
    ]);
    expect(board.units[0]).toEqual({
      unitCode: round.units.red.code, unitName: round.units.red.name, officeCode: round.city.code,
      tasks: 3, accepted: 0, submitted: 0, returned: 0, overdue: 1, waived: 0, dueSoon: 1, escalationLevel: 'overdue', light: 'red',
    });
    expect(board.units[2]).toMatchObject({ submitted: 1, waived: 1, dueSoon: 1 });
    expect(board.units[3]).toMatchObject({ accepted: 2, dueSoon: 0 });
    expect(JSON.stringify(board)).not.toContain(round.foreign.code);
  });

  it('when the board is filtered by light and paged, then only matching rows come back and the totals stay whole', async () => {
    const yellow = expectStatus(await round.city.api.get(`/rounds/${round.id}/board?light=yellow`), 200);
    expect(yellow.units.map((u: { unitCode: string }) => u.unitCode)).toEqual([round.units.yellow.code]);
    expect(yellow).toMatchObject({ count: 1, totals: { red: 1, yellow: 1, blue: 1, green: 1 } });
    const page = expectStatus(await round.city.api.get(`/rounds/${round.id}/board?limit=2&offset=1`), 200);
    expect(page.units.map((u: { unitCode: string }) => u.unitCode)).toEqual([round.units.yellow.code, round.units.blue.code]);
    expect(page).toMatchObject({ count: 4, limit: 2, offset: 1 });
  });

  it('when the province filters the board to one city office, then it sees only that office\'s units', async () => {
    const board = expectStatus(await root().get(`/rounds/${round.id}/board?officeCode=${round.sibling.code}`), 200);
    expect(board.units.map((u: { unitCode: string }) => u.unitCode)).toEqual([round.foreign.code]);
    expect(board.totals).toEqual({ red: 1, yellow: 0, blue: 0, green: 0 });
  });

  it('when the board is rolled up per office, then each office counts the lights of its own subtree', async () => {
    const rollup = expectStatus(await root().get(`/rounds/${round.id}/board/offices`), 200);
    const byCode = new Map(rollup.offices.map((o: { officeCode: string }) => [o.officeCode, o]));
    expect(byCode.get(round.city.code)).toMatchObject({ units: 4, light: 'red', lights: { red: 1, yellow: 1, blue: 1, green: 1 }, tasks: 12, overdue: 1 });
    expect(byCode.get(round.sibling.code)).toMatchObject({ units: 1, light: 'red', lights: { red: 1, yellow: 0, blue: 0, green: 0 } });
    const own = expectStatus(await round.city.api.get(`/rounds/${round.id}/board/offices`), 200);
    expect(own.offices.map((o: { officeCode: string }) => o.officeCode)).toEqual([round.city.code]);
    const red = expectStatus(await root().get(`/rounds/${round.id}/board/offices?light=green`), 200);
    expect(red.offices).toEqual([]);
  });

  it('when an office asks for a sibling office, an unknown round or bad query fields, then it gets 404 or a 400 naming each field', async () => {
    expectProblem(await round.city.api.get(`/rounds/${round.id}/board?officeCode=${round.sibling.code}`), 404);
    expectProblem(await round.city.api.get(`/rounds/00000000-0000-4000-8000-000000000000/board`), 404);
    expectProblem(await round.sibling.api.get(`/rounds/${round.id}/board?officeCode=${round.city.code}`), 404);
    expectProblem(await round.city.api.get(`/rounds/${round.id}/board?light=purple&limit=0&offset=-1`), 400, ['light', 'limit', 'offset']);
    expectProblem(await round.city.api.get(`/rounds/${round.id}/board/offices?light=amber`), 400, ['light']);
    expectProblem(await round.units.red.api.get(`/rounds/${round.id}/board`), 403);
  });

  it('when the office opens a unit, then it reads that unit\'s submissions with their evidence and reviews, and never a unit outside its subtree', async () => {
    const rows = expectStatus(await round.city.api.get(`/rounds/${round.id}/submissions?unitCode=${round.units.yellow.code}`), 200);
    expect(rows.map((s: { taskCode: string; status: string }) => [s.taskCode, s.status]).sort()).toEqual([[round.templates.overdue, 'accepted'], [round.templates.later, 'returned']].sort());
    expect(rows[0]).toMatchObject({ summary: '已完成本季度产改任务', evidence: [{ kind: 'summary', title: '工作总结' }] });
    expect(rows.find((s: { status: string }) => s.status === 'returned')).toMatchObject({ reviewComment: '佐证材料不全，请补充' });
    expectProblem(await round.city.api.get(`/rounds/${round.id}/submissions?unitCode=${round.foreign.code}`), 404);
    expectProblem(await round.city.api.get(`/rounds/${round.id}/submissions`), 400, ['unitCode']);
  });

  it('when a launch gives board numbers out of range, then it is a 400 naming them and nothing is launched', async () => {
    const office = await createOffice(root(), 'city');
    const unit = await createUnit(office.api, office.code);
    const template = await createTaskTemplate(office.api);
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM rounds`);
    const reply = await office.api.post('/rounds', roundBody([unit.code], [template.code], { board: { dueSoonWorkingDays: -1, pace: 3, colour: 'red' } }));
    expectProblem(reply, 400, ['board', 'board.dueSoonWorkingDays', 'board.pace']);
    expect(await sql<{ n: number }>(`SELECT count(*)::int AS n FROM rounds`)).toEqual(before);
  });
});
