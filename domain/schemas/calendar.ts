import { isoWeekday } from '../time';
import { DateString, z } from './common';

export const CalendarYearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100).openapi({ example: 2027 }) });

const Dates = z.array(DateString).max(366);

/** A year's schedule as the State Council publishes it: the days off, and the weekend days worked instead (调休). */
export const PublishCalendarBody = z
  .object({
    holidays: Dates.openapi({ description: 'Statutory days off in the year, weekends within a holiday block included', example: ['2027-01-01'] }),
    workdays: Dates.default([]).openapi({ description: 'Weekend days worked in exchange (调休上班)', example: ['2027-02-20'] }),
  })
  .strict()
  .openapi('PublishCalendar');
export type PublishCalendarBody = z.infer<typeof PublishCalendarBody>;

/** Problems with a schedule for `year`, as [path, message, code]; empty when it holds together. */
export function calendarProblems(year: number, body: PublishCalendarBody): Array<[string, string, string]> {
  const problems: Array<[string, string, string]> = [];
  const holidays = new Set<string>();
  body.holidays.forEach((d, i) => {
    if (Number(d.slice(0, 4)) !== year) problems.push([`holidays.${i}`, `must lie in ${year}`, 'outside_year']);
    else if (holidays.has(d)) problems.push([`holidays.${i}`, 'listed twice', 'duplicate']);
    holidays.add(d);
  });
  const workdays = new Set<string>();
  body.workdays.forEach((d, i) => {
    if (Number(d.slice(0, 4)) !== year) problems.push([`workdays.${i}`, `must lie in ${year}`, 'outside_year']);
    else if (holidays.has(d)) problems.push([`workdays.${i}`, 'is also listed as a holiday', 'conflict']);
    else if (workdays.has(d)) problems.push([`workdays.${i}`, 'listed twice', 'duplicate']);
    else if (isoWeekday(d) <= 5) problems.push([`workdays.${i}`, 'a make-up working day must fall on a Saturday or Sunday', 'not_a_weekend']);
    workdays.add(d);
  });
  return problems;
}

export const CalendarView = z
  .object({
    year: z.number().int(),
    source: z.enum(['bundled', 'published']).openapi({ description: 'bundled: the data shipped with duban (and a deployment\'s DUBAN_CALENDAR_FILE); published: entered with PUT /calendar/{year}' }),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    provisional: z.boolean().openapi({ description: 'No schedule is known for the year: Monday to Friday count as working days' }),
    publishedAt: z.string().nullable(),
    publishedBy: z.string().nullable(),
  })
  .openapi('CalendarYear');
