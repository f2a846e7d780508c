import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { ownedByOfficeWhere, unitWhere } from '../access/visibility';
import { notFound } from '../api/problem';
import { groupBy } from '../domain/collections';
import { InvalidInput } from '../domain/errors';
import { CADENCE_CRONS, type CreateProgrammeBody } from '../domain/schemas/programmes';
import type { z } from '../domain/schemas/common';
import type { Actor, UseCaseContext } from './context';
import { launchSettings, resolveLaunch } from './launch';

const DAY_MS = 86_400_000;

async function visibleProgramme({ db }: UseCaseContext, actor: Actor, id: string) {
  const programme = await db.programme.findFirst({ where: { AND: [{ id }, ownedByOfficeWhere(actor)] }, include: { office: true, _count: { select: { rounds: true } } } });
  if (!programme) throw notFound('programme');
  return programme;
}

async function programmeView({ client }: UseCaseContext, p: Awaited<ReturnType<typeof visibleProgramme>>) {
  const description = await client.schedule.getHandle(p.scheduleId).describe().catch((err) => {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  });
  return {
    id: p.id, title: p.title, every: p.every, overlap: p.overlap, paused: description?.state.paused ?? p.paused, officeCode: p.office.code,
    nextRunAt: description?.info.nextActionTimes[0]?.toISOString() ?? null, rounds: p._count.rounds,
  };
}

/** A Temporal Schedule launches a round every period; the round template is checked now, not at the first run. */
export async function createProgramme(ctx: UseCaseContext, actor: Actor, body: z.infer<typeof CreateProgrammeBody>) {
  const { db, client, config } = ctx;
  const probe = { ...body.round, title: body.round.title ?? body.title, period: 'probe', closesAt: new Date(Date.now() + DAY_MS).toISOString() };
  await resolveLaunch(db, { kind: 'office', office: actor.office! }, probe, new Date(), launchSettings(config));
  const programme = await db.programme.create({
    data: { officeId: actor.office!.id, title: body.title, every: body.every, roundSpec: body.round as object, overlap: body.overlap, scheduleId: 'pending' },
  });
  const scheduleId = `programme-${programme.id}`;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { cronExpressions: [CADENCE_CRONS[body.every as keyof typeof CADENCE_CRONS] ?? body.every], timezone: 'Asia/Shanghai' },
      action: { type: 'startWorkflow', workflowType: 'launchProgrammeRound', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `programme-${programme.id}-run`, args: [{ programmeId: programme.id }] },
      // Overlap between rounds is decided by the programme's own policy, in the run.
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 day' },
    });
  } catch (err) {
    await db.programme.delete({ where: { id: programme.id } });
    throw new InvalidInput('the schedule could not be created', [{ path: 'every', message: (err as Error).message, in: 'body' }]);
  }
  await db.programme.update({ where: { id: programme.id }, data: { scheduleId } });
  return programmeView(ctx, await visibleProgramme(ctx, actor, programme.id));
}

export async function listProgrammes(ctx: UseCaseContext, actor: Actor) {
  const rows = await ctx.db.programme.findMany({ where: ownedByOfficeWhere(actor), include: { office: true, _count: { select: { rounds: true } } }, orderBy: { createdAt: 'asc' } });
  return Promise.all(rows.map((p) => programmeView(ctx, p)));
}

export type ProgrammeAction = 'pause' | 'resume' | 'trigger';

export async function actOnProgramme(ctx: UseCaseContext, actor: Actor, id: string, action: ProgrammeAction) {
  const { db, client, config } = ctx;
  const programme = await visibleProgramme(ctx, actor, id);
  const schedule = client.schedule.getHandle(programme.scheduleId);
  if (action === 'pause') await schedule.pause(`paused by ${actor.actor}`);
  if (action === 'resume') await schedule.unpause(`resumed by ${actor.actor}`);
  // Not schedule.trigger(): Temporal names a schedule's runs by the second, so two triggers in one second were one run (temporalio/temporal#3614).
  if (action === 'trigger') await client.workflow.start('launchProgrammeRound', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `programme-${programme.id}-trigger-${randomUUID()}`, args: [{ programmeId: programme.id, by: actor.actor }] });
  if (action !== 'trigger') await db.programme.update({ where: { id: programme.id }, data: { paused: action === 'pause' } });
  return programmeView(ctx, await visibleProgramme(ctx, actor, id));
}

/** Every visible unit's latest result in each of the programme's rounds, with the change since the previous one. */
export async function programmeResults(ctx: UseCaseContext, actor: Actor, id: string) {
  const { db } = ctx;
  const programme = await visibleProgramme(ctx, actor, id);
  const rounds = await db.round.findMany({ where: { programmeId: programme.id }, orderBy: { launchedAt: 'asc' }, select: { id: true, period: true, title: true, status: true } });
  const rows = await db.evaluationUnit.findMany({
    where: { evaluation: { roundId: { in: rounds.map((r) => r.id) } }, unit: unitWhere(actor) },
    select: { unitCode: true, unitName: true, total: true, grade: true, rank: true, evaluation: { select: { roundId: true, version: true } } },
  });
  const units = [...groupBy(rows, (r) => r.unitCode)].map(([unitCode, evals]) => {
    let previous: number | null = null;
    const results = rounds.flatMap((round) => {
      const latest = evals.filter((e) => e.evaluation.roundId === round.id).sort((a, b) => b.evaluation.version - a.evaluation.version)[0];
      if (!latest) return [];
      const change = previous === null ? null : Math.round((latest.total - previous) * 100) / 100;
      previous = latest.total;
      return [{ roundId: round.id, period: round.period, version: latest.evaluation.version, total: latest.total, grade: latest.grade, rank: latest.rank, change }];
    });
    return { unitCode, unitName: evals[0].unitName, results };
  });
  return { programmeId: programme.id, title: programme.title, rounds, units: units.sort((a, b) => a.unitCode.localeCompare(b.unitCode)) };
}
