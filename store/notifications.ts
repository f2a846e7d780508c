import type { Client } from '@temporalio/client';
import type { Db } from '../src/db';
import { notificationsQueuedSignal, webhookWorkflowId } from '../workflows/contracts';

export interface NewNotification {
  /** Derived from what happened, so the same event queued twice is one event. */
  id: string;
  kind: string;
  targetOfficeId: string;
  unitId?: string;
  roundId?: string;
  payload: object;
}

/**
 * Records an event in the outbox and queues it for every webhook that wants it: the target
 * office's own, and those of offices above that asked for their subtree.
 */
export async function enqueueNotification(db: Db, client: Client, taskQueue: string, n: NewNotification, onlyWebhookId?: string): Promise<number> {
  await db.notification.createMany({
    skipDuplicates: true,
    data: [{ id: n.id, kind: n.kind, officeId: n.targetOfficeId, unitId: n.unitId, roundId: n.roundId, payload: n.payload }],
  });
  const target = await db.office.findUniqueOrThrow({ where: { id: n.targetOfficeId }, select: { path: true } });
  const ancestorCodes = target.path.split('/').filter(Boolean);
  const webhooks = await db.webhook.findMany({
    where: onlyWebhookId ? { id: onlyWebhookId, active: true } : {
      active: true,
      OR: [{ officeId: n.targetOfficeId }, { includeSubtree: true, office: { code: { in: ancestorCodes } } }],
    },
    select: { id: true, kinds: true },
  });
  const wanted = onlyWebhookId ? webhooks : webhooks.filter((w) => w.kinds.length === 0 || w.kinds.includes(n.kind));
  if (wanted.length === 0) return 0;
  await db.notificationDelivery.createMany({ skipDuplicates: true, data: wanted.map((w) => ({ notificationId: n.id, webhookId: w.id })) });
  for (const w of wanted) {
    await client.workflow.signalWithStart('deliverWebhook', {
      workflowId: webhookWorkflowId(w.id),
      taskQueue,
      args: [{ webhookId: w.id }],
      signal: notificationsQueuedSignal,
      signalArgs: [],
    });
  }
  return wanted.length;
}
