import { createCalendar } from '../../activities/calendar';
import { noticeOffsetMs, planSteps, roundNoticeOffsetMs } from '../../activities/planning';
import { DEFAULT_ESCALATION_POLICY } from '../../domain/escalation';
import { shanghaiDate } from '../../domain/time';
import { loadConfig } from '../../src/config';

const calendar = createCalendar();
const at = (iso: string) => Date.parse(iso);
const LONG_AGO = at('2026-01-01T00:00:00+08:00');
const ROUND = '5b0c4f3e-8a51-4d6c-9a77-2f1e0c3d4b5a';
const OTHER_ROUND = 'c7e2a9d4-1f3b-4e8a-b6c5-9d0e7f8a2b1c';
const unitCodes = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i + 1).padStart(5, '0')}`);

describe('a unit’s notice offset in a round', () => {
  test('when asked twice for the same round and unit, then it is the same whole number of seconds in [0, spread)', () => {
    for (const code of unitCodes(500)) {
      const offset = noticeOffsetMs(ROUND, code, 60);
      expect(noticeOffsetMs(ROUND, code, 60)).toBe(offset);
      expect(offset % 1000).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(60 * 60_000);
    }
  });

  test('when the spread is 0, then every offset is 0', () => {
    expect(unitCodes(100).map((code) => noticeOffsetMs(ROUND, code, 0))).toEqual(Array(100).fill(0));
  });

  test('when the same unit is in another round, then it goes out at another offset (for nearly every unit)', () => {
    const codes = unitCodes(1000);
    const same = codes.filter((code) => noticeOffsetMs(ROUND, code, 60) === noticeOffsetMs(OTHER_ROUND, code, 60));
    // 3,600 possible offsets: about 1000/3600 units coincide by chance.
    expect(same.length).toBeLessThanOrEqual(3);
  });

  test('when 20,000 units of one round share a due date, then no second of the 60-minute spread holds more than 20 of them', () => {
    const perSecond = new Map<number, number>();
    for (const code of unitCodes(20_000)) {
      const second = noticeOffsetMs(ROUND, code, 60) / 1000;
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    // 20,000 units over 3,600 seconds is 5.6 a second on average. For a uniform hash the chance that any
    // second holds more than 20 is below 3,600 x P(Poisson(5.6) >= 21) = 0.0016; the hash of a fixed
    // round is fixed, so this is a property of the arithmetic, not of timing. Unspread: all 20,000 in one second.
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(20);
    // And the spread is used, not bunched in a corner of it.
    expect(perSecond.size).toBeGreaterThan(3500);
  });
});

describe('planSteps with a notice offset, due Friday 2026-10-09 (the National Day ladder)', () => {
  const unspread = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO);

  test('when given an offset, then every 09:00 step moves by it and the deadline stays at midnight', () => {
    const offset = 37 * 60_000 + 12_000;
    const spread = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO, false, { noticeOffsetMs: offset });
    expect(spread.dueAt).toBe(at('2026-10-10T00:00:00+08:00'));
    expect(spread.steps).toEqual([
      { level: 'reminder', at: at('2026-09-29T09:37:12+08:00') },
      { level: 'overdue', at: at('2026-10-10T00:00:00+08:00') },
      { level: 'supervision', at: at('2026-10-13T09:37:12+08:00') },
      { level: 'escalated', at: at('2026-10-19T09:37:12+08:00') },
      { level: 'public_notice', at: at('2026-10-29T09:37:12+08:00') },
    ]);
  });

  test('when the largest spread allowed is used, then every step of every unit falls on the same Shanghai date as unspread', () => {
    const spreadMax = loadConfig({ DATABASE_URL: 'postgresql://x', DUBAN_NOTICE_SPREAD_MINUTES: '600' }).DUBAN_NOTICE_SPREAD_MINUTES;
    for (const offset of [0, ...unitCodes(200).map((code) => noticeOffsetMs(ROUND, code, spreadMax)), spreadMax * 60_000 - 1000]) {
      const spread = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO, false, { noticeOffsetMs: offset });
      expect(spread.steps.map((s) => [s.level, shanghaiDate(s.at)])).toEqual(unspread.steps.map((s) => [s.level, shanghaiDate(s.at)]));
    }
  });

  test('when a task is added after its reminder time, then the missed reminder still acts at once, not at the offset', () => {
    const now = at('2026-10-08T15:00:00+08:00');
    const plan = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, now, false, { remindAtOnce: true, noticeOffsetMs: 600_000 });
    expect(plan.steps[0]).toEqual({ level: 'reminder', at: now });
    expect(plan.steps[1]).toEqual({ level: 'overdue', at: at('2026-10-10T00:00:00+08:00') });
  });
});

describe('DUBAN_NOTICE_SPREAD_MINUTES', () => {
  const spreadOf = (value?: string) => loadConfig({ DATABASE_URL: 'postgresql://x', ...(value === undefined ? {} : { DUBAN_NOTICE_SPREAD_MINUTES: value }) }).DUBAN_NOTICE_SPREAD_MINUTES;

  test('when unset, then notices are spread over 60 minutes; 0 and 600 are accepted', () => {
    expect(spreadOf()).toBe(60);
    expect(spreadOf('0')).toBe(0);
    expect(spreadOf('600')).toBe(600);
  });

  test('when negative, above 600 (a notice could leave its day) or not a whole number, then the configuration is refused naming it', () => {
    for (const bad of ['-1', '601', '1.5', 'soon']) expect(() => spreadOf(bad)).toThrow(/DUBAN_NOTICE_SPREAD_MINUTES/);
  });
});

describe('a round’s notice time (DUBAN_NOTICE_TIME, frozen into the round at launch)', () => {
  const round = (spec: object) => ({ id: ROUND, spec: { tasks: [], ...spec } });
  const timeOf = (value?: string) => loadConfig({ DATABASE_URL: 'postgresql://x', ...(value === undefined ? {} : { DUBAN_NOTICE_TIME: value }) }).DUBAN_NOTICE_TIME;

  test('when a round has none (launched before it was frozen), then its notices go out at 09:00 plus the unit’s spread offset', () => {
    for (const code of unitCodes(50)) expect(roundNoticeOffsetMs(round({ noticeSpreadMinutes: 60 }), code, 0)).toBe(noticeOffsetMs(ROUND, code, 60));
  });

  test('when a round’s notices are at 10:30 or 08:00, then every 09:00 step moves by that much plus the unit’s offset, and the deadline stays at midnight', () => {
    const later = roundNoticeOffsetMs(round({ noticeTime: '10:30', noticeSpreadMinutes: 0 }), 'u00001', 60);
    expect(later).toBe(90 * 60_000);
    const earlier = roundNoticeOffsetMs(round({ noticeTime: '08:00', noticeSpreadMinutes: 60 }), 'u00001', 0);
    expect(earlier).toBe(-60 * 60_000 + noticeOffsetMs(ROUND, 'u00001', 60));
    const plan = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO, false, { noticeOffsetMs: later });
    expect(plan.steps).toEqual([
      { level: 'reminder', at: at('2026-09-29T10:30:00+08:00') },
      { level: 'overdue', at: at('2026-10-10T00:00:00+08:00') },
      { level: 'supervision', at: at('2026-10-13T10:30:00+08:00') },
      { level: 'escalated', at: at('2026-10-19T10:30:00+08:00') },
      { level: 'public_notice', at: at('2026-10-29T10:30:00+08:00') },
    ]);
  });

  test('when the earliest and the latest notice times allowed meet the largest spread, then every step of every unit falls on the same Shanghai date as at 09:00', () => {
    const unspread = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO);
    for (const noticeTime of [timeOf('06:00'), timeOf('14:00')]) {
      for (const code of unitCodes(200)) {
        const offset = roundNoticeOffsetMs(round({ noticeTime, noticeSpreadMinutes: 600 }), code, 0);
        const plan = planSteps(calendar, '2026-10-09', DEFAULT_ESCALATION_POLICY, LONG_AGO, false, { noticeOffsetMs: offset });
        expect(plan.steps.map((s) => [s.level, shanghaiDate(s.at)])).toEqual(unspread.steps.map((s) => [s.level, shanghaiDate(s.at)]));
      }
    }
  });

  test('when unset, then 09:00; HH:MM from 06:00 to 14:00 is accepted', () => {
    expect(timeOf()).toBe('09:00');
    for (const ok of ['06:00', '08:30', '10:00', '14:00']) expect(timeOf(ok)).toBe(ok);
  });

  test('when outside 06:00-14:00 or not HH:MM, then the configuration is refused naming it', () => {
    for (const bad of ['05:59', '14:01', '9:00', '09:60', '24:00', '10:00:00', 'noon', '']) expect(() => timeOf(bad)).toThrow(/DUBAN_NOTICE_TIME/);
  });
});
