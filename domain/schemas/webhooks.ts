import { ESCALATION_LEVELS } from '../vocabulary';
import { Url, plain, z } from './common';

export const NOTIFICATION_KINDS = [...ESCALATION_LEVELS.map((l) => `escalation.${l}` as const), 'round.closed', 'ping'] as const;

export const CreateWebhookBody = z
  .object({
    url: Url,
    secret: plain(200, 16).optional().openapi({ description: 'HMAC key; generated when omitted and shown once' }),
    kinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length).default([]).openapi({ description: 'Event kinds to receive; empty for all' }),
    includeSubtree: z.boolean().default(false),
  })
  .strict()
  .openapi('CreateWebhook');

export const WebhookView = z
  .object({ id: z.string(), officeCode: z.string(), url: z.string(), kinds: z.array(z.string()), includeSubtree: z.boolean(), active: z.boolean(), secret: z.string().optional() })
  .openapi('Webhook');

/** An event id as webhooks carry it (e.g. "escalation:<task>:public_notice:0") and an attachment's sha256. */
export const AttachmentParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'an event id as the webhook delivered it'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 as the event named it'),
});
