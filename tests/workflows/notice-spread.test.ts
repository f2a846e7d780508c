// Ladder notices spread after 09:00 by a per-unit offset (DUBAN_NOTICE_SPREAD_MINUTES), on the
// time-skipping test server. Dates are 2027 in the calendar fixture (support/calendar-fixture.ts).
import { noticeOffsetMs } from '../../activities/planning';
import { eventually, useWorkflowHarness } from './support/harness';

const h = useWorkflowHarness();
const SPREAD_MINUTES = 60;

// Due Thursday 2027-01-14: reminder Mon 01-11 09:00, deadline Fri 01-15 00:00, supervision Tue 01-19 09:00,
// escalated Mon 01-25 09:00, public notice Wed 02-03 09:00 (unspread).
const DUE = '2027-01-14';

describe('a ladder with its 09:00 notices spread', () => {
  test('when the spread is 60 minutes, then each unit plans every 09:00 step at 09:00 plus its own offset, the reminder fires at that instant and not a minute before, and the task still turns overdue at midnight', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00', { noticeSpreadMinutes: SPREAD_MINUTES });
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }], units: 2 });
    const handles = round.unitCodes.map((code) => s.startUnit(round, code));
    const plans = await Promise.all(handles.map(async (handle) => (await s.issued(await handle))[0]));
    const offsets = round.unitCodes.map((code) => noticeOffsetMs(round.roundId, code, SPREAD_MINUTES));
    const midnight = s.at('2027-01-15T00:00:00+08:00');

    for (const [i, plan] of plans.entries()) {
      expect(plan.steps).toEqual([
        { level: 'reminder', at: s.at('2027-01-11T09:00:00+08:00') + offsets[i] },
        { level: 'overdue', at: midnight },
        { level: 'supervision', at: s.at('2027-01-19T09:00:00+08:00') + offsets[i] },
        { level: 'escalated', at: s.at('2027-01-25T09:00:00+08:00') + offsets[i] },
        { level: 'public_notice', at: s.at('2027-02-03T09:00:00+08:00') + offsets[i] },
      ]);
    }

    const [{ taskId }] = plans;
    const reminderAt = s.at('2027-01-11T09:00:00+08:00') + offsets[0];
    await s.sleepUntil(reminderAt - 60_000);
    expect(await s.escalations(taskId)).toHaveLength(0);

    await s.sleepUntil(reminderAt + 60_000);
    const [reminder] = await eventually(async () => {
      const rows = await s!.escalations(taskId);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(reminder).toMatchObject({ level: 'reminder', cycle: 0 });
    expect(reminder.scheduledAt.getTime()).toBe(reminderAt);
    expect(reminder.firedAt.getTime()).toBeGreaterThanOrEqual(reminderAt);

    await s.sleepUntil(midnight + 1000);
    await eventually(async () => expect((await s!.task(taskId)).status).toBe('overdue'));
    const overdue = (await s.escalations(taskId)).find((r) => r.level === 'overdue');
    expect(overdue?.scheduledAt.getTime()).toBe(midnight);
  });

  test('when the round was launched with no spread and the worker is now set to 60 minutes, then the unit plans by the round: its notices at 09:00 sharp', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00', { noticeSpreadMinutes: SPREAD_MINUTES });
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }], units: 1, noticeSpreadMinutes: 0 });
    const [plan] = await s.issued(await s.startUnit(round, round.unitCodes[0]));
    expect(plan.steps.map((st) => st.at)).toEqual([
      s.at('2027-01-11T09:00:00+08:00'),
      s.at('2027-01-15T00:00:00+08:00'),
      s.at('2027-01-19T09:00:00+08:00'),
      s.at('2027-01-25T09:00:00+08:00'),
      s.at('2027-02-03T09:00:00+08:00'),
    ]);
  });

  test('when the round was launched with its notices at 10:30 and a 60-minute spread, then the unit plans every notice at 10:30 plus its offset, fires the reminder then, and the deadline stays at midnight', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }], units: 1, noticeSpreadMinutes: SPREAD_MINUTES, noticeTime: '10:30' });
    const [plan] = await s.issued(await s.startUnit(round, round.unitCodes[0]));
    const offset = noticeOffsetMs(round.roundId, round.unitCodes[0], SPREAD_MINUTES);
    expect(plan.steps.map((st) => st.at)).toEqual([
      s.at('2027-01-11T10:30:00+08:00') + offset,
      s.at('2027-01-15T00:00:00+08:00'),
      s.at('2027-01-19T10:30:00+08:00') + offset,
      s.at('2027-01-25T10:30:00+08:00') + offset,
      s.at('2027-02-03T10:30:00+08:00') + offset,
    ]);
    const reminderAt = plan.steps[0].at;
    await s.sleepUntil(reminderAt - 60_000);
    expect(await s.escalations(plan.taskId)).toHaveLength(0);
    await s.sleepUntil(reminderAt + 60_000);
    await eventually(async () => expect((await s!.escalations(plan.taskId)).map((r) => r.scheduledAt.getTime())).toEqual([reminderAt]));
  });
});
