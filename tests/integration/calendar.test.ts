import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { noticeOffsetMs } from '../../activities/planning';
import { loadConfig } from '../../src/config';
import { getUnitStateQuery, unitWorkflowId, type SuperviseUnitInput } from '../../workflows/contracts';
import { sql } from './support/db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectStatus, request, type Api } from './support/http';
import { waitFor } from './support/poll';
import { roundBody, waitUntilIssued } from './support/rounds';
import { stack } from './support/stack';

// A year no calendar covers (the bundled data ends earlier, and the test stack's fixture file
// stops at 2032), so a task due in it is planned on Monday-to-Friday until the year is published.
const YEAR = 2097;
const DUE = '2097-06-14'; // a Friday
const at = (local: string) => Date.parse(`${local}+08:00`);

// Its ladder on Monday to Friday (the default policy: -3, 0, +3, +7, +15 working days), the notices at 09:00
// before the unit's spread (noticeSpread below) ...
const PROVISIONAL_STEPS = [at('2097-06-11T09:00:00'), at('2097-06-15T00:00:00'), at('2097-06-19T09:00:00'), at('2097-06-25T09:00:00'), at('2097-07-05T09:00:00')];
// ... and once 11-12 June are published as holidays and Saturday 22 June as a make-up working day.
const SCHEDULE = { holidays: ['2097-06-11', '2097-06-12'], workdays: ['2097-06-22'] };
const PUBLISHED_STEPS = [at('2097-06-07T09:00:00'), at('2097-06-15T00:00:00'), at('2097-06-19T09:00:00'), at('2097-06-24T09:00:00'), at('2097-07-04T09:00:00')];

const put = (token: string | undefined, year: number, body: unknown) => request('PUT', `/api/v1/calendar/${year}`, { token, body });

/** The steps as the worker plans them: each 09:00 notice moved by the unit's offset with the worker's spread; the deadline not. */
function noticeSpread(steps: number[], roundId: string, unitCode: string): number[] {
  const { DUBAN_NOTICE_SPREAD_MINUTES } = loadConfig({ ...process.env, ...stack().env });
  const offset = noticeOffsetMs(roundId, unitCode, DUBAN_NOTICE_SPREAD_MINUTES);
  return steps.map((s) => (s === at('2097-06-15T00:00:00') ? s : s + offset));
}

/**
 * The steps the unit's workflow holds: asked of it once it has run, or, while its first workflow task still waits for
 * its first step (DUBAN_DEFER_UNIT_FIRST_TASK), read from the list it was started with.
 */
async function plannedSteps(roundId: string, unitCode: string): Promise<{ steps: number[]; ran: boolean }> {
  const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
  try {
    const handle = new Client({ connection }).workflow.getHandle(unitWorkflowId(roundId, unitCode));
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.some((e) => e.workflowTaskCompletedEventAttributes)) {
      return { steps: (await handle.query(getUnitStateQuery)).tasks[0].steps.map((s) => s.at), ran: true };
    }
    const [input] = events[0].workflowExecutionStartedEventAttributes!.input!.payloads!.map((p) => defaultPayloadConverter.fromPayload<SuperviseUnitInput>(p));
    return { steps: input.carried!.tasks[0].steps.map((s) => s.at), ran: false };
  } finally {
    await connection.close();
  }
}

let city: Office;
let unit: Unit & { api: Api };
let roundId: string;

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  unit = await createUnitWithToken(city.api, city.code);
  const template = await createTaskTemplate(city.api);
  roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [], { tasks: [{ templateCode: template.code, dueDate: DUE }], closesAt: '2097-12-31T18:00:00+08:00' })), 202).id;
  await waitUntilIssued(city.api, roundId);
});

