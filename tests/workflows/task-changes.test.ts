// What a submission, a return for rework, an extension and a waiver do to a task's ladder,
// on the time-skipping test server with the real activities and PostgreSQL. Dates are 2027
// in the calendar fixture (support/calendar-fixture.ts): Sunday 2027-01-31 is a make-up
// working day, 2027-02-05..13 are holidays.
import type { EscalationLevel } from '../../domain/vocabulary';
import { extendTaskUpdate, getUnitStateQuery, reviewSubmissionUpdate, submitTaskUpdate, waiveTaskUpdate } from '../../workflows/contracts';
import { eventually, useWorkflowHarness, type Scenario } from './support/harness';

const h = useWorkflowHarness();

const evidence = [
  { kind: 'summary' as const, title: '工作总结' },
  { kind: 'documents' as const, title: '制度文件' },
];

/**
 * Launched Tuesday 2027-01-05 10:00; one task due Thursday 2027-01-14 needing a summary and
 * documents. Its first ladder step, the reminder (-3 working days: Wed 13, Tue 12, Mon 11),
 * fires on Monday 2027-01-11 at 09:00; the clock is then moved to Tuesday 2027-01-12 10:00.
 */
async function afterReminder(scenario: Scenario) {
  const round = await scenario.seedRound({ tasks: [{ dueDate: '2027-01-14', evidence: ['summary', 'documents'] }] });
  const handle = await scenario.startUnit(round);
  const [planned] = await scenario.issued(handle);
  expect(planned.steps.map((st) => st.at)).toEqual([
    scenario.at('2027-01-11T09:00:00+08:00'),
    scenario.at('2027-01-15T00:00:00+08:00'),
    scenario.at('2027-01-19T09:00:00+08:00'),
    scenario.at('2027-01-25T09:00:00+08:00'),
    scenario.at('2027-02-03T09:00:00+08:00'),
  ]);
  await scenario.sleepUntil(scenario.at('2027-01-12T10:00:00+08:00'));
  await eventually(async () => expect((await scenario.task(planned.taskId)).escalationLevel).toBe('reminder'));
  return { round, handle, taskId: planned.taskId };
}

const rowsOf = async (scenario: Scenario, taskId: string) =>
  (await scenario.escalations(taskId)).map((r) => ({ level: r.level, cycle: r.cycle, scheduledAt: r.scheduledAt.getTime() }));

const row = (level: EscalationLevel, cycle: number, at: number) => ({ level, cycle, scheduledAt: at });

