import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { IdParams, z } from '../../domain/schemas/common';
import { EscalationPolicyInput, LaunchRoundBody, ListEscalationsQuery, ListRoundsQuery, ListTasksQuery, RoundView, RubricInput } from '../../domain/schemas/rounds';
import { TaskView } from '../../domain/schemas/tasks';
import { DEFAULT_CONTRADICTION_RULE, cadenceWindows } from '../../domain/questionnaire';
import { shanghaiDate } from '../../domain/time';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import type { RoundSpec } from '../../store/roundSpec';
import { cancelRoundSignal, closeRoundSignal, roundWorkflowId } from '../../workflows/contracts';
import type { superviseRound } from '../../workflows/superviseRound';
import type { Principal } from '../auth';
import { badRequest, conflict, forbidden, type FieldError } from '../problem';
import type { Routes } from '../route';
import { roundWhere, unitWhere, visibleRound, visibleUnit } from '../scope';
import { catalogueWhere } from './catalogue';
import { roundCounts } from './counts';
import { taskView } from './tasks';

interface Deps {
  db: Db;
  client: Client;
  config: Config;
}

/** A launch retried with the same Idempotency-Key maps to the same round id. */
function roundIdFor(principal: Principal, key: string | undefined): string {
  if (!key) return randomUUID();
  const h = createHash('sha256').update(`${principal.tokenId}:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
        const id = roundIdFor(principal, req.get('idempotency-key'));
        const existing = await db.round.findUnique({ where: { id } });
        if (existing) {
          res.location(`/api/v1/rounds/${id}`);
          return { id, status: existing.status };
        }
        const launchedAt = new Date();
        const { unitIds, windows, ...spec } = await resolveLaunch(db, principal, body, launchedAt);
        await db.$transaction([
          db.round.create({
            data: { id, officeId: principal.office!.id, title: body.title, period: body.period, spec: spec as object, launchedAt, closesAt: new Date(body.closesAt), unitCount: unitIds.length, createdByTokenId: principal.tokenId },
          }),
          db.roundUnit.createMany({ data: unitIds.map((unitId) => ({ roundId: id, unitId })) }),
          db.questionnaireWindow.createMany({ data: windows.map((w, seq) => ({ ...w, roundId: id, seq })) }),
        ]);
        try {
          await client.workflow.start<typeof superviseRound>('superviseRound', {
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            workflowId: roundWorkflowId(id),
            args: [{ roundId: id, closesAt: body.closesAt, unitCount: unitIds.length }],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
        } catch (err) {
          await db.$transaction([db.roundUnit.deleteMany({ where: { roundId: id } }), db.questionnaireWindow.deleteMany({ where: { roundId: id } }), db.round.delete({ where: { id } })]);
          throw err;
        }
        res.location(`/api/v1/rounds/${id}`);
        return { id, status: 'open' };
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
          include: { unit: { select: { code: true } } },
          orderBy: [{ unitId: 'asc' }, { code: 'asc' }],
          take: query.limit,
          skip: query.offset,
        });
        return tasks.map(taskView);
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

/** Checks every reference in a launch request against what the office may use; 400 names each bad one. */
async function resolveLaunch(
  db: Db,
  principal: Principal,
  body: LaunchRoundBody,
  launchedAt: Date,
): Promise<RoundSpec & { unitIds: string[]; windows: Array<{ templateId: string; opensAt: Date; closesAt: Date }> }> {
  const errors: FieldError[] = [];
  const units = await db.unit.findMany({ where: { code: { in: body.unitCodes }, ...unitWhere(principal) }, select: { id: true, code: true } });
  const unitByCode = new Map(units.map((u) => [u.code, u.id]));
  body.unitCodes.forEach((code, i) => {
    if (!unitByCode.has(code)) errors.push({ path: `unitCodes.${i}`, message: `unknown unit ${code}`, in: 'body' });
  });
  const templates = await db.taskTemplate.findMany({ where: { code: { in: body.tasks.map((t) => t.templateCode) }, ...catalogueWhere(principal) }, select: { code: true } });
  const today = shanghaiDate(Date.now());
  body.tasks.forEach((t, i) => {
    if (!templates.some((x) => x.code === t.templateCode)) errors.push({ path: `tasks.${i}.templateCode`, message: `unknown task template ${t.templateCode}`, in: 'body' });
    if (t.dueDate && t.dueDate < today) errors.push({ path: `tasks.${i}.dueDate`, message: 'must not be in the past', in: 'body' });
  });
  const plan = body.questionnaire;
  const template = plan
    ? await db.questionnaireTemplate.findFirst({ where: { code: plan.templateCode, office: catalogueWhere(principal).office }, orderBy: { version: 'desc' } })
    : null;
  if (plan && !template) errors.push({ path: 'questionnaire.templateCode', message: `unknown questionnaire template ${plan.templateCode}`, in: 'body' });
  if (errors.length > 0) throw badRequest(`${errors.length} reference(s) in the round are unknown or invalid`, errors.slice(0, 100));
  const windows = plan?.windows ?? (plan?.cadence ? cadenceWindows(launchedAt.getTime(), Date.parse(body.closesAt), plan.cadence.every, plan.cadence.openDays) : []);
  return {
    unitIds: body.unitCodes.map((c) => unitByCode.get(c)!),
    windows: template ? windows.map((w) => ({ templateId: template.id, opensAt: new Date(w.opensAt), closesAt: new Date(w.closesAt) })) : [],
    tasks: body.tasks,
    escalationPolicy: body.escalationPolicy ?? EscalationPolicyInput.parse({}),
    rubric: body.rubric ?? RubricInput.parse({}),
    ...(plan && template
      ? { questionnaire: { templateCode: template.code, templateVersion: template.version, contradiction: plan.contradiction ?? DEFAULT_CONTRADICTION_RULE } }
      : {}),
  };
}
