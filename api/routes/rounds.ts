import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { IdParams, z } from '../../domain/schemas/common';
import { LaunchRoundBody, ListEscalationsQuery, ListRoundsQuery, ListTasksQuery, RoundView } from '../../domain/schemas/rounds';
import { TaskView } from '../../domain/schemas/tasks';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { uuidFromKey } from '../../src/ids';
import { launchRound } from '../../store/launch';
import { cancelRoundSignal, closeRoundSignal, roundWorkflowId } from '../../workflows/contracts';
import type { Principal } from '../auth';
import { conflict, forbidden } from '../problem';
import type { Routes } from '../route';
import { roundWhere, unitWhere, visibleRound, visibleUnit } from '../scope';
import { roundCounts } from './counts';
import { taskView } from './tasks';

interface Deps {
  db: Db;
  client: Client;
  config: Config;
}

/** A launch retried with the same Idempotency-Key maps to the same round id. */
function roundIdFor(principal: Principal, key: string | undefined): string {
  return key ? uuidFromKey(`${principal.tokenId}:${key}`) : randomUUID();
}

type RoundRow = Awaited<ReturnType<typeof visibleRound>>;

export function roundRoutes(routes: Routes, { db, client, config }: Deps) {
  const view = async (principal: Principal, rounds: RoundRow[]) => {
    const counts = await roundCounts(db, principal, rounds);
    return rounds.map((r) => ({
      id: r.id,
      title: r.title,
      period: r.period,
      status: r.status,
      officeCode: r.office.code,
      launchedAt: r.launchedAt.toISOString(),
      closesAt: r.closesAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
      counts: counts.get(r.id)!,
    }));
  };

  /** Only the launching office, or one above it, may change a round. */
  const ownRound = async (principal: Principal, id: string) => {
    const round = await visibleRound(db, principal, id);
    if (!round.office.path.startsWith(principal.office!.path)) throw forbidden('only the office that launched the round, or one above it, may change it');
    return round;
  };

  routes
    .add({
      method: 'post', path: '/rounds', summary: 'Launch a supervision round', tags: ['Rounds'], roles: ['office'], body: LaunchRoundBody, status: 202,
      response: z.object({ id: z.string(), status: z.literal('open') }), errors: [409],
      handler: async ({ body, principal, req, res }) => {
        const launched = await launchRound({ db, client, taskQueue: config.TEMPORAL_TASK_QUEUE }, { office: principal.office!, tokenId: principal.tokenId }, body, roundIdFor(principal, req.get('idempotency-key')));
        res.location(`/api/v1/rounds/${launched.id}`);
        return { id: launched.id, status: launched.status };
      },
    })
    .add({
      method: 'get', path: '/rounds', summary: 'Rounds you launched or that include your units; counts cover only what you may see', tags: ['Rounds'], roles: ['office', 'unit'], query: ListRoundsQuery, response: z.array(RoundView),
      handler: async ({ query, principal }) => {
        const rounds = await db.round.findMany({
          where: { AND: [roundWhere(principal), query.status ? { status: query.status } : {}] },
          include: { office: true },
          orderBy: { launchedAt: 'desc' },
          take: query.limit,
          skip: query.offset,
        });
        return view(principal, rounds);
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}', summary: 'A round with its counts', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, response: RoundView,
      handler: async ({ params, principal }) => (await view(principal, [await visibleRound(db, principal, params.id)]))[0],
    })
    .add({
      method: 'post', path: '/rounds/{id}/close', summary: 'Close a round now and freeze its evaluation', tags: ['Rounds'], roles: ['office'], params: IdParams, status: 202, errors: [409],
      response: z.object({ id: z.string(), status: z.literal('closing') }),
      handler: async ({ params, principal }) => {
        const round = await ownRound(principal, params.id);
        if (round.status !== 'open') throw conflict(`the round is ${round.status}`);
        await client.workflow.getHandle(roundWorkflowId(round.id)).signal(closeRoundSignal, { actor: principal.actor });
        await db.round.updateMany({ where: { id: round.id, status: 'open' }, data: { status: 'closing' } });
        return { id: round.id, status: 'closing' };
      },
    })
    .add({
      method: 'post', path: '/rounds/{id}/cancel', summary: 'Cancel a round: every timer stops and no evaluation is made', tags: ['Rounds'], roles: ['office'], params: IdParams, status: 202, errors: [409],
      response: z.object({ id: z.string(), status: z.literal('cancelled') }),
      handler: async ({ params, principal }) => {
        const round = await ownRound(principal, params.id);
        if (round.status !== 'open') throw conflict(`the round is ${round.status}`);
        await client.workflow.getHandle(roundWorkflowId(round.id)).signal(cancelRoundSignal, { actor: principal.actor });
        await db.round.updateMany({ where: { id: round.id, status: 'open' }, data: { status: 'cancelled' } });
        return { id: round.id, status: 'cancelled' };
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/tasks', summary: 'Tasks of a round, for the units you may see', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, query: ListTasksQuery, response: z.array(TaskView),
      handler: async ({ params, query, principal }) => {
        const round = await visibleRound(db, principal, params.id);
        const unit = query.unitCode ? await visibleUnit(db, principal, query.unitCode) : null;
        const tasks = await db.task.findMany({
          where: { roundId: round.id, unit: unitWhere(principal), ...(unit ? { unitId: unit.id } : {}), ...(query.status ? { status: query.status } : {}) },
          include: { unit: { select: { code: true } }, submissions: { where: { status: 'pending' }, orderBy: { submittedAt: 'desc' }, take: 1, select: { id: true } } },
          orderBy: [{ unitId: 'asc' }, { code: 'asc' }],
          take: query.limit,
          skip: query.offset,
        });
        return tasks.map((t) => ({ ...taskView(t), submissionId: t.submissions[0]?.id ?? null }));
      },
    })
    .add({
      method: 'get', path: '/rounds/{id}/escalations', summary: 'Ladder steps that fired, addressed to your office or any below it', tags: ['Rounds'], roles: ['office', 'unit'], params: IdParams, query: ListEscalationsQuery,
      handler: async ({ params, query, principal }) => {
        const round = await visibleRound(db, principal, params.id);
        const unit = query.unitCode ? await visibleUnit(db, principal, query.unitCode) : null;
        const rows = await db.escalation.findMany({
          where: {
            roundId: round.id,
            ...(principal.office ? { targetOffice: { path: { startsWith: principal.office.path } } } : { unitId: principal.unit!.id }),
            ...(unit ? { unitId: unit.id } : {}),
            ...(query.level ? { level: query.level } : {}),
          },
          include: { task: { select: { code: true, title: true, dueDate: true, unit: { select: { code: true, name: true } } } }, targetOffice: { select: { code: true } } },
          orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
          take: query.limit,
          skip: query.offset,
        });
        return rows.map((e) => ({
          id: e.id, level: e.level, taskId: e.taskId, taskCode: e.task.code, taskTitle: e.task.title, dueDate: e.task.dueDate,
          unitCode: e.task.unit.code, unitName: e.task.unit.name, targetOfficeCode: e.targetOffice.code, cycle: e.cycle,
          scheduledAt: e.scheduledAt.toISOString(), firedAt: e.firedAt.toISOString(),
        }));
      },
    });
}
