import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import bundled from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, isoWeekday } from '../domain/time';

/**
 * The Chinese statutory working-day calendar (public holidays and 调休 make-up working
 * days): chinese-days' bundled data, then a deployment's seed file (DUBAN_CALENDAR_FILE),
 * then years an office published (PUT /calendar/{year}), each later source replacing the
 * earlier ones for the years it gives. For a year none covers, Monday to Friday count as
 * working days and every answer says it is provisional.
 */
export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** Whether the statutory schedule for this date's year is known. */
  covers(date: string): boolean;
  /** The date n working days after (n > 0) or before (n < 0) a date; n = 0 is the date itself. */
  shift(date: string, n: number): { date: string; provisional: boolean };
}

/** Whole years of statutory schedule: the holidays and the make-up working days in them. */
export interface ExtraCalendar {
  years: number[];
  holidays: string[];
  workdays: string[];
}

export type CalendarSource = 'bundled' | 'file' | 'published';

const yearOf = (date: string) => Number(date.slice(0, 4));

/** The years chinese-days carries, and each one's holidays and make-up working days. */
export const BUNDLED_YEARS: ReadonlySet<number> = new Set(Object.keys(bundled.holidays).map(yearOf));

export function bundledYear(year: number): { holidays: string[]; workdays: string[] } {
  const inYear = (d: string) => yearOf(d) === year;
  return { holidays: Object.keys(bundled.holidays).filter(inYear).sort(), workdays: Object.keys(bundled.workdays).filter(inYear).sort() };
}

/** `layers` in order of precedence, lowest first; a layer replaces earlier ones for each year it lists. */
export function createCalendar(...layers: Array<ExtraCalendar | undefined>): WorkingCalendar {
  const owned = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  for (const layer of layers) {
    if (!layer) continue;
    for (const y of layer.years) {
      const inYear = (d: string) => yearOf(d) === y;
      owned.set(y, { holidays: new Set(layer.holidays.filter(inYear)), workdays: new Set(layer.workdays.filter(inYear)) });
    }
  }

  const covers = (date: string) => owned.has(yearOf(date)) || BUNDLED_YEARS.has(yearOf(date));
  const isWorkingDay = (date: string) => {
    const year = owned.get(yearOf(date));
    if (year) return year.workdays.has(date) || (!year.holidays.has(date) && isoWeekday(date) <= 5);
    if (BUNDLED_YEARS.has(yearOf(date))) return chineseDays.isWorkday(date);
    return isoWeekday(date) <= 5;
  };

  // Issuing a round plans every task of every unit from the same few (date, offset) pairs, and walking
  // day by day through chinese-days costs ~9 ms of CPU per 30-task list: remember the answers.
  const shifted = new Map<string, { date: string; provisional: boolean }>();

  return {
    isWorkingDay,
    covers,
    shift(date, n) {
      const key = `${date}|${n}`;
      const known = shifted.get(key);
      if (known) return { ...known };
      let provisional = !covers(date);
      let d = date;
      const step = n > 0 ? 1 : -1;
      for (let left = Math.abs(n); left > 0; ) {
        d = addCalendarDays(d, step);
        if (!covers(d)) provisional = true;
        if (isWorkingDay(d)) left--;
      }
      if (shifted.size >= 100_000) shifted.clear();
      shifted.set(key, { date: d, provisional });
      return { date: d, provisional };
    },
  };
}

export function readCalendarFile(file?: string): ExtraCalendar | undefined {
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as ExtraCalendar) : undefined;
}

export function loadCalendar(file?: string): WorkingCalendar {
  return createCalendar(readCalendarFile(file));
}

/** Where activities get the calendar in force now; a published year takes effect without a restart. */
export interface Calendars {
  current(): Promise<WorkingCalendar>;
}

/** A calendar that never changes (tests, benchmarks). */
export const fixedCalendars = (calendar: WorkingCalendar): Calendars => ({ current: async () => calendar });
