import { EVIDENCE_KINDS } from '../vocabulary';
import { Code, Name, z } from './common';

export const CreateTaskTemplateBody = z
  .object({
    code: Code,
    category: Name.openapi({ example: '思想引领' }),
    title: Name,
    description: z.string().max(5000).optional(),
    evidence: z.array(z.enum(EVIDENCE_KINDS)).max(EVIDENCE_KINDS.length).default([]).refine((a) => new Set(a).size === a.length, 'evidence kinds must not repeat'),
    weight: z.number().int().min(1).max(100),
    dueWorkingDays: z.number().int().min(1).max(250),
  })
  .strict()
  .openapi('CreateTaskTemplate');
export type CreateTaskTemplateBody = z.infer<typeof CreateTaskTemplateBody>;

export const TaskTemplateView = CreateTaskTemplateBody.extend({
  description: z.string().nullable(),
  officeCode: z.string(),
}).openapi('TaskTemplate');
