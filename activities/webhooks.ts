import { createHmac } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ErrorCode, failureType } from '../domain/errors';
import { eventAttachments } from '../usecases/notificationAttachments';
import type { ActivityDeps } from './deps';

/** Receivers verify `v1` as HMAC-SHA256 over "<t>.<body>" with their webhook's secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function createWebhookActivities({ db, blobs, calendars, minResponses, publicUrl }: ActivityDeps) {
  const documents = { db, blobs, calendars, config: { DUBAN_MIN_RESPONSES_FOR_UNIT: minResponses }, publicUrl: (publicUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, '') };
  return {
    /** Sends a webhook's undelivered events in order; throws on the first refusal so Temporal retries with backoff. */
    async deliverPending({ webhookId }: { webhookId: string }): Promise<{ active: boolean; delivered: number }> {
      const webhook = await db.webhook.findUnique({ where: { id: webhookId } });
      if (!webhook?.active) return { active: false, delivered: 0 };
      let delivered = 0;
      for (;;) {
        const pending = await db.notificationDelivery.findMany({
          where: { webhookId, deliveredAt: null },
          include: { notification: true },
          orderBy: [{ createdAt: 'asc' }, { notificationId: 'asc' }],
          take: 50,
        });
        if (pending.length === 0) return { active: true, delivered };
        for (const d of pending) {
          const n = d.notification;
          // A public notice carries the bulletin, made on its first delivery (never in workflow code).
          const attachments = await eventAttachments(documents, n);
          const body = JSON.stringify({ id: n.id, kind: n.kind, createdAt: n.createdAt.toISOString(), data: n.payload, ...(attachments.length > 0 ? { attachments } : {}) });
          const timestamp = Math.floor(Date.now() / 1000);
          let failure: string | null = null;
          try {
            const res = await fetch(webhook.url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'user-agent': 'duban-webhooks/1',
                'x-duban-event-id': n.id,
                'x-duban-event-kind': n.kind,
                'x-duban-signature': signature(webhook.secret, timestamp, body),
              },
              body,
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            if (!res.ok) failure = `HTTP ${res.status}`;
          } catch (err) {
            failure = (err as Error).message;
          }
          await db.notificationDelivery.update({
            where: { notificationId_webhookId: { notificationId: n.id, webhookId } },
            data: { attempts: { increment: 1 }, ...(failure ? { lastError: failure.slice(0, 500) } : { deliveredAt: new Date(), lastError: null }) },
          });
          if (failure) throw ApplicationFailure.retryable(`webhook ${webhookId} refused event ${n.id}: ${failure}`, failureType(ErrorCode.WebhookDelivery));
          delivered++;
          Context.current().heartbeat(delivered);
        }
      }
    },
  };
}
