import { createCalendar, type ExtraCalendar, type WorkingCalendar } from '../../../activities/calendar';
import { addCalendarDays } from '../../../domain/time';

export const DAY_MS = 86_400_000;

/**
 * Why a made-up 2027 and not real 2026 data: the time-skipping test server starts its clock
 * at the machine's real time and can only move it forward (neither the SDK nor the Java test
 * server's standalone entry point takes an initial time), and every 2026 holiday is already
 * past. chinese-days (pinned) stops at 2026, and the State Council's 2027 schedule is not
 * known to us with certainty, so this is an explicit FIXTURE shaped like a real schedule, not
 * the official one:
 *
 *   New Year's Day   2027-01-01 (Fri) .. 2027-01-03 (Sun) off
 *   Spring Festival  2027-02-05 (Fri) .. 2027-02-13 (Sat) off (春节 itself is Sat 2027-02-06)
 *   调休 make-up working days: Sun 2027-01-31 and Sat 2027-02-20
 *
 * It reaches the product through createCalendar's documented `extra` data, as a deployment's
 * DUBAN_CALENDAR_FILE would. Every expected instant in the tests is written by hand against it.
 */
export const CALENDAR_FIXTURE_2027: ExtraCalendar = {
  years: [2027],
  holidays: [
    '2027-01-01', '2027-01-02', '2027-01-03',
    '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13',
  ],
  workdays: ['2027-01-31', '2027-02-20'],
};

/** 52 weeks: moving a scenario by whole blocks of this keeps every weekday. */
const BLOCK_DAYS = 364;

/**
 * A scenario written in 2027 dates, moved forward by whole 52-week blocks when the test
 * server's clock (real time) is already past its start, so the tests keep working after
 * January 2027. The fixture calendar moves with it; weekdays, holidays and make-up days
 * keep their relative positions, so every hand-computed instant stays right.
 */
export class ScenarioTime {
  constructor(readonly shiftDays: number) {}

  /** The smallest shift (0, 364, 728, ... days) that puts `startIso` after `nowMs` by at least a minute. */
  static after(nowMs: number, startIso: string): ScenarioTime {
    const start = Date.parse(startIso);
    const blocks = Math.max(0, Math.ceil((nowMs + 60_000 - start) / (BLOCK_DAYS * DAY_MS)));
    return new ScenarioTime(blocks * BLOCK_DAYS);
  }

  /** A hand-written instant, e.g. '2027-02-01T09:00:00+08:00', in this scenario. */
  at(iso: string): number {
    return Date.parse(iso) + this.shiftDays * DAY_MS;
  }

  /** A hand-written calendar date in this scenario. */
  date(date: string): string {
    return addCalendarDays(date, this.shiftDays);
  }

  calendar(): WorkingCalendar {
    const f = CALENDAR_FIXTURE_2027;
    const years = [...new Set([this.date('2027-01-01'), this.date('2027-12-31')].map((d) => Number(d.slice(0, 4))))];
    return createCalendar({ years, holidays: f.holidays.map((d) => this.date(d)), workdays: f.workdays.map((d) => this.date(d)) });
  }
}
