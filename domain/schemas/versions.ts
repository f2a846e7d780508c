import { GRADES } from '../vocabulary';
import { Page, Uuid, z } from './common';

const Pair = <T extends z.ZodType>(t: T) => z.tuple([t.nullable(), t]).openapi({ description: '[before, after]' });

export const EvaluationDiffEntry = z.object({
  unitCode: z.string(),
  total: Pair(z.number()),
  grade: Pair(z.enum(GRADES)),
  rank: Pair(z.number().int()),
});

export const EvaluationVersionView = z
  .object({
    version: z.number().int(),
    status: z.enum(['provisional', 'final']),
    createdAt: z.string(),
    reason: z.string().nullable(),
    actor: z.string().nullable(),
    diff: z.array(EvaluationDiffEntry).nullable().openapi({ description: 'Units whose total, grade or rank changed from the previous version, limited to units the caller may see; null for the first version' }),
  })
  .openapi('EvaluationVersion');

/** Without roundId or subject: every entry of the subtree, a page at a time. */
export const AuditQuery = Page.extend({
  roundId: Uuid.optional().openapi({ description: 'Entries about the tasks and submissions of this round\'s units in your subtree' }),
  subject: z
    .string()
    // No /i flag: the document's pattern cannot carry one.
    .regex(/^(task|submission):[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'task:<id> or submission:<id>')
    .optional()
    .openapi({ example: 'submission:3f1c2a7e-1b2c-4d5e-8f90-1234567890ab' }),
});

export const AuditEntryView = z
  .object({
    id: z.string(),
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    detail: z.unknown(),
    createdAt: z.string(),
    roundId: z.string(),
    unitCode: z.string(),
    taskCode: z.string(),
  })
  .openapi('AuditEntry');
