import { randomBytes } from 'node:crypto';
import { ownedByOfficeWhere } from '../access/visibility';
import { notFound } from '../api/problem';
import type { CreateWebhookBody } from '../domain/schemas/webhooks';
import type { z } from '../domain/schemas/common';
import { enqueueNotifications } from '../store/notifications';
import type { Actor, UseCaseContext } from './context';

type WebhookRow = { id: string; url: string; kinds: string[]; includeSubtree: boolean; active: boolean; office: { code: string } };
const view = (w: WebhookRow) => ({ id: w.id, officeCode: w.office.code, url: w.url, kinds: w.kinds, includeSubtree: w.includeSubtree, active: w.active });
const withOffice = { office: { select: { code: true } } } as const;

async function visibleWebhook({ db }: UseCaseContext, actor: Actor, id: string) {
  const webhook = await db.webhook.findFirst({ where: { AND: [{ id }, ownedByOfficeWhere(actor)] }, include: withOffice });
  if (!webhook) throw notFound('webhook');
  return webhook;
}

/** The secret is shown once, here. */
export async function createWebhook({ db }: UseCaseContext, actor: Actor, body: z.infer<typeof CreateWebhookBody>) {
  const secret = body.secret ?? randomBytes(24).toString('base64url');
  const webhook = await db.webhook.create({ data: { officeId: actor.office!.id, url: body.url, secret, kinds: body.kinds, includeSubtree: body.includeSubtree }, include: withOffice });
  return { ...view(webhook), secret };
}

export async function listWebhooks({ db }: UseCaseContext, actor: Actor) {
  return (await db.webhook.findMany({ where: ownedByOfficeWhere(actor), include: withOffice, orderBy: { createdAt: 'asc' } })).map(view);
}

export async function deactivateWebhook(ctx: UseCaseContext, actor: Actor, id: string) {
  const webhook = await visibleWebhook(ctx, actor, id);
  return view(await ctx.db.webhook.update({ where: { id: webhook.id }, data: { active: false }, include: withOffice }));
}

/** A signed test event, delivered like any other. */
export async function pingWebhook(ctx: UseCaseContext, actor: Actor, id: string) {
  const webhook = await visibleWebhook(ctx, actor, id);
  const eventId = `ping:${webhook.id}:${Date.now()}`;
  await enqueueNotifications(ctx.db, ctx.client, ctx.config.TEMPORAL_TASK_QUEUE, [{ id: eventId, kind: 'ping', targetOfficeId: webhook.officeId, payload: { webhookId: webhook.id, by: actor.actor } }], webhook.id);
  return { eventId };
}

export async function webhookDeliveries(ctx: UseCaseContext, actor: Actor, id: string, page: { limit: number; offset: number }) {
  const webhook = await visibleWebhook(ctx, actor, id);
  const rows = await ctx.db.notificationDelivery.findMany({ where: { webhookId: webhook.id }, include: { notification: { select: { kind: true } } }, orderBy: { createdAt: 'desc' }, take: page.limit, skip: page.offset });
  return rows.map((d) => ({ eventId: d.notificationId, kind: d.notification.kind, attempts: d.attempts, deliveredAt: d.deliveredAt?.toISOString() ?? null, lastError: d.lastError, queuedAt: d.createdAt.toISOString() }));
}
