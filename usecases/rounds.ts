import { randomUUID } from 'node:crypto';
import { escalationWhere, governs, roundWhere, taskWhere, visibleRound, visibleUnit } from '../access/visibility';
import { conflict, forbidden } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import type { LaunchRoundBody } from '../domain/schemas/rounds';
import type { EscalationLevel, RoundStatus, TaskStatus } from '../domain/vocabulary';
import { uuidFromKey } from '../src/ids';
import { cancelRoundSignal, closeRoundSignal, roundWorkflowId } from '../workflows/contracts';
import type { Actor, UseCaseContext } from './context';
import { launchRound as launch, launchSettings } from './launch';
import { roundCounts } from './roundCounts';
import { catalogueVersionsOf } from './catalogues';
import { taskView } from './taskView';

type RoundRow = Awaited<ReturnType<typeof visibleRound>>;

async function roundViews({ db }: UseCaseContext, actor: Actor, rounds: RoundRow[]) {
  const counts = await roundCounts(db, actor, rounds);
  const pins = await catalogueVersionsOf(db, rounds);
  return rounds.map((r) => ({
    id: r.id,
    title: r.title,
    period: r.period,
    status: r.status,
    officeCode: r.office.code,
    launchedAt: r.launchedAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    catalogue: (r.catalogueVersionId && pins.get(r.catalogueVersionId)) ?? null,
    launchedBy: r.launchedBy,
    counts: counts.get(r.id)!,
  }));
}

/**
 * POST /rounds. A launch retried with the same Idempotency-Key maps to the same round id. `onRecorded` as in
 * usecases/launch.ts (a new round committed, its workflow not started yet).
 */
export async function launchRound(ctx: UseCaseContext, actor: Actor, body: LaunchRoundBody, idempotencyKey?: string, onRecorded?: (round: { id: string; unitCount: number }) => void) {
  const id = idempotencyKey ? uuidFromKey(`${actor.tokenId ?? actor.actor}:${idempotencyKey}`) : randomUUID();
  return launch({ db: ctx.db, client: ctx.client, taskQueue: ctx.config.TEMPORAL_TASK_QUEUE, settings: launchSettings(ctx.config) }, { kind: 'office', office: actor.office!, tokenId: actor.tokenId, actor: actor.actor }, body, id, undefined, onRecorded);
}

export async function listRounds(ctx: UseCaseContext, actor: Actor, query: { status?: RoundStatus; limit: number; offset: number }) {
  const rounds = await ctx.db.round.findMany({
    where: { AND: [roundWhere(actor), query.status ? { status: query.status } : {}] },
    include: { office: true },
    orderBy: { launchedAt: 'desc' },
    take: query.limit,
    skip: query.offset,
  });
  return roundViews(ctx, actor, rounds);
}

export async function getRound(ctx: UseCaseContext, actor: Actor, id: string) {
  return (await roundViews(ctx, actor, [await visibleRound(ctx.db, actor, id)]))[0];
}

/** Only the launching office, or one above it, may change a round, and only while it is open. */
export async function openRoundOf({ db }: UseCaseContext, actor: Actor, id: string) {
  const round = await visibleRound(db, actor, id);
  if (!governs(actor, round.office.path)) throw forbidden('only the office that launched the round, or one above it, may change it');
  if (round.status !== 'open') throw conflict(ErrorCode.RoundState, `the round is ${round.status}`);
  return round;
}

/**
 * Asks the round's workflow to close (it closes every unit and freezes the evaluation) and
 * records `closing` at once, so the caller and every reader see the request taken.
 */
export async function closeRound(ctx: UseCaseContext, actor: Actor, id: string) {
  const round = await openRoundOf(ctx, actor, id);
  await ctx.client.workflow.getHandle(roundWorkflowId(round.id)).signal(closeRoundSignal, { actor: actor.actor });
  await ctx.db.round.updateMany({ where: { id: round.id, status: 'open' }, data: { status: 'closing' } });
  return { id: round.id, status: 'closing' as const };
}

/** Every timer of the round stops, and no evaluation is made. */
export async function cancelRound(ctx: UseCaseContext, actor: Actor, id: string) {
  const round = await openRoundOf(ctx, actor, id);
  await ctx.client.workflow.getHandle(roundWorkflowId(round.id)).signal(cancelRoundSignal, { actor: actor.actor });
  await ctx.db.round.updateMany({ where: { id: round.id, status: 'open' }, data: { status: 'cancelled' } });
  return { id: round.id, status: 'cancelled' as const };
}

export async function listRoundTasks(ctx: UseCaseContext, actor: Actor, id: string, query: { unitCode?: string; status?: TaskStatus; limit: number; offset: number }) {
  const { db } = ctx;
  const round = await visibleRound(db, actor, id);
  const unit = query.unitCode ? await visibleUnit(db, actor, query.unitCode) : null;
  const tasks = await db.task.findMany({
    where: { AND: [taskWhere(actor), { roundId: round.id }, unit ? { unitId: unit.id } : {}, query.status ? { status: query.status } : {}] },
    include: { unit: { select: { code: true } }, submissions: { where: { status: 'pending' }, orderBy: { submittedAt: 'desc' }, take: 1, select: { id: true } } },
    orderBy: [{ unitId: 'asc' }, { code: 'asc' }],
    take: query.limit,
    skip: query.offset,
  });
  return tasks.map((t) => ({ ...taskView(t), submissionId: t.submissions[0]?.id ?? null }));
}

/** Ladder steps that fired, addressed to the office or any below it; a unit sees its own. */
export async function listEscalations(ctx: UseCaseContext, actor: Actor, id: string, query: { level?: EscalationLevel; unitCode?: string; limit: number; offset: number }) {
  const { db } = ctx;
  const round = await visibleRound(db, actor, id);
  const unit = query.unitCode ? await visibleUnit(db, actor, query.unitCode) : null;
  const rows = await db.escalation.findMany({
    where: { AND: [escalationWhere(actor), { roundId: round.id }, unit ? { unitId: unit.id } : {}, query.level ? { level: query.level } : {}] },
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
}
