import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { IdParams, Page, z } from '../../domain/schemas/common';
import { CreateWebhookBody, WebhookView } from '../../domain/schemas/webhooks';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db';
import { enqueueNotifications } from '../../store/notifications';
import type { Principal } from '../auth';
import { notFound } from '../problem';
import type { Routes } from '../route';

type WebhookRow = { id: string; url: string; kinds: string[]; includeSubtree: boolean; active: boolean; office: { code: string } };
const view = (w: WebhookRow) => ({ id: w.id, officeCode: w.office.code, url: w.url, kinds: w.kinds, includeSubtree: w.includeSubtree, active: w.active });

export function webhookRoutes(routes: Routes, { db, client, config }: { db: Db; client: Client; config: Config }) {
  const visibleWebhook = async (principal: Principal, id: string) => {
    const webhook = await db.webhook.findFirst({ where: { id, office: { path: { startsWith: principal.office!.path } } }, include: { office: { select: { code: true } } } });
    if (!webhook) throw notFound(`webhook ${id}`);
    return webhook;
  };

  routes
    .add({
      method: 'post', path: '/webhooks', summary: 'Receive your office\'s notifications (signed with HMAC-SHA256) at a URL', tags: ['Notifications'], roles: ['office'],
      body: CreateWebhookBody, status: 201, response: WebhookView,
      handler: async ({ body, principal }) => {
        const secret = body.secret ?? randomBytes(24).toString('base64url');
        const webhook = await db.webhook.create({
          data: { officeId: principal.office!.id, url: body.url, secret, kinds: body.kinds, includeSubtree: body.includeSubtree },
          include: { office: { select: { code: true } } },
        });
        return { ...view(webhook), secret };
      },
    })
    .add({
      method: 'get', path: '/webhooks', summary: 'Webhooks of your office and the offices below it', tags: ['Notifications'], roles: ['office'], response: z.array(WebhookView),
      handler: async ({ principal }) => {
        const rows = await db.webhook.findMany({ where: { office: { path: { startsWith: principal.office!.path } } }, include: { office: { select: { code: true } } }, orderBy: { createdAt: 'asc' } });
        return rows.map(view);
      },
    })
    .add({
      method: 'post', path: '/webhooks/{id}/deactivate', summary: 'Stop delivering to a webhook', tags: ['Notifications'], roles: ['office'], params: IdParams, response: WebhookView,
      handler: async ({ params, principal }) => {
        await visibleWebhook(principal, params.id);
        return view(await db.webhook.update({ where: { id: params.id }, data: { active: false }, include: { office: { select: { code: true } } } }));
      },
    })
    .add({
      method: 'post', path: '/webhooks/{id}/ping', summary: 'Queue a signed test event for this webhook, delivered like any other', tags: ['Notifications'], roles: ['office'], params: IdParams, status: 202,
      response: z.object({ eventId: z.string() }),
      handler: async ({ params, principal }) => {
        const webhook = await visibleWebhook(principal, params.id);
        const eventId = `ping:${webhook.id}:${Date.now()}`;
        await enqueueNotifications(db, client, config.TEMPORAL_TASK_QUEUE, [{ id: eventId, kind: 'ping', targetOfficeId: webhook.officeId, payload: { webhookId: webhook.id, by: principal.actor } }], webhook.id);
        return { eventId };
      },
    })
    .add({
      method: 'get', path: '/webhooks/{id}/deliveries', summary: 'Recent deliveries with attempts and the last error', tags: ['Notifications'], roles: ['office'], params: IdParams, query: Page,
      handler: async ({ params, query, principal }) => {
        await visibleWebhook(principal, params.id);
        const rows = await db.notificationDelivery.findMany({ where: { webhookId: params.id }, include: { notification: { select: { kind: true } } }, orderBy: { createdAt: 'desc' }, take: query.limit, skip: query.offset });
        return rows.map((d) => ({ eventId: d.notificationId, kind: d.notification.kind, attempts: d.attempts, deliveredAt: d.deliveredAt?.toISOString() ?? null, lastError: d.lastError, queuedAt: d.createdAt.toISOString() }));
      },
    });
}
