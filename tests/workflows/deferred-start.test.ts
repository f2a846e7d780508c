// A round's units start with their first workflow task deferred to their first ladder step (Temporal's start
// delay): nothing runs for a unit until it has something to do, yet every step fires at its instant and a round
// closed early closes every unit at once. Dates are 2027 in the calendar fixture (support/calendar-fixture.ts).
import { closeRoundSignal } from '../../workflows/contracts';
import { eventually, useWorkflowHarness, type Scenario } from './support/harness';

const h = useWorkflowHarness();

type Round = Awaited<ReturnType<Scenario['seedRound']>>;

/** Each unit's start event and how many workflow tasks it has run, once every unit of the round exists. */
async function unitStarts(s: Scenario, round: Round) {
  return eventually(async () =>
    Promise.all(
      round.unitCodes.map(async (code) => {
        const events = (await s.unitHandle(round, code).fetchHistory()).events ?? [];
        const started = events[0]?.workflowExecutionStartedEventAttributes;
        if (!started) throw new Error(`unit ${code} not started yet`);
        const backoff = started.firstWorkflowTaskBackoff;
        return {
          backoffMs: Number(backoff?.seconds ?? 0) * 1000 + Math.round((backoff?.nanos ?? 0) / 1e6),
          workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
        };
      }),
    ),
  );
}

/** The round's escalation rows by level, with the instant each was planned for and recorded at. */
async function escalationsOf(s: Scenario, round: Round) {
  return s.db.escalation.findMany({ where: { roundId: round.roundId }, orderBy: [{ scheduledAt: 'asc' }] });
}

describe('units whose first workflow task waits for their first step', () => {
  test('when a round of 3 units is launched a month before its first reminder, then each unit starts deferred to that reminder, runs nothing until then, and every step still fires at its instant', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00', { deferFirstTask: true });
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-02-04' }], units: 3, closesAfterDays: 60 });
    const roundHandle = await s.startRound(round);
    // The first step: the reminder 3 working days before the due date (support/calendar-fixture.ts), at 09:00.
    const reminder = s.at('2027-02-01T09:00:00+08:00');
    const overdue = s.at('2027-02-05T00:00:00+08:00');

    const starts = await unitStarts(s, round);
    for (const start of starts) {
      expect(start.workflowTasks).toBe(0);
      // Deferred from the fan-out's start (a few seconds after the launch at most) to the reminder.
      expect(start.backoffMs).toBeLessThanOrEqual(reminder - round.launchedAt);
      expect(start.backoffMs).toBeGreaterThan(reminder - round.launchedAt - 60_000);
    }

    await s.sleepUntil(reminder - 60_000);
    expect(await escalationsOf(s, round)).toHaveLength(0);
    expect((await unitStarts(s, round)).map((u) => u.workflowTasks)).toEqual([0, 0, 0]);

    await s.sleepUntil(reminder + 60_000);
    await eventually(async () => expect((await escalationsOf(s, round)).map((e) => e.level)).toEqual(['reminder', 'reminder', 'reminder']));
    await s.sleepUntil(overdue + 60_000);
    const rows = await eventually(async () => {
      const all = await escalationsOf(s, round);
      expect(all).toHaveLength(6);
      return all;
    });
    for (const r of rows) {
      expect(r.scheduledAt.getTime()).toBe(r.level === 'reminder' ? reminder : overdue);
      expect(r.firedAt.getTime()).toBeGreaterThanOrEqual(r.scheduledAt.getTime());
      expect(r.firedAt.getTime() - r.scheduledAt.getTime()).toBeLessThan(60_000);
    }
    // Each unit ran its first workflow task at the reminder and one more at the deadline.
    expect((await unitStarts(s, round)).every((u) => u.workflowTasks >= 2)).toBe(true);

    await roundHandle.signal(closeRoundSignal, { actor: 'test' });
    expect(await s.result(roundHandle)).toEqual({ outcome: 'closed' });
  });

  test('when a round is closed before any unit has reached its first step, then every deferred unit hears it at once and the round closes without waiting for that step', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00', { deferFirstTask: true });
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-02-04' }], units: 3, closesAfterDays: 60 });
    const roundHandle = await s.startRound(round);
    expect((await unitStarts(s, round)).map((u) => u.workflowTasks)).toEqual([0, 0, 0]);

    // The clock stays at the launch: a unit that heard the close only at its reminder would never finish here.
    await roundHandle.signal(closeRoundSignal, { actor: 'test' });
    expect(await s.result(roundHandle)).toEqual({ outcome: 'closed' });
    for (const code of round.unitCodes) expect(await s.result(s.unitHandle(round, code))).toEqual({ outcome: 'closed', tasks: 1 });
    expect(await escalationsOf(s, round)).toHaveLength(0);
    const closed = await s.db.roundUnit.findMany({ where: { roundId: round.roundId }, select: { closedAt: true } });
    expect(closed.every((u) => u.closedAt !== null)).toBe(true);
  });
});
