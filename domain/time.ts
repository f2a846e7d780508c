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
