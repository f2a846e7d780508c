import { IdParams, Page, z } from '../../domain/schemas/common';
import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import { AttachmentParams, CreateWebhookBody, WebhookView } from '../../domain/schemas/webhooks';
import type { UseCaseContext } from '../../usecases/context';
import { createWebhook, deactivateWebhook, listWebhooks, pingWebhook, webhookDeliveries } from '../../usecases/webhooks';
import { openAttachment } from '../../usecases/notificationAttachments';
import type { Routes } from '../route';

export function webhookRoutes(routes: Routes, ctx: UseCaseContext) {
  routes
    .add({
      method: 'post', path: '/webhooks', summary: 'Receive your office\'s notifications (signed with HMAC-SHA256) at a URL', tags: ['Notifications'], roles: ['office'], act: 'admin',
      body: CreateWebhookBody, status: 201, response: WebhookView,
      handler: ({ body, principal }) => createWebhook(ctx, principal, body),
    })
    .add({
      method: 'get', path: '/webhooks', summary: 'Webhooks of your office and the offices below it', tags: ['Notifications'], roles: ['office'], response: z.array(WebhookView),
      handler: ({ principal }) => listWebhooks(ctx, principal),
    })
    .add({
      method: 'post', path: '/webhooks/{id}/deactivate', summary: 'Stop delivering to a webhook', tags: ['Notifications'], roles: ['office'], act: 'admin', params: IdParams, response: WebhookView,
      handler: ({ params, principal }) => deactivateWebhook(ctx, principal, params.id),
    })
    .add({
      method: 'post', path: '/webhooks/{id}/ping', summary: 'Queue a signed test event for this webhook, delivered like any other', tags: ['Notifications'], roles: ['office'], act: 'admin', params: IdParams, status: 202,
      response: z.object({ eventId: z.string() }),
      handler: ({ params, principal }) => pingWebhook(ctx, principal, params.id),
    })
    .add({
      method: 'get', path: '/webhooks/{id}/deliveries', summary: 'Recent deliveries with attempts and the last error', tags: ['Notifications'], roles: ['office'], params: IdParams, query: Page,
      handler: ({ params, query, principal }) => webhookDeliveries(ctx, principal, params.id, query),
    })
    .add({
      method: 'get', path: '/notifications/{id}/attachments/{sha256}', tags: ['Notifications'], roles: ['office'], params: AttachmentParams, produces: '*/*',
      summary: 'A document an event carries (the 督查通报 with a public notice), for the office it was addressed to and the offices above; ETag = its sha256',
      handler: async ({ params, principal, req, res }) => {
        const { attachment, open } = await openAttachment(ctx, principal, params.id, params.sha256);
        res.set({ ETag: `"${attachment.sha256}"`, 'Cache-Control': 'private, no-cache', 'X-Content-Type-Options': 'nosniff' });
        if (req.fresh) {
          res.status(304).end();
          return;
        }
        res.status(200).set({ 'Content-Type': attachment.contentType, 'Content-Length': String(attachment.size), 'Content-Disposition': contentDisposition(attachment.name) });
        await pipeline(await open(), res);
      },
    });
}
