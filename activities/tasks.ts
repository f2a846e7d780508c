import { ApplicationFailure } from '@temporalio/activity';
import { escalationTarget } from '../domain/escalation';
import { shanghaiDate } from '../domain/time';
import { type EscalationLevel, type TaskStatus } from '../domain/vocabulary';
import type { Db } from '../src/db';
import { recordFiredSteps } from '../store/ladderSteps';
import { wakeWebhooks } from '../store/notifications';
import type { RoundSpec } from '../store/roundSpec';
import { insertSubmission, reviewPendingSubmission } from '../store/submissions';
import { ErrorType, type ExtendTaskInput, type PlannedStep, type ReviewSubmissionInput, type SubmitTaskInput, type UnitOutcome, type WaiveTaskInput } from '../workflows/contracts';
import type { ActivityDeps } from './deps';
import { dueDateAfter, planSteps, roundNoticeOffsetMs } from './planning';

interface UnitRef {
  roundId: string;
  unitCode: string;
  /** Workflow time of the event, so records follow the workflow's clock. */
  at: number;
}

export interface ReplannedTask {
  status: TaskStatus;
  dueAt: number;
  cycle: number;
  steps: PlannedStep[];
}

/** What planning a task's ladder needs from its round: its escalation policy and the spec the notice offset is read from. */
async function ladderOf(db: Db, roundId: string) {
  const round = await db.round.findUniqueOrThrow({ where: { id: roundId }, select: { id: true, spec: true } });
  return { round, policy: (round.spec as unknown as RoundSpec).escalationPolicy };
}

/**
 * A unit workflow hears of a cancel or close by a signal that the round sends after the API has
 * answered; a write arriving in between is refused here, inside the unit's lock, by the record.
 */
async function assertRoundOpen(db: Db, roundId: string) {
  const { status } = await db.round.findUniqueOrThrow({ where: { id: roundId }, select: { status: true } });
  refuseUnlessOpen(status, roundId);
}

/** The refusal of a write to a round that is not open, from the status a write's own statement read. */
function refuseUnlessOpen(status: string | null, roundId: string) {
  if (status === null) throw new Error(`round ${roundId} not found`);
  if (status !== 'open') throw ApplicationFailure.create({ type: ErrorType.UnitClosed, message: `the round is ${status}`, nonRetryable: true });
}

async function audit(db: Db, actor: string, action: string, subject: string, detail: object) {
  await db.auditEntry.create({ data: { actor, action, subject, detail } });
}

