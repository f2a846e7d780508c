import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { NOTICE_TIME } from './planning';
import { shanghaiDate, shanghaiInstant } from '../domain/time';
import { closeWindowSignal, windowWorkflowId, type WindowPlan } from '../workflows/contracts';
import type { ActivityDeps } from './deps';

/** Working days before a window closes on which observers who have not answered are reminded. */
export const REMINDER_WORKING_DAYS = [3, 1];

export function createQuestionnaireActivities({ db, client, taskQueue, calendars }: ActivityDeps) {
  /** Records one notice per observer; ids make a retried activity write nothing twice. */
  async function noticeObservers(windowId: string, kind: string, observers: Array<{ id: string; unitId: string }>, roundId: string, extra: object) {
    await db.notification.createMany({
      skipDuplicates: true,
      data: observers.map((o) => ({ id: `${kind}:${windowId}:${o.id}`, kind, observerId: o.id, unitId: o.unitId, roundId, payload: { windowId, ...extra } })),
    });
  }

  async function windowWithObservers(windowId: string) {
    const window = await db.questionnaireWindow.findUniqueOrThrow({ where: { id: windowId }, include: { template: { select: { title: true } } } });
    const observers = await db.observer.findMany({ where: { unit: { roundUnits: { some: { roundId: window.roundId } } } }, select: { id: true, unitId: true } });
    return { window, observers };
  }

  return {
    async planWindow({ windowId }: { windowId: string }): Promise<WindowPlan> {
      const w = await db.questionnaireWindow.findUniqueOrThrow({ where: { id: windowId } });
      const closeDate = shanghaiDate(w.closesAt);
      const calendar = await calendars.current();
      const reminders = REMINDER_WORKING_DAYS.map((n) => shanghaiInstant(calendar.shift(closeDate, -n).date, NOTICE_TIME).getTime()).filter(
        (at) => at > w.opensAt.getTime() && at < w.closesAt.getTime(),
      );
      return { opensAt: w.opensAt.getTime(), closesAt: w.closesAt.getTime(), reminders: [...new Set(reminders)].sort((a, b) => a - b) };
    },

    async openWindow({ windowId, at }: { windowId: string; at: number }): Promise<void> {
      const { window, observers } = await windowWithObservers(windowId);
      await db.questionnaireWindow.update({ where: { id: windowId }, data: { openedAt: window.openedAt ?? new Date(at) } });
      await noticeObservers(windowId, 'questionnaire.opened', observers, window.roundId, { title: window.template.title, closesAt: window.closesAt.toISOString() });
    },

    async remindWindow({ windowId, seq }: { windowId: string; seq: number; at: number }): Promise<void> {
      const { window, observers } = await windowWithObservers(windowId);
      const answered = new Set((await db.questionnaireResponse.findMany({ where: { windowId }, select: { observerId: true } })).map((r) => r.observerId));
      await noticeObservers(windowId, `questionnaire.reminder${seq + 1}`, observers.filter((o) => !answered.has(o.id)), window.roundId, { title: window.template.title, closesAt: window.closesAt.toISOString() });
    },

    async closeWindow({ windowId, at }: { windowId: string; at: number }): Promise<void> {
      await db.questionnaireWindow.updateMany({ where: { id: windowId, closedAt: null }, data: { closedAt: new Date(at) } });
    },

    async startWindowWorkflows({ roundId }: { roundId: string }): Promise<number> {
      const windows = await db.questionnaireWindow.findMany({ where: { roundId }, select: { id: true } });
      for (const w of windows) {
        await client.workflow
          .start('runQuestionnaireWindow', { taskQueue, workflowId: windowWorkflowId(w.id), args: [{ windowId: w.id }] })
          .catch((err) => {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          });
      }
      return windows.length;
    },

    async closeWindowWorkflows({ roundId }: { roundId: string }): Promise<number> {
      const windows = await db.questionnaireWindow.findMany({ where: { roundId }, select: { id: true } });
      for (const w of windows) {
        const handle = client.workflow.getHandle(windowWorkflowId(w.id));
        await handle.signal(closeWindowSignal).catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
        await handle.result().catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
      }
      return windows.length;
    },
  };
}
