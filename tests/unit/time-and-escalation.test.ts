import { DEFAULT_ESCALATION_POLICY, escalationTarget, policyProblems } from '../../domain/escalation';
import { addCalendarDays, addShanghaiMonths, endOfShanghaiDay, isoWeekday, shanghaiDate, shanghaiInstant } from '../../domain/time';

describe('Asia/Shanghai time', () => {
  test('when an instant is late in the UTC evening, then its Shanghai date is already the next day', () => {
    expect(shanghaiDate(Date.parse('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(shanghaiDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });

  test('when a wall-clock time on a Shanghai date is asked for, then it is eight hours ahead of UTC, and a date ends at the next midnight', () => {
    expect(shanghaiInstant('2026-10-09', '09:00').toISOString()).toBe('2026-10-09T01:00:00.000Z');
    expect(endOfShanghaiDay('2026-10-09').toISOString()).toBe('2026-10-09T16:00:00.000Z');
  });

  test('when calendar days are added across a month and a year end, then the date rolls over, and weekdays run Monday 1 to Sunday 7', () => {
    expect([addCalendarDays('2026-12-30', 3), addCalendarDays('2026-03-01', -1)]).toEqual(['2027-01-02', '2026-02-28']);
    expect(['2026-09-20', '2026-09-21', '2026-10-10'].map(isoWeekday)).toEqual([7, 1, 6]);
  });

  test('when months are added on the Shanghai calendar, then the wall-clock time is kept, month ends are clamped, and years roll over', () => {
    const add = (shanghai: string, months: number) => new Date(addShanghaiMonths(Date.parse(shanghai), months)).toISOString();
    expect(add('2026-01-31T10:00:00+08:00', 1)).toBe(new Date('2026-02-28T10:00:00+08:00').toISOString());
    expect(add('2027-12-31T10:00:00+08:00', 2)).toBe(new Date('2028-02-29T10:00:00+08:00').toISOString());
    expect(add('2026-03-01T05:00:00+08:00', 1)).toBe(new Date('2026-04-01T05:00:00+08:00').toISOString());
    expect(add('2026-11-15T23:30:00+08:00', 3)).toBe(new Date('2027-02-15T23:30:00+08:00').toISOString());
  });
});

describe('escalation policy', () => {
  test('when the default ladder is checked, then it has no problems', () => {
    expect(policyProblems(DEFAULT_ESCALATION_POLICY.steps)).toEqual([]);
  });

  test('when a step comes before its predecessor in the ladder, or repeats it, then that step index is named', () => {
    expect(policyProblems([{ level: 'supervision', offsetWorkingDays: 1 }, { level: 'overdue', offsetWorkingDays: 2 }])).toEqual([[1, expect.stringContaining('must come after supervision')]]);
    expect(policyProblems([{ level: 'overdue', offsetWorkingDays: 0 }, { level: 'overdue', offsetWorkingDays: 2 }]).map(([i]) => i)).toEqual([1]);
  });

  test('when offsets do not increase, then each offending step index is named', () => {
    const steps = [
      { level: 'reminder' as const, offsetWorkingDays: -1 },
      { level: 'overdue' as const, offsetWorkingDays: -1 },
      { level: 'supervision' as const, offsetWorkingDays: 3 },
      { level: 'escalated' as const, offsetWorkingDays: 2 },
    ];
    expect(policyProblems(steps)).toEqual([
      [1, expect.stringContaining('offsetWorkingDays must be greater')],
      [3, expect.stringContaining('offsetWorkingDays must be greater')],
    ]);
  });

  test('when a level is escalated or publicly noticed, then it goes to the parent or the root office; other levels stay with the unit\'s own', () => {
    expect((['reminder', 'overdue', 'supervision', 'escalated', 'public_notice'] as const).map(escalationTarget)).toEqual(['own', 'own', 'own', 'parent', 'root']);
  });
});
