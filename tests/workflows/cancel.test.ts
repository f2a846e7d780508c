// Cancelling a round in the middle of the ladder: every timer stops, nothing more is recorded
// and no evaluation is made. Dates are 2027 in the calendar fixture (support/calendar-fixture.ts).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, cancelRoundSignal, submitTaskUpdate, waiveTaskUpdate } from '../../workflows/contracts';
import { eventually, useWorkflowHarness } from './support/harness';

const h = useWorkflowHarness();

// Due Thursday 2027-01-14: reminder Mon 01-11 09:00, deadline Fri 01-15 00:00, supervision Tue 01-19 09:00.
const DUE = '2027-01-14';

describe('cancelling in the middle of the ladder', () => {
  test('when the office cancels a 3-unit round between the deadline and the supervision notice, then every workflow ends, no step fires even 200 days later and no evaluation is stored', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }, { dueDate: DUE }], units: 3, closesAfterDays: 60 });
    const roundHandle = await s.startRound(round);
    for (const code of round.unitCodes) await s.issued(s.unitHandle(round, code));

    await s.sleepUntil(s.at('2027-01-18T12:00:00+08:00'));
    const fired = () => s.db.escalation.findMany({ where: { roundId: round.roundId } });
    await eventually(async () => expect(await fired()).toHaveLength(12));

    await roundHandle.signal(cancelRoundSignal, { actor: 'prov-office', reason: '合并到下一轮' });
    expect(await s.result(roundHandle)).toEqual({ outcome: 'cancelled' });
    for (const code of round.unitCodes) {
      const unit = s.unitHandle(round, code);
      expect(await s.result(unit)).toEqual({ outcome: 'cancelled', tasks: 2 });
      expect((await unit.describe()).status.name).toBe('COMPLETED');
    }

    // Past the round's own closesAt and every planned step (public notice is 2027-02-05).
    await s.sleepUntil(s.at('2027-08-06T12:00:00+08:00'));
    const after = await fired();
    expect(after.map((e) => e.level).sort()).toEqual([...Array(6).fill('overdue'), ...Array(6).fill('reminder')]);
    expect(after.every((e) => e.firedAt.getTime() < s.at('2027-01-18T12:00:00+08:00'))).toBe(true);

    const dbRound = await s.db.round.findUniqueOrThrow({ where: { id: round.roundId }, include: { units: true, tasks: true } });
    expect(dbRound.status).toBe('cancelled');
    expect(dbRound.closedAt!.getTime()).toBeGreaterThanOrEqual(s.at('2027-01-18T12:00:00+08:00'));
    expect(dbRound.closedAt!.getTime()).toBeLessThan(s.at('2027-01-19T09:00:00+08:00'));
    expect(dbRound.units.every((u) => u.closedAt !== null)).toBe(true);
    expect(dbRound.tasks.map((t) => `${t.status} ${t.escalationLevel}`)).toEqual(Array(6).fill('overdue overdue'));
    expect(await s.db.evaluation.count({ where: { roundId: round.roundId } })).toBe(0);
    expect(await s.db.notification.count({ where: { roundId: round.roundId, kind: 'round.closed' } })).toBe(0);
  });

  test('when a submission or a waiver reaches a unit after its round was cancelled but before the unit heard of it, then each is refused with ERR_UNIT_CLOSED and nothing is recorded', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: [{ dueDate: DUE }] });
    const handle = await s.startUnit(round);
    const [task] = await s.issued(handle);
    // What POST /rounds/{id}/cancel has written by the time it answers; the round's closeUnit signal comes later.
    await s.db.round.update({ where: { id: round.roundId }, data: { status: 'cancelled' } });

    const refusal = async (update: Promise<unknown>) => {
      const err = await update.then(() => new Error('the update was accepted'), (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
      return ((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type;
    };
    const submission = { taskId: task.taskId, idempotencyKey: 'late', summary: '完成', evidence: [{ kind: 'summary' as const, title: '总结' }] };
    expect(await refusal(handle.executeUpdate(submitTaskUpdate, { args: [submission] }))).toBe(ErrorType.UnitClosed);
    expect(await refusal(handle.executeUpdate(waiveTaskUpdate, { args: [{ taskId: task.taskId, reason: '不适用', actor: 'city-office' }] }))).toBe(ErrorType.UnitClosed);

    expect(await s.db.submission.count({ where: { taskId: task.taskId } })).toBe(0);
    expect(await s.task(task.taskId)).toMatchObject({ status: 'issued', waivedReason: null });
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
