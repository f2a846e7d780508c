import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { groupBy } from '../../domain/collections';
import { InvalidInput } from '../../domain/errors';
import { IdParams, z } from '../../domain/schemas/common';
import { CADENCE_CRONS, CreateProgrammeBody, ProgrammeView } from '../../domain/schemas/programmes';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { resolveLaunch } from '../../store/launch';
import type { Principal } from '../auth';
import { notFound } from '../problem';
import type { Routes } from '../route';
import { unitWhere } from '../scope';

const DAY_MS = 86_400_000;

export function programmeRoutes(routes: Routes, { db, client, config }: { db: Db; client: Client; config: Config }) {
  const visibleProgramme = async (principal: Principal, id: string) => {
    const programme = await db.programme.findFirst({ where: { id, office: { path: { startsWith: principal.office!.path } } }, include: { office: true, _count: { select: { rounds: true } } } });
    if (!programme) throw notFound(`programme ${id}`);
    return programme;
  };
  const view = async (p: Awaited<ReturnType<typeof visibleProgramme>>) => {
    const description = await client.schedule.getHandle(p.scheduleId).describe().catch((err) => {
      if (err instanceof ScheduleNotFoundError) return null;
      throw err;
    });
    return {
      id: p.id, title: p.title, every: p.every, overlap: p.overlap, paused: description?.state.paused ?? p.paused, officeCode: p.office.code,
      nextRunAt: description?.info.nextActionTimes[0]?.toISOString() ?? null, rounds: p._count.rounds,
    };
  };

  routes
    .add({
      method: 'post', path: '/programmes', summary: 'A recurring programme: a Temporal Schedule launches a round every month, quarter, year or cron (Asia/Shanghai)', tags: ['Programmes'],
      roles: ['office'], body: CreateProgrammeBody, status: 201, response: ProgrammeView,
      handler: async ({ body, principal }) => {
        // Check the template's references now, so a bad programme fails here and not at its first run.
        const probe = { ...body.round, title: body.round.title ?? body.title, period: 'probe', closesAt: new Date(Date.now() + DAY_MS).toISOString() };
        await resolveLaunch(db, { office: principal.office! }, probe, new Date());
        const programme = await db.programme.create({
          data: { officeId: principal.office!.id, title: body.title, every: body.every, roundSpec: body.round as object, overlap: body.overlap, scheduleId: 'pending' },
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
        return view(await visibleProgramme(principal, programme.id));
      },
    })
    .add({
      method: 'get', path: '/programmes', summary: 'Programmes of your office and the offices below it', tags: ['Programmes'], roles: ['office'], response: z.array(ProgrammeView),
      handler: async ({ principal }) => {
        const rows = await db.programme.findMany({ where: { office: { path: { startsWith: principal.office!.path } } }, include: { office: true, _count: { select: { rounds: true } } }, orderBy: { createdAt: 'asc' } });
        return Promise.all(rows.map(view));
      },
    });

  for (const action of ['pause', 'resume', 'trigger'] as const) {
    routes.add({
      method: 'post', path: `/programmes/{id}/${action}`, tags: ['Programmes'], roles: ['office'], params: IdParams, status: action === 'trigger' ? 202 : 200, response: ProgrammeView,
      summary: { pause: 'Pause the schedule', resume: 'Resume the schedule', trigger: 'Run the programme now, as if its time had come' }[action],
      handler: async ({ params, principal }) => {
        const programme = await visibleProgramme(principal, params.id);
        const schedule = client.schedule.getHandle(programme.scheduleId);
        if (action === 'pause') await schedule.pause(`paused by ${principal.actor}`);
        if (action === 'resume') await schedule.unpause(`resumed by ${principal.actor}`);
        // Not schedule.trigger(): Temporal names a schedule's runs by the second, so two triggers in one second were one run (temporalio/temporal#3614).
        if (action === 'trigger') await client.workflow.start('launchProgrammeRound', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `programme-${programme.id}-trigger-${randomUUID()}`, args: [{ programmeId: programme.id }] });
        if (action !== 'trigger') await db.programme.update({ where: { id: programme.id }, data: { paused: action === 'pause' } });
        return view(await visibleProgramme(principal, params.id));
      },
    });
  }

  routes.add({
    method: 'get', path: '/programmes/{id}/results', summary: 'Every visible unit\'s results across the programme\'s rounds, with the change since the previous round', tags: ['Programmes'],
    roles: ['office'], params: IdParams,
    handler: async ({ params, principal }) => {
      const programme = await visibleProgramme(principal, params.id);
      const rounds = await db.round.findMany({ where: { programmeId: programme.id }, orderBy: { launchedAt: 'asc' }, select: { id: true, period: true, title: true, status: true } });
      const rows = await db.evaluationUnit.findMany({
        where: { evaluation: { roundId: { in: rounds.map((r) => r.id) } }, unit: unitWhere(principal) },
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
    },
  });
}