describe('the working-day calendar', () => {
  test('when anyone reads a year the bundled data covers, then it lists the statutory holidays and make-up days, and is not provisional', async () => {
    const year = expectStatus(await unit.api.get('/calendar/2026'), 200);
    expect(year).toMatchObject({ year: 2026, source: 'bundled', provisional: false });
    expect(year.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07']));
    expect(year.workdays).toEqual(expect.arrayContaining(['2026-09-20']));
  });

  test('when a year nothing covers is read, then it says it is provisional and lists nothing', async () => {
    expect(expectStatus(await city.api.get(`/calendar/${YEAR}`), 200)).toMatchObject({ year: YEAR, source: 'bundled', provisional: true, holidays: [], workdays: [] });
  });

  test('when a task is due in an unpublished year, then its due date and ladder are provisional, planned on Monday to Friday', async () => {
    const [task] = expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200);
    expect(task).toMatchObject({ dueDate: DUE, dueProvisional: true, ladderProvisional: true });
    // Its first step is months away: the unit has not run yet, and holds the plan it was started with.
    expect(await plannedSteps(roundId, unit.code)).toEqual({ steps: noticeSpread(PROVISIONAL_STEPS, roundId, unit.code), ran: false });
  });

  test('when a city office, a unit or nobody publishes a year, then it is refused and nothing changes', async () => {
    expect(expectStatus(await put(city.api.token, YEAR, SCHEDULE), 403).code).toBe('FORBIDDEN');
    expect(expectStatus(await put(unit.api.token, YEAR, SCHEDULE), 403).code).toBe('FORBIDDEN');
    expect(expectStatus(await put(undefined, YEAR, SCHEDULE), 401).code).toBe('UNAUTHENTICATED');
    expect(await sql('SELECT year FROM published_calendars WHERE year = $1', [YEAR])).toEqual([]);
  });

  test('when a schedule has dates outside its year, a make-up day on a weekday or a date in both lists, then 400 names each and nothing is written', async () => {
    const reply = await put(root().token, YEAR, { holidays: ['2096-12-31', '2097-06-11', '2097-06-11'], workdays: ['2097-06-11', '2097-06-13'] });
    const problem = expectStatus(reply, 400);
    expect(problem.code).toBe('INVALID_INPUT');
    expect(problem.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['holidays.0', 'outside_year'],
      ['holidays.2', 'duplicate'],
      ['workdays.0', 'conflict'],
      ['workdays.1', 'not_a_weekend'],
    ]);
    expect(await sql('SELECT year FROM published_calendars WHERE year = $1', [YEAR])).toEqual([]);
  });

  test('when the root office publishes the year, then it replaces the provisional one, is audited, and the open task is planned again on it', async () => {
    const published = expectStatus(await put(root().token, YEAR, SCHEDULE), 200);
    expect(published).toMatchObject({ year: YEAR, source: 'published', provisional: false, ...SCHEDULE, publishedBy: `office:${stack().rootOffice}` });
    expect(expectStatus(await unit.api.get(`/calendar/${YEAR}`), 200)).toMatchObject({ source: 'published', ...SCHEDULE });

    const [task] = await waitFor(
      async () => expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200),
      ([t]: Array<{ id: string; dueProvisional: boolean; ladderProvisional: boolean }>) => !t.dueProvisional && !t.ladderProvisional,
      'the task planned again on the published calendar',
    );
    // A date the office gave keeps its day; its ladder moves around the new holidays and make-up day.
    expect(task).toMatchObject({ dueDate: DUE, dueProvisional: false, ladderProvisional: false, status: 'issued' });
    // The publication ran the unit at once, though its first step is months away, and it planned again.
    expect(await plannedSteps(roundId, unit.code)).toEqual({ steps: noticeSpread(PUBLISHED_STEPS, roundId, unit.code), ran: true });

    const [entry] = await sql<{ actor: string; detail: { after: typeof SCHEDULE } }>("SELECT actor, detail FROM audit_log WHERE subject = $1 AND action = 'calendar.publish'", [`calendar:${YEAR}`]);
    expect(entry).toMatchObject({ actor: `office:${stack().rootOffice}`, detail: { after: SCHEDULE } });
    const trail = expectStatus(await city.api.get(`/audit?subject=task:${task.id}`), 200);
    expect(trail.map((e: { action: string }) => e.action)).toContain('task.recalendar');
  });
});
