import { ESCALATION_LEVELS } from '../vocabulary';
import { z } from './common';

export const NOTIFICATION_KINDS = [...ESCALATION_LEVELS.map((l) => `escalation.${l}` as const), 'round.closed', 'ping'] as const;

export const CreateWebhookBody = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    secret: z.string().min(16).max(200).optional().openapi({ description: 'HMAC key; generated when omitted and shown once' }),
    kinds: z.array(z.enum(NOTIFICATION_KINDS)).default([]).openapi({ description: 'Event kinds to receive; empty for all' }),
    includeSubtree: z.boolean().default(false),
  })
  .strict()
  .openapi('CreateWebhook');

export const WebhookView = z
  .object({ id: z.string(), officeCode: z.string(), url: z.string(), kinds: z.array(z.string()), includeSubtree: z.boolean(), active: z.boolean(), secret: z.string().optional() })
  .openapi('Webhook');
