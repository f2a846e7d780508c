import { WorkflowIdReusePolicy } from '@temporalio/common';
import { BUNDLED_YEARS, bundledYear, readCalendarFile } from '../activities/calendar';
import { badRequest, forbidden } from '../api/problem';
import { calendarProblems, type PublishCalendarBody } from '../domain/schemas/calendar';
import { calendarReplanWorkflowId } from '../workflows/contracts';
import type { replanOnPublishedCalendar } from '../workflows/replanOnPublishedCalendar';
import type { Actor, UseCaseContext } from './context';

const seeds = new Map<string, ReturnType<typeof readCalendarFile>>();
/** The deployment's seed file, read once per process: it changes only with a restart. */
function seedOf(file: string | undefined) {
  if (!file) return undefined;
  if (!seeds.has(file)) seeds.set(file, readCalendarFile(file));
  return seeds.get(file);
}

/** A year's working-day calendar as in force: published, else the deployment's seed file or bundled data, else provisional. */
export async function calendarYear({ db, config }: UseCaseContext, year: number) {
  const published = await db.publishedCalendar.findUnique({ where: { year } });
  if (published) {
    return { year, source: 'published' as const, holidays: published.holidays, workdays: published.workdays, provisional: false, publishedAt: published.publishedAt.toISOString(), publishedBy: published.publishedBy };
  }
  const seed = seedOf(config.DUBAN_CALENDAR_FILE);
  if (seed?.years.includes(year)) {
    const inYear = (d: string) => Number(d.slice(0, 4)) === year;
    return { year, source: 'bundled' as const, holidays: seed.holidays.filter(inYear).sort(), workdays: seed.workdays.filter(inYear).sort(), provisional: false, publishedAt: null, publishedBy: null };
  }
  const known = BUNDLED_YEARS.has(year);
  return { year, source: 'bundled' as const, ...(known ? bundledYear(year) : { holidays: [], workdays: [] }), provisional: !known, publishedAt: null, publishedBy: null };
}

/**
 * Only the root office publishes (the State Council's schedule is national). The year's data
 * replaces what was bundled, the change is audited, and a workflow asks every open unit
 * holding a task planned on a provisional calendar to plan it again.
 */
export async function publishCalendar(ctx: UseCaseContext, actor: Actor, year: number, body: PublishCalendarBody) {
  const { db, client, config } = ctx;
  if (!actor.office || actor.office.path.split('/').filter(Boolean).length !== 1) throw forbidden('only the root office may publish a calendar');
  const problems = calendarProblems(year, body);
  if (problems.length > 0) throw badRequest(`${problems.length} date(s) do not fit the ${year} calendar`, problems.map(([path, message, code]) => ({ path, message, in: 'body', code })));
  const before = await calendarYear(ctx, year);
  const holidays = [...body.holidays].sort();
  const workdays = [...body.workdays].sort();
  const row = await db.$transaction(async (tx) => {
    const saved = await tx.publishedCalendar.upsert({
      where: { year },
      create: { year, holidays, workdays, publishedBy: actor.actor },
      update: { holidays, workdays, publishedBy: actor.actor, publishedAt: new Date() },
    });
    await tx.auditEntry.create({
      data: { actor: actor.actor, action: 'calendar.publish', subject: `calendar:${year}`, detail: { before: { source: before.source, holidays: before.holidays, workdays: before.workdays }, after: { holidays, workdays } } },
    });
    return saved;
  });
  await client.workflow.start<typeof replanOnPublishedCalendar>('replanOnPublishedCalendar', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: calendarReplanWorkflowId(year, row.publishedAt.getTime()),
    args: [{ year }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return calendarYear(ctx, year);
}
