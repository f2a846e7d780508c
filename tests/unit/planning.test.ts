import { createCalendar } from '../../activities/calendar';
import { dueDateAfter, planSteps } from '../../activities/planning';
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from '../../domain/escalation';
import { CALENDAR_FIXTURE_2027 } from '../workflows/support/calendar-fixture';

const calendar = createCalendar();
const at = (iso: string) => Date.parse(iso);
const LONG_AGO = at('2026-01-01T00:00:00+08:00');
const policy = (...steps: EscalationPolicy['steps']): EscalationPolicy => ({ steps, reworkWorkingDays: 5 });

describe('planSteps over the 2026 National Day holiday, due Friday 2026-10-09', () => {
  const ladder = [
    { level: 'reminder', at: at('2026-09-29T09:00:00+08:00') },
    { level: 'overdue', at: at('2026-10-10T00:00:00+08:00') },
    { level: 'supervision', at: at('2026-10-13T09:00:00+08:00') },
    { level: 'escalated', at: at('2026-10-19T09:00:00+08:00') },
    { level: 'public_notice', at: at('2026-10-29T09:00:00+08:00') },
  ];

  test('when planned well ahead, then the reminder is 09:00 three working days before (skipping the holiday), overdue at the end of the due date, and later steps 09:00 on working days counting Saturday 10-10', () => {
    expect(planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO)).toEqual({
      dueDate: '2026-10-09',
      dueAt: at('2026-10-10T00:00:00+08:00'),
      dueProvisional: false,
      ladderProvisional: false,
      steps: ladder,
    });
  });

  test('when planned after the reminder would have gone out, then the reminder is skipped and the rest kept', () => {
    expect(planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, at('2026-10-01T12:00:00+08:00')).steps).toEqual(ladder.slice(1));
  });

  test('when planned after every step, then only the deadline is kept so the task still turns overdue', () => {
    expect(planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, at('2026-12-01T00:00:00+08:00')).steps).toEqual([ladder[1]]);
  });
});

describe('planSteps with other policies and calendars', () => {
  test('when the policy has no offset-0 step, then a bare deadline (level null) is added in order', () => {
    const plan = planSteps(calendar, '2026-10-09', policy({ level: 'reminder', offsetWorkingDays: -1 }, { level: 'supervision', offsetWorkingDays: 2 }), LONG_AGO);
    expect(plan.steps).toEqual([
      { level: 'reminder', at: at('2026-10-08T09:00:00+08:00') },
      { level: null, at: at('2026-10-10T00:00:00+08:00') },
      { level: 'supervision', at: at('2026-10-12T09:00:00+08:00') },
    ]);
  });

  test('when the bare deadline is already past, then it is still kept', () => {
    expect(planSteps(calendar, '2026-10-09', policy({ level: 'supervision', offsetWorkingDays: 2 }), at('2026-12-01T00:00:00+08:00')).steps).toEqual([
      { level: null, at: at('2026-10-10T00:00:00+08:00') },
    ]);
  });

  test('when a step falls in 2027, which the bundled data does not cover, then the ladder is provisional while the due date in 2026 is firm; with extra 2027 data neither is', () => {
    const bundledOnly = planSteps(calendar, '2026-12-30', DEFAULT_ESCALATION_POLICY, LONG_AGO);
    expect(bundledOnly).toMatchObject({ dueProvisional: false, ladderProvisional: true });
    expect(bundledOnly.steps[2]).toEqual({ level: 'supervision', at: at('2027-01-04T09:00:00+08:00') });

    const covered = planSteps(createCalendar(CALENDAR_FIXTURE_2027), '2026-12-30', DEFAULT_ESCALATION_POLICY, LONG_AGO);
    expect(covered).toMatchObject({ dueProvisional: false, ladderProvisional: false });
    expect(covered.steps[2]).toEqual({ level: 'supervision', at: at('2027-01-05T09:00:00+08:00') });
  });

  test('when the due date itself was provisional, then the plan says so', () => {
    expect(planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO, true)).toMatchObject({ dueProvisional: true, ladderProvisional: false });
  });
});

describe('dueDateAfter', () => {
  test('when counted from an instant whose Shanghai date differs from its UTC date, then the Shanghai date is used', () => {
    // 01:00 on 09-30 in Shanghai is still 09-29 in UTC.
    expect(dueDateAfter(calendar, at('2026-09-30T01:00:00+08:00'), 1)).toEqual({ date: '2026-10-08', provisional: false });
    expect(dueDateAfter(calendar, at('2026-09-29T23:00:00+08:00'), 1)).toEqual({ date: '2026-09-30', provisional: false });
  });

  test('when counted across the Spring Festival, then the holiday is skipped', () => {
    expect(dueDateAfter(calendar, at('2026-02-13T10:00:00+08:00'), 2)).toEqual({ date: '2026-02-24', provisional: false });
  });
});
