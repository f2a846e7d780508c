// A 60-day round across a holiday period, run in seconds on the time-skipping test server
// with the real activities and PostgreSQL. Dates are 2027 in the calendar fixture (see
// support/calendar-fixture.ts for why, and for the fixture itself).
import type { EscalationLevel } from '../../domain/vocabulary';
import { eventually, useWorkflowHarness } from './support/harness';

const h = useWorkflowHarness();

describe('the escalation ladder of a 60-day round across the Spring Festival', () => {
  test('when a task is due on the last working day before the holidays, then every step fires at its hand-computed instant, in order, the task turns overdue at midnight, the level climbs, and escalated and public_notice go to the parent and the root office', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-02-04' }], closesAfterDays: 60 });
    const { province, city, county } = round.offices;
    const roundHandle = await s.startRound(round);
    const [planned] = await s.issued(s.unitHandle(round));

    // Due Thursday 2027-02-04; 2027-02-05..13 are holidays, Sunday 02-14 is off, Saturday 02-20 is a make-up working day.
    const expected: Array<{ level: EscalationLevel; at: number; office: string }> = [
      // -3: Wed 02-03 (-1), Tue 02-02 (-2), Mon 02-01 (-3), at 09:00.
      { level: 'reminder', at: s.at('2027-02-01T09:00:00+08:00'), office: county.code },
      // 0: the deadline, the end of the due date = 00:00 on the first holiday.
      { level: 'overdue', at: s.at('2027-02-05T00:00:00+08:00'), office: county.code },
      // +3: Mon 02-15 (1), Tue 02-16 (2), Wed 02-17 (3).
      { level: 'supervision', at: s.at('2027-02-17T09:00:00+08:00'), office: county.code },
      // +7: Thu 02-18 (4), Fri 02-19 (5), Sat 02-20 make-up (6), Mon 02-22 (7).
      { level: 'escalated', at: s.at('2027-02-22T09:00:00+08:00'), office: city.code },
      // +15: Tue 02-23 .. Fri 02-26 (8-11), Mon 03-01 .. Thu 03-04 (12-15).
      { level: 'public_notice', at: s.at('2027-03-04T09:00:00+08:00'), office: province.code },
    ];
    expect(planned.dueAt).toBe(s.at('2027-02-05T00:00:00+08:00'));
    expect(planned.steps).toEqual(expected.map(({ level, at }) => ({ level, at })));
    const taskId = planned.taskId;
    const deadline = expected[1].at;

    // Walk the clock: a minute before each step nothing new has happened; a minute after, it has.
    for (const [i, step] of expected.entries()) {
      await s.sleepUntil(step.at - 60_000);
      expect(await s.escalations(taskId)).toHaveLength(i);
      expect((await s.task(taskId)).status).toBe(step.at <= deadline ? 'issued' : 'overdue');

      await s.sleepUntil(step.at + 60_000);
      await eventually(async () => expect(await s!.escalations(taskId)).toHaveLength(i + 1));
      const task = await s.task(taskId);
      expect(task.escalationLevel).toBe(step.level);
      expect(task.status).toBe(step.at < deadline ? 'issued' : 'overdue');
    }

    // The round closes by itself 60 days after its launch.
    await s.sleepUntil(round.closesAt + 60_000);
    expect(await s.result(roundHandle)).toEqual({ outcome: 'closed' });

    const rows = await s.escalations(taskId);
    expect(rows.map((r) => ({ level: r.level, scheduledAt: r.scheduledAt.getTime(), office: r.targetOffice.code, cycle: r.cycle }))).toEqual(
      expected.map((e) => ({ level: e.level, scheduledAt: e.at, office: e.office, cycle: 0 })),
    );
    // Fired in ladder order, each at its instant (the workflow wakes on its timer, never early).
    const byFiring = [...rows].sort((a, b) => a.firedAt.getTime() - b.firedAt.getTime());
    expect(byFiring.map((r) => r.level)).toEqual(expected.map((e) => e.level));
    for (const r of rows) {
      expect(r.firedAt.getTime()).toBeGreaterThanOrEqual(r.scheduledAt.getTime());
      expect(r.firedAt.getTime() - r.scheduledAt.getTime()).toBeLessThan(60_000);
    }

    const task = await s.task(taskId);
    expect(task).toMatchObject({ status: 'overdue', escalationLevel: 'public_notice', dueDate: s.date('2027-02-04'), ladderCycle: 0 });
    const dbRound = await s.db.round.findUniqueOrThrow({ where: { id: round.roundId } });
    expect(dbRound.status).toBe('closed');
    expect(dbRound.closedAt!.getTime()).toBeGreaterThanOrEqual(round.closesAt);
    const evaluations = await s.db.evaluation.findMany({ where: { roundId: round.roundId } });
    expect(evaluations.map((e) => ({ version: e.version, status: e.status }))).toEqual([{ version: 1, status: 'final' }]);
  });
});
