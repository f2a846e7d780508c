import { EVIDENCE_KINDS } from '../vocabulary';
import { Code, Name, text, z } from './common';

export const CreateTaskTemplateBody = z
  .object({
    code: Code,
    category: Name.openapi({ example: '思想引领' }),
    title: Name,
    description: text(5000, { multiline: true, blank: true, trim: false }).optional(),
    evidence: z
      .array(z.enum(EVIDENCE_KINDS))
      .max(EVIDENCE_KINDS.length)
      .default([])
      .refine((a) => new Set(a).size === a.length, 'evidence kinds must not repeat')
      .openapi({ uniqueItems: true }),
    weight: z.number().int().min(1).max(100),
    dueWorkingDays: z.number().int().min(1).max(250),
  })
  .strict()
  .openapi('CreateTaskTemplate');
export type CreateTaskTemplateBody = z.infer<typeof CreateTaskTemplateBody>;

// Its own object, not an extension of the request: the request refuses unknown fields and has no null description.
export const TaskTemplateView = z
  .object({
    code: z.string(),
    category: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    evidence: z.array(z.enum(EVIDENCE_KINDS)),
    weight: z.number().int(),
    dueWorkingDays: z.number().int(),
    officeCode: z.string(),
  })
  .openapi('TaskTemplate');
