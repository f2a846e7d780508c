// Closing a round, or one unit, in the middle of the ladder: every timer stops and the
// evaluation is frozen. Dates are 2027 in the calendar fixture (support/calendar-fixture.ts).
import { closeRoundSignal, closeUnitSignal } from '../../workflows/contracts';
import { eventually, useWorkflowHarness } from './support/harness';

const h = useWorkflowHarness();

// Due Thursday 2027-01-14: reminder Mon 01-11 09:00, deadline Fri 01-15 00:00, supervision Tue 01-19 09:00.
const DUE = '2027-01-14';

describe('closing in the middle of the ladder', () => {
  test('when the office closes a 3-unit round between the deadline and the supervision notice, then no unit escalates again even 200 days later, the round is closed and evaluation version 1 is stored as final', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }], units: 3, closesAfterDays: 60 });
    const roundHandle = await s.startRound(round);
    for (const code of round.unitCodes) await s.issued(s.unitHandle(round, code));

    await s.sleepUntil(s.at('2027-01-18T12:00:00+08:00'));
    const fired = () => s!.db.escalation.findMany({ where: { roundId: round.roundId }, orderBy: [{ scheduledAt: 'asc' }] });
    await eventually(async () => expect(await fired()).toHaveLength(6));
    expect((await fired()).map((e) => e.level).sort()).toEqual(['overdue', 'overdue', 'overdue', 'reminder', 'reminder', 'reminder']);

    await roundHandle.signal(closeRoundSignal, { actor: 'prov-office' });
    expect(await s.result(roundHandle)).toEqual({ outcome: 'closed' });

    for (const code of round.unitCodes) {
      const unit = await s.unitHandle(round, code).describe();
      expect(unit.status.name).toBe('COMPLETED');
    }
    await s.sleepUntil(s.at('2027-08-06T12:00:00+08:00'));
    expect(await fired()).toHaveLength(6);

    const dbRound = await s.db.round.findUniqueOrThrow({ where: { id: round.roundId }, include: { units: true } });
    expect(dbRound.status).toBe('closed');
    expect(dbRound.closedAt!.getTime()).toBeGreaterThanOrEqual(s.at('2027-01-18T12:00:00+08:00'));
    expect(dbRound.closedAt!.getTime()).toBeLessThan(s.at('2027-01-19T09:00:00+08:00'));
    expect(dbRound.units.every((u) => u.closedAt !== null)).toBe(true);

    const evaluations = await s.db.evaluation.findMany({ where: { roundId: round.roundId }, include: { units: true } });
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ version: 1, status: 'final', actor: 'prov-office' });
    expect(evaluations[0].units.map((u) => u.unitCode).sort()).toEqual([...round.unitCodes].sort());
  });

  test('when one unit is closed by its own signal after the reminder, then its workflow ends and no later step fires', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }] });
    const handle = await s.startUnit(round);
    const [planned] = await s.issued(handle);

    await s.sleepUntil(s.at('2027-01-12T10:00:00+08:00'));
    await eventually(async () => expect(await s!.escalations(planned.taskId)).toHaveLength(1));

    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    expect(await s.result(handle)).toEqual({ outcome: 'closed', tasks: 1 });

    await s.sleepUntil(s.at('2027-06-01T10:00:00+08:00'));
    expect((await s.escalations(planned.taskId)).map((e) => e.level)).toEqual(['reminder']);
    expect(await s.task(planned.taskId)).toMatchObject({ status: 'issued', escalationLevel: 'reminder' });
    const roundUnit = await s.db.roundUnit.findFirstOrThrow({ where: { roundId: round.roundId } });
    expect(roundUnit.closedAt).not.toBeNull();
  });
});