export function createTaskActivities({ db, calendars, client, taskQueue, noticeSpreadMinutes }: ActivityDeps) {
  const noticeOffset = (round: { id: string; spec: unknown }, unit: UnitRef) => ({ noticeOffsetMs: roundNoticeOffsetMs(round, unit.unitCode, noticeSpreadMinutes) });

  /** Moves a task to a new due date and restarts its ladder under a new cycle. */
  async function replan(taskId: string, dueDate: string, status: TaskStatus, unit: UnitRef, provisional = false): Promise<ReplannedTask> {
    const { round, policy } = await ladderOf(db, unit.roundId);
    const plan = planSteps(await calendars.current(), dueDate, policy, unit.at, provisional, noticeOffset(round, unit));
    const task = await db.task.update({
      where: { id: taskId },
      data: { dueDate, dueAt: new Date(plan.dueAt), dueProvisional: plan.dueProvisional, ladderProvisional: plan.ladderProvisional, status, ladderCycle: { increment: 1 }, escalationLevel: null },
      select: { ladderCycle: true, status: true },
    });
    return { status: task.status, dueAt: plan.dueAt, cycle: task.ladderCycle, steps: plan.steps };
  }

  return {
    /**
     * Records a submission, or returns the one already recorded under the same key (also once the
     * round is no longer open), in one statement (store/submissions.ts).
     */
    async recordSubmission(input: SubmitTaskInput & UnitRef): Promise<{ submissionId: string }> {
      const recorded = await insertSubmission(db, {
        taskId: input.taskId,
        roundId: input.roundId,
        idempotencyKey: input.idempotencyKey,
        summary: input.summary,
        evidence: input.evidence,
        submittedAt: new Date(input.at),
        submittedBy: input.actor ?? `unit:${input.unitCode}`,
      });
      const id = recorded.existingId ?? recorded.insertedId;
      if (id) return { submissionId: id };
      refuseUnlessOpen(recorded.roundStatus, input.roundId);
      // A concurrent call recorded the same key first.
      const first = await db.submission.findUniqueOrThrow({ where: { taskId_idempotencyKey: { taskId: input.taskId, idempotencyKey: input.idempotencyKey } }, select: { id: true } });
      return { submissionId: first.id };
    },

    /**
     * Records the review of a pending submission in one statement (store/submissions.ts); a
     * submission already reviewed is left as it is. A return then plans the task's rework.
     */
    async recordReview(input: ReviewSubmissionInput & UnitRef): Promise<{ taskStatus: TaskStatus; plan?: ReplannedTask }> {
      const accept = input.decision === 'accept';
      const recorded = await reviewPendingSubmission(db, {
        submissionId: input.submissionId,
        taskId: input.taskId,
        roundId: input.roundId,
        accept,
        score: input.score,
        comment: input.comment,
        reviewedAt: new Date(input.at),
        reviewerOffice: input.reviewer,
        reviewedBy: input.actor ?? `office:${input.reviewer}`,
      });
      if (recorded.submissionStatus === null) throw new Error(`submission ${input.submissionId} not found`);
      if (recorded.submissionStatus === 'pending') refuseUnlessOpen(recorded.roundStatus, input.roundId);
      if (accept) return { taskStatus: 'accepted' };
      const task = await db.task.findUniqueOrThrow({ where: { id: input.taskId } });
      const { round, policy } = await ladderOf(db, input.roundId);
      const calendar = await calendars.current();
      if (task.status === 'returned') {
        const plan = planSteps(calendar, task.dueDate, policy, input.at, task.dueProvisional, noticeOffset(round, input));
        return { taskStatus: 'returned', plan: { status: 'returned', dueAt: plan.dueAt, cycle: task.ladderCycle, steps: plan.steps } };
      }
      const rework = dueDateAfter(calendar, input.at, policy.reworkWorkingDays);
      const plan = await replan(input.taskId, rework.date, 'returned', input, rework.provisional);
      return { taskStatus: 'returned', plan };
    },

    async extendTask(input: ExtendTaskInput & UnitRef): Promise<ReplannedTask> {
      if (input.dueDate < shanghaiDate(input.at)) {
        throw ApplicationFailure.create({ type: ErrorType.InvalidDueDate, message: 'the new due date is in the past', nonRetryable: true });
      }
      await assertRoundOpen(db, input.roundId);
      const task = await db.task.findUniqueOrThrow({ where: { id: input.taskId } });
      const status: TaskStatus = task.status === 'overdue' ? (task.submittedAt ? 'returned' : 'issued') : task.status;
      const plan = await replan(input.taskId, input.dueDate, status, input);
      await audit(db, input.actor, 'task.extend', `task:${input.taskId}`, { from: task.dueDate, to: input.dueDate, reason: input.reason });
      return plan;
    },

    async waiveTask(input: WaiveTaskInput & UnitRef): Promise<void> {
      await assertRoundOpen(db, input.roundId);
      await db.task.update({ where: { id: input.taskId }, data: { status: 'waived', waivedReason: input.reason } });
      await audit(db, input.actor, 'task.waive', `task:${input.taskId}`, { reason: input.reason });
    },

    /**
     * Acts on ladder steps whose instant has come (`recordFiredSteps`: the task turned overdue at its
     * deadline, the escalation for its target office, the level raised, the notice queued) in one
     * statement, then wakes the delivery workflow of every webhook given one of the notices.
     */
    async fireSteps(input: { roundId: string; unitCode: string; now: number; items: Array<{ taskId: string; cycle: number; level: EscalationLevel | null; at: number }> }): Promise<{ statuses: Record<string, TaskStatus> }> {
      const steps = input.items.map((i) => ({ ...i, target: i.level === null ? ('own' as const) : escalationTarget(i.level) }));
      const fired = await recordFiredSteps(db, { roundId: input.roundId, unitCode: input.unitCode, now: input.now, steps });
      if (!fired.unitFound) throw new Error(`no unit ${input.unitCode}`);
      await wakeWebhooks(client, taskQueue, fired.webhookIds);
      return { statuses: fired.statuses };
    },

    async finishUnit(input: { roundId: string; unitCode: string; outcome: UnitOutcome }): Promise<void> {
      const unit = await db.unit.findUniqueOrThrow({ where: { code: input.unitCode } });
      await db.roundUnit.update({ where: { roundId_unitId: { roundId: input.roundId, unitId: unit.id } }, data: { closedAt: new Date() } });
    },
  };
}
