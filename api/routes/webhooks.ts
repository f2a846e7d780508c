import { IdParams, Page, z } from '../../domain/schemas/common';
import { CreateWebhookBody, WebhookView } from '../../domain/schemas/webhooks';
import type { UseCaseContext } from '../../usecases/context';
import { createWebhook, deactivateWebhook, listWebhooks, pingWebhook, webhookDeliveries } from '../../usecases/webhooks';
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
    });
}
