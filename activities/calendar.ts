import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import bundled from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, isoWeekday } from '../domain/time';

/**
 * The Chinese statutory working-day calendar (public holidays and 调休 make-up working
 * days) from chinese-days, plus optional extra years from a JSON file. For a year neither
 * covers, Monday to Friday count as working days and every answer says it is provisional.
 */
export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** Whether the statutory schedule for this date's year is known. */
  covers(date: string): boolean;
  /** The date n working days after (n > 0) or before (n < 0) a date; n = 0 is the date itself. */
  shift(date: string, n: number): { date: string; provisional: boolean };
}

export interface ExtraCalendar {
  /** Years the file fully covers. */
  years: number[];
  holidays: string[];
  workdays: string[];
}

export function createCalendar(extra?: ExtraCalendar): WorkingCalendar {
  const knownYears = new Set(Object.keys(bundled.holidays).map((d) => Number(d.slice(0, 4))));
  const extraHolidays = new Set(extra?.holidays ?? []);
  const extraWorkdays = new Set(extra?.workdays ?? []);
  for (const y of extra?.years ?? []) knownYears.add(y);
  const bundledYears = new Set(Object.keys(bundled.holidays).map((d) => Number(d.slice(0, 4))));

  const covers = (date: string) => knownYears.has(Number(date.slice(0, 4)));
  const isWorkingDay = (date: string) => {
    if (extraWorkdays.has(date)) return true;
    if (extraHolidays.has(date)) return false;
    if (bundledYears.has(Number(date.slice(0, 4)))) return chineseDays.isWorkday(date);
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

export function loadCalendar(file?: string): WorkingCalendar {
  return createCalendar(file ? (JSON.parse(readFileSync(file, 'utf8')) as ExtraCalendar) : undefined);
}
