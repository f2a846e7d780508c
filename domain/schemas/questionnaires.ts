import { DIMENSIONS, QUESTION_KINDS } from '../vocabulary';
import { Code, Instant, Name, Uuid, plain, text, z } from './common';

const QUESTION_ID = /^[A-Za-z0-9_-]{1,40}$/;
const QuestionId = z.string().regex(QUESTION_ID, 'letters, digits, "_" or "-", at most 40');

export const QuestionInput = z
  .object({
    id: QuestionId,
    text: text(1000, { multiline: true }),
    kind: z.enum(QUESTION_KINDS),
    options: z.array(text(200)).min(2).max(30).optional(),
    dimension: z.enum(DIMENSIONS).optional(),
    required: z.boolean().default(false),
  })
  .strict()
  .superRefine((q, ctx) => {
    const choice = q.kind === 'single' || q.kind === 'multi';
    if (choice && !q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question needs options` });
    if (!choice && q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question takes no options` });
  });

export const CreateQuestionnaireTemplateBody = z
  .object({
    code: Code,
    title: Name,
    questions: z
      .array(QuestionInput)
      .min(1)
      .max(100)
      .superRefine((qs, ctx) => {
        const seen = new Set<string>();
        qs.forEach((q, i) => {
          if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `question id ${q.id} repeats` });
          seen.add(q.id);
        });
      }),
  })
  .strict()
  .openapi('CreateQuestionnaireTemplate', { description: 'Posting an existing code makes a new version; earlier versions stay as they were.' });

export const QuestionnaireTemplateView = z
  .object({
    code: z.string(),
    version: z.number().int(),
    title: z.string(),
    questions: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        kind: z.enum(QUESTION_KINDS),
        options: z.array(z.string()).optional(),
        dimension: z.enum(DIMENSIONS).optional(),
        required: z.boolean().optional(),
      }),
    ),
    officeCode: z.string(),
  })
  .openapi('QuestionnaireTemplate');

export const SubmitResponseBody = z
  .object({
    answers: z
      .record(QuestionId, z.union([z.number().min(-1e9).max(1e9), plain(5000), z.array(plain(200)).max(30)]))
      .refine((a) => Object.keys(a).length <= 100, 'at most 100 answers')
      // zod-to-openapi leaves a record's key schema out; the document states it here.
      .openapi({ maxProperties: 100, propertyNames: { type: 'string', pattern: QUESTION_ID.source } } as object),
  })
  .strict()
  .openapi('QuestionnaireResponse');

export const WindowParams = z.object({ windowId: Uuid });

export const CadenceInput = z
  .object({
    every: z.enum(['week', 'month']),
    /** Calendar days each window stays open. */
    openDays: z.number().int().min(1).max(31).default(7),
  })
  .strict();

export { Instant };
