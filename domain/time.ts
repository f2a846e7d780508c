// Asia/Shanghai has had no daylight saving since 1991, so a fixed +08:00 offset is exact.
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The calendar date (YYYY-MM-DD) in Asia/Shanghai of an instant. */
export function shanghaiDate(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a wall-clock time on a date in Asia/Shanghai. */
export function shanghaiInstant(date: string, time = '00:00'): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

/** A task is due by the end of its due date: the first instant of the next day. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(shanghaiInstant(date).getTime() + DAY_MS);
}

export function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The instant `months` calendar months after another, counted on the Shanghai calendar at the
 * same wall-clock time; from the 29th-31st it lands on the last day of a shorter month.
 */
export function addShanghaiMonths(instant: number, months: number): number {
  const wall = new Date(instant + OFFSET_MS);
  const day = wall.getUTCDate();
  wall.setUTCDate(1);
  wall.setUTCMonth(wall.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  wall.setUTCDate(Math.min(day, lastDay));
  return wall.getTime() - OFFSET_MS;
}

export type Cadence = 'month' | 'quarter' | 'year';

/** The label of the period an instant falls in, in Asia/Shanghai: 2026-11, 2026Q4, 2026; a date for a custom cron. */
export function periodLabel(instant: number, every: string): string {
  const date = shanghaiDate(instant);
  const [y, m] = [date.slice(0, 4), Number(date.slice(5, 7))];
  if (every === 'month') return date.slice(0, 7);
  if (every === 'quarter') return `${y}Q${Math.ceil(m / 3)}`;
  if (every === 'year') return y;
  return date;
}
