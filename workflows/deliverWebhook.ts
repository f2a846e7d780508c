import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { notificationsQueuedSignal } from './contracts';

const { deliverPending } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  // A receiver that is down is retried with growing gaps until it answers 2xx again.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Delivers one webhook's queued notifications, oldest first, each until the receiver
 * accepts it. One workflow per webhook keeps a receiver's events in order and lets a
 * receiver that is down hold back only its own queue.
 */
export async function deliverWebhook({ webhookId }: { webhookId: string }): Promise<void> {
  let queued = true;
  setHandler(notificationsQueuedSignal, () => {
    queued = true;
  });
  for (let batches = 0; ; batches++) {
    await condition(() => queued);
    queued = false;
    const { active } = await deliverPending({ webhookId });
    if (!active) return;
    if (batches >= 200 || workflowInfo().continueAsNewSuggested) await continueAsNew<typeof deliverWebhook>({ webhookId });
  }
}
