// A unit workflow keeps one pending timer, for the earliest instant any of its tasks acts at,
// whatever the number of tasks. Checked on the workflow's own history. Dates are 2027 in the
// calendar fixture (support/calendar-fixture.ts).
import { closeUnitSignal, extendTaskUpdate, submitTaskUpdate, waiveTaskUpdate } from '../../workflows/contracts';
import { eventually, useWorkflowHarness } from './support/harness';

const h = useWorkflowHarness();

/** Timers started, fired and cancelled in history order, and the most ever pending at once. */
function timerProfile(history: { events?: Array<{ timerStartedEventAttributes?: unknown; timerFiredEventAttributes?: unknown; timerCanceledEventAttributes?: unknown }> | null }) {
  let pending = 0;
  let maxPending = 0;
  const counts = { started: 0, fired: 0, canceled: 0 };
  for (const e of history.events ?? []) {
    if (e.timerStartedEventAttributes) {
      counts.started++;
      maxPending = Math.max(maxPending, ++pending);
    } else if (e.timerFiredEventAttributes) {
      counts.fired++;
      pending--;
    } else if (e.timerCanceledEventAttributes) {
      counts.canceled++;
      pending--;
    }
  }
  return { ...counts, maxPending, pendingAtEnd: pending };
}

describe('timers of a unit workflow', () => {
  test('when a unit has 5 tasks with different due dates and takes a submission, an extension and a waiver, then at no point is more than one timer pending', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const dueDates = ['2027-01-12', '2027-01-14', '2027-01-19', '2027-01-21', '2027-01-26'];
    const round = await s.seedRound({ tasks: dueDates.map((dueDate) => ({ dueDate })) });
    const handle = await s.startUnit(round);
    const tasks = await s.issued(handle);
    expect(tasks.map((t) => t.dueAt)).toEqual(dueDates.map((d) => s!.at(`${d}T00:00:00+08:00`) + 86_400_000));

    await s.sleepUntil(s.at('2027-01-13T10:00:00+08:00'));
    await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: tasks[1].taskId, idempotencyKey: 'k1', summary: '完成', evidence: [{ kind: 'summary', title: '总结' }] }] });
    await s.sleepUntil(s.at('2027-01-20T10:00:00+08:00'));
    await handle.executeUpdate(extendTaskUpdate, { args: [{ taskId: tasks[3].taskId, dueDate: s.date('2027-01-28'), reason: '延期', actor: 'city-office' }] });
    await s.sleepUntil(s.at('2027-01-22T10:00:00+08:00'));
    await handle.executeUpdate(waiveTaskUpdate, { args: [{ taskId: tasks[4].taskId, reason: '不适用', actor: 'city-office' }] });

    // Past the last step of every task (task 4's public notice, +15 working days from 01-28, is 02-24).
    await s.sleepUntil(s.at('2027-03-31T10:00:00+08:00'));
    await eventually(async () => expect(await s!.escalations(tasks[3].taskId)).toHaveLength(6));
    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(handle);

    const profile = timerProfile(await handle.fetchHistory());
    expect(profile.maxPending).toBe(1);
    expect(profile.pendingAtEnd).toBe(0);
    // The history did exercise the timer: many distinct wake-ups.
    expect(profile.fired).toBeGreaterThanOrEqual(10);
  });

  test('when a write leaves the earliest instant where it was, then the pending timer is kept; when a write moves it, then the timer is replaced once', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const round = await s.seedRound({ tasks: ['2027-01-12', '2027-01-14', '2027-01-19'].map((dueDate) => ({ dueDate })) });
    const handle = await s.startUnit(round);
    const tasks = await s.issued(handle);
    const earliest = (ts: typeof tasks) => Math.min(...ts.flatMap((t) => t.steps.map((x) => x.at)));
    expect(tasks[2].steps.every((x) => x.at > earliest(tasks))).toBe(true);

    // Task 2's steps are all later than task 0's first: submitting it leaves the earliest instant where it was.
    await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: tasks[2].taskId, idempotencyKey: 'k1', summary: '完成', evidence: [{ kind: 'summary', title: '总结' }] }] });
    // Task 0 holds the earliest instant: moving its due date moves it.
    await handle.executeUpdate(extendTaskUpdate, { args: [{ taskId: tasks[0].taskId, dueDate: s.date('2027-01-28'), reason: '延期', actor: 'city-office' }] });
    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(handle);

    const events = (await handle.fetchHistory()).events ?? [];
    const updates = events.flatMap((e, i) => (e.workflowExecutionUpdateCompletedEventAttributes ? [i] : []));
    expect(updates).toHaveLength(2);
    const timersBetween = (from: number, to: number) => timerProfile({ events: events.slice(from, to) });
    expect(timersBetween(0, updates[0])).toMatchObject({ started: 1, canceled: 0, fired: 0 });
    // After the submission and before the extension: the timer of the issue is still the one pending.
    expect(timersBetween(updates[0], updates[1])).toMatchObject({ started: 0, canceled: 0, fired: 0 });
    // After the extension: that timer cancelled and one started for the new earliest instant; the close cancels it.
    expect(timersBetween(updates[1], events.length)).toMatchObject({ started: 1, canceled: 2, fired: 0 });
  });
});
