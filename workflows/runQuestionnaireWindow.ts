import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { closeWindowSignal } from './contracts';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One questionnaire window: opens it and tells the round's observers, reminds those who
 * have not answered, and closes it at its closing time or when the round closes first.
 */
export async function runQuestionnaireWindow({ windowId }: { windowId: string }): Promise<void> {
  let closedEarly = false;
  setHandler(closeWindowSignal, () => {
    closedEarly = true;
  });
  const until = async (instant: number) => {
    if (instant > Date.now()) await condition(() => closedEarly, instant - Date.now());
    return !closedEarly;
  };

  const plan = await acts.planWindow({ windowId });
  if (await until(plan.opensAt)) {
    await acts.openWindow({ windowId, at: Date.now() });
    for (const [seq, at] of plan.reminders.entries()) {
      if (!(await until(at))) break;
      await acts.remindWindow({ windowId, seq, at: Date.now() });
    }
    await until(plan.closesAt);
  }
  await acts.closeWindow({ windowId, at: Date.now() });
}