describe('a task change while its ladder runs', () => {
  test('when the unit submits after the reminder, then no later step fires, however far time moves', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await afterReminder(s);

    const result = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId, idempotencyKey: 'submit-1', summary: '已完成', evidence }] });
    expect(result.taskStatus).toBe('submitted');

    // Past every step of the original plan (the last was 2027-02-03 09:00).
    await s.sleepUntil(s.at('2027-04-01T10:00:00+08:00'));
    expect(await rowsOf(s, taskId)).toEqual([row('reminder', 0, s.at('2027-01-11T09:00:00+08:00'))]);
    expect(await s.task(taskId)).toMatchObject({ status: 'submitted', escalationLevel: 'reminder', ladderCycle: 0 });
    const state = await handle.query(getUnitStateQuery);
    expect(state.tasks[0]).toMatchObject({ status: 'submitted', steps: [] });
  });

  test('when a submission is returned for rework, then the task gets a due date 5 working days after the review, cycle 1, and only the new cycle’s steps fire', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await afterReminder(s);
    const { submissionId } = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId, idempotencyKey: 'submit-1', summary: '初稿', evidence }] });

    // Reviewed Friday 2027-01-29 10:00, after the original deadline and supervision instants passed with the task submitted.
    await s.sleepUntil(s.at('2027-01-29T10:00:00+08:00'));
    const returned = await handle.executeUpdate(reviewSubmissionUpdate, {
      args: [{ taskId, submissionId, decision: 'return', comment: '缺少数据', reviewer: 'city-office' }],
    });
    // Rework: Sun 01-31 (make-up, 1), Mon 02-01 (2), Tue 02-02 (3), Wed 02-03 (4), Thu 02-04 (5).
    const dueAt = s.at('2027-02-05T00:00:00+08:00');
    expect(returned).toEqual({ taskId, taskStatus: 'returned', dueAt });
    expect(await s.task(taskId)).toMatchObject({ status: 'returned', dueDate: s.date('2027-02-04'), ladderCycle: 1, escalationLevel: null });
    expect((await s.task(taskId)).dueAt.getTime()).toBe(dueAt);

    await s.sleepUntil(s.at('2027-03-10T10:00:00+08:00'));
    expect(await rowsOf(s, taskId)).toEqual([
      row('reminder', 0, s.at('2027-01-11T09:00:00+08:00')),
      // The new cycle: -3 Mon 02-01; deadline 02-05 00:00; +3 Wed 02-17; +7 Mon 02-22 (via make-up Sat 02-20); +15 Thu 03-04.
      row('reminder', 1, s.at('2027-02-01T09:00:00+08:00')),
      row('overdue', 1, dueAt),
      row('supervision', 1, s.at('2027-02-17T09:00:00+08:00')),
      row('escalated', 1, s.at('2027-02-22T09:00:00+08:00')),
      row('public_notice', 1, s.at('2027-03-04T09:00:00+08:00')),
    ]);
    expect(await s.task(taskId)).toMatchObject({ status: 'overdue', escalationLevel: 'public_notice', ladderCycle: 1 });
    const submission = await s.db.submission.findUniqueOrThrow({ where: { id: submissionId } });
    expect(submission).toMatchObject({ status: 'returned', reviewComment: '缺少数据', reviewerOffice: 'city-office' });
  });

  test('when the due date is extended, then every step moves to the new date under a new cycle and none of the old ones fires', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await afterReminder(s);

    const extended = await handle.executeUpdate(extendTaskUpdate, { args: [{ taskId, dueDate: s.date('2027-01-21'), reason: '春节前统一验收', actor: 'city-office' }] });
    const dueAt = s.at('2027-01-22T00:00:00+08:00');
    expect(extended).toEqual({ taskId, taskStatus: 'issued', dueAt });
    // Due Thu 01-21. -3: Wed 20, Tue 19, Mon 18. +3: Fri 22, Mon 25, Tue 26. +7: Wed 27, Thu 28, Fri 29, Sun 31 (make-up).
    // +15: Mon 02-01 .. Thu 02-04 (8-11), holidays, Mon 02-15 .. Thu 02-18 (12-15).
    const newSteps = [
      { level: 'reminder' as const, at: s.at('2027-01-18T09:00:00+08:00') },
      { level: 'overdue' as const, at: dueAt },
      { level: 'supervision' as const, at: s.at('2027-01-26T09:00:00+08:00') },
      { level: 'escalated' as const, at: s.at('2027-01-31T09:00:00+08:00') },
      { level: 'public_notice' as const, at: s.at('2027-02-18T09:00:00+08:00') },
    ];
    const state = await handle.query(getUnitStateQuery);
    expect(state.tasks[0]).toMatchObject({ dueAt, cycle: 1, steps: newSteps });
    expect(await s.task(taskId)).toMatchObject({ dueDate: s.date('2027-01-21'), ladderCycle: 1, escalationLevel: null, status: 'issued' });

    await s.sleepUntil(s.at('2027-03-01T10:00:00+08:00'));
    expect(await rowsOf(s, taskId)).toEqual([row('reminder', 0, s.at('2027-01-11T09:00:00+08:00')), ...newSteps.map((st) => row(st.level, 1, st.at))]);
    expect(await s.task(taskId)).toMatchObject({ status: 'overdue', escalationLevel: 'public_notice' });
    const audit = await s.db.auditEntry.findMany({ where: { subject: `task:${taskId}` } });
    expect(audit.map((a) => ({ action: a.action, actor: a.actor, detail: a.detail }))).toEqual([
      { action: 'task.extend', actor: 'city-office', detail: { from: s.date('2027-01-14'), to: s.date('2027-01-21'), reason: '春节前统一验收' } },
    ]);
  });

  test('when the task is waived, then it is closed and no later step fires', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { handle, taskId } = await afterReminder(s);

    const waived = await handle.executeUpdate(waiveTaskUpdate, { args: [{ taskId, reason: '企业停产整顿', actor: 'city-office' }] });
    expect(waived.taskStatus).toBe('waived');

    await s.sleepUntil(s.at('2027-04-01T10:00:00+08:00'));
    expect(await rowsOf(s, taskId)).toEqual([row('reminder', 0, s.at('2027-01-11T09:00:00+08:00'))]);
    expect(await s.task(taskId)).toMatchObject({ status: 'waived', waivedReason: '企业停产整顿' });
    const state = await handle.query(getUnitStateQuery);
    expect(state.tasks[0]).toMatchObject({ status: 'waived', steps: [] });
  });
});
