import { createCalendar, type Calendars, type ExtraCalendar, type WorkingCalendar } from '../activities/calendar';
import type { Db } from '../src/db';

/** Every year an office published, as one calendar layer, with a version that changes when any does. */
export async function publishedLayer(db: Db): Promise<{ version: string; layer: ExtraCalendar }> {
  const rows = await db.publishedCalendar.findMany({ orderBy: { year: 'asc' } });
  return {
    version: rows.map((r) => `${r.year}@${r.publishedAt.getTime()}`).join(','),
    layer: { years: rows.map((r) => r.year), holidays: rows.flatMap((r) => r.holidays), workdays: rows.flatMap((r) => r.workdays) },
  };
}

/**
 * The calendar in force: bundled data, the deployment's seed file, then published years.
 * A cheap version query per use; the calendar is rebuilt only when a year was published.
 */
export function liveCalendars(db: Db, seed?: ExtraCalendar): Calendars {
  let cached: { version: string; calendar: WorkingCalendar } | undefined;
  return {
    async current() {
      const [stamp] = await db.$queryRaw<Array<{ version: string }>>`
        SELECT coalesce(string_agg(year::text || '@' || (extract(epoch FROM published_at) * 1000)::bigint::text, ',' ORDER BY year), '') AS version
        FROM published_calendars`;
      if (cached && cached.version === stamp.version) return cached.calendar;
      const { version, layer } = await publishedLayer(db);
      cached = { version, calendar: createCalendar(seed, layer) };
      return cached.calendar;
    },
  };
}
