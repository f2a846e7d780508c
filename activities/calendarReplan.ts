import { Context } from '@temporalio/activity';
import { endOfShanghaiDay } from '../domain/time';
import { OPEN_TASK_STATUSES, levelRank } from '../domain/vocabulary';
import type { RoundSpec } from '../store/roundSpec';
import { calendarPublishedSignal, type RecalendaredTask } from '../workflows/contracts';
import type { ActivityDeps } from './deps';
import { dueDateAfter, planSteps, roundNoticeOffsetMs } from './planning';
import { signalUnitNow } from './unitWorkflows';

export function createCalendarReplanActivities({ db, client, taskQueue, calendars, noticeSpreadMinutes }: ActivityDeps) {
  return {
    /**
     * Plans again, on the calendar now in force, the open tasks of one unit whose due date or
     * ladder was planned on a provisional calendar. A due date counted from the launch is
     * counted again but never brought forward (a unit keeps at least the time it was told);
     * dates given explicitly, rework dates and overdue tasks keep their date. Steps already
     * past, or at or below the level the task has reached, are not planned again.
     */
    async replanProvisionalTasks({ roundId, unitCode, at }: { roundId: string; unitCode: string; at: number }): Promise<{ plans: Record<string, RecalendaredTask> }> {
      const calendar = await calendars.current();
      const round = await db.round.findUniqueOrThrow({ where: { id: roundId }, select: { spec: true, launchedAt: true } });
      const spec = round.spec as unknown as RoundSpec;
      const explicit = new Set(spec.tasks.filter((t) => t.dueDate).map((t) => t.templateCode));
      const tasks = await db.task.findMany({
        where: { roundId, unit: { code: unitCode }, status: { in: [...OPEN_TASK_STATUSES] }, OR: [{ dueProvisional: true }, { ladderProvisional: true }] },
        include: { template: { select: { code: true, dueWorkingDays: true } } },
      });
      const plans: Record<string, RecalendaredTask> = {};
      const noticeOffset = roundNoticeOffsetMs({ id: roundId, spec: round.spec }, unitCode, noticeSpreadMinutes);
      for (const task of tasks) {
        let dueDate = task.dueDate;
        let dueProvisional = !calendar.covers(dueDate);
        if (task.dueProvisional && task.status === 'issued' && task.ladderCycle === 0 && !explicit.has(task.template.code)) {
          const counted = dueDateAfter(calendar, round.launchedAt.getTime(), task.template.dueWorkingDays);
          if (counted.date >= task.dueDate) ({ date: dueDate, provisional: dueProvisional } = counted);
        }
        const plan = planSteps(calendar, dueDate, spec.escalationPolicy, at, dueProvisional, { noticeOffsetMs: noticeOffset });
        const reached = levelRank(task.escalationLevel);
        const steps = plan.steps.filter((s) => s.at > at && (s.level === null || levelRank(s.level) > reached));
        await db.$transaction([
          db.task.update({
            where: { id: task.id },
            data: { dueDate, dueAt: endOfShanghaiDay(dueDate), dueProvisional: plan.dueProvisional, ladderProvisional: plan.ladderProvisional },
          }),
          db.auditEntry.create({
            data: { actor: 'calendar', action: 'task.recalendar', subject: `task:${task.id}`, detail: { from: task.dueDate, to: dueDate, dueProvisional: plan.dueProvisional, ladderProvisional: plan.ladderProvisional } },
          }),
        ]);
        plans[task.id] = { dueAt: plan.dueAt, steps };
      }
      return { plans };
    },

    /** Signals each open unit workflow holding a provisional open task; a finished one is skipped. */
    async signalProvisionalUnits({ year }: { year: number }): Promise<{ units: number }> {
      const rows = await db.$queryRaw<Array<{ round_id: string; unit_code: string }>>`
        SELECT DISTINCT t.round_id, u.code AS unit_code
        FROM tasks t JOIN units u ON u.id = t.unit_id JOIN rounds r ON r.id = t.round_id
        WHERE r.status = 'open' AND t.status IN ('issued', 'returned', 'overdue') AND (t.due_provisional OR t.ladder_provisional)
        ORDER BY t.round_id, u.code`;
      const start = (Context.current().info.heartbeatDetails as number | undefined) ?? 0;
      for (let i = start; i < rows.length; i++) {
        // A unit waiting for its deferred first workflow task runs now: its first step may move earlier.
        await signalUnitNow(client, taskQueue, { roundId: rows[i].round_id, unitCode: rows[i].unit_code }, calendarPublishedSignal, { year });
        Context.current().heartbeat(i + 1);
      }
      return { units: rows.length };
    },
  };
}
