import type { Client } from '@temporalio/client';
import { groupBy } from '../domain/collections';
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
 * Records events in the outbox and queues each for every webhook that wants it: the target
 * office's own, and those of offices above that asked for their subtree. A handful of queries
 * per call whatever the number of events, so a mass deadline stays cheap.
 */
export async function enqueueNotifications(db: Db, client: Client, taskQueue: string, events: NewNotification[], onlyWebhookId?: string): Promise<number> {
  if (events.length === 0) return 0;
  await db.notification.createMany({
    skipDuplicates: true,
    data: events.map((n) => ({ id: n.id, kind: n.kind, officeId: n.targetOfficeId, unitId: n.unitId, roundId: n.roundId, payload: n.payload })),
  });
  const deliveries: Array<{ notificationId: string; webhookId: string }> = [];
  for (const [targetOfficeId, group] of groupBy(events, (n) => n.targetOfficeId)) {
    const target = await db.office.findUniqueOrThrow({ where: { id: targetOfficeId }, select: { path: true } });
    const webhooks = await db.webhook.findMany({
      where: onlyWebhookId
        ? { id: onlyWebhookId, active: true }
        : { active: true, OR: [{ officeId: targetOfficeId }, { includeSubtree: true, office: { code: { in: target.path.split('/').filter(Boolean) } } }] },
      select: { id: true, kinds: true },
    });
    for (const w of webhooks) {
      for (const n of group) if (onlyWebhookId || w.kinds.length === 0 || w.kinds.includes(n.kind)) deliveries.push({ notificationId: n.id, webhookId: w.id });
    }
  }
  if (deliveries.length === 0) return 0;
  await db.notificationDelivery.createMany({ skipDuplicates: true, data: deliveries });
  await wakeWebhooks(client, taskQueue, deliveries.map((d) => d.webhookId));
  return deliveries.length;
}

/** Starts or wakes the delivery workflow of each webhook given new deliveries (each once, however many it was given). */
export async function wakeWebhooks(client: Client, taskQueue: string, webhookIds: string[]): Promise<void> {
  for (const webhookId of new Set(webhookIds)) {
    await client.workflow.signalWithStart('deliverWebhook', {
      workflowId: webhookWorkflowId(webhookId),
      taskQueue,
      args: [{ webhookId }],
      signal: notificationsQueuedSignal,
      signalArgs: [],
    });
  }
}
