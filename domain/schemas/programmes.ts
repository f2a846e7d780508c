import { Name, z } from './common';
import { RoundBodyBase } from './rounds';

export const CADENCE_CRONS = { month: '0 9 1 * *', quarter: '0 9 1 1,4,7,10 *', year: '0 9 1 1 *' } as const;

const CRON_FIELD = '[0-9A-Za-z*,/?#-]{1,60}';
const Cron = z
  .string()
  .regex(new RegExp(`^${CRON_FIELD}( ${CRON_FIELD}){4}$`), 'a cadence (month, quarter, year) or five cron fields separated by single spaces, in Asia/Shanghai')
  .openapi({ example: '0 9 1 * *' });

export const ProgrammeRoundTemplate = RoundBodyBase.omit({ period: true })
  .extend({
    title: Name.optional(),
    closesAfterDays: z.number().int().min(1).max(366).optional().openapi({ description: 'Days each round stays open; by default its period (30, 91 or 365 days)' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.questionnaire?.windows) ctx.addIssue({ code: 'custom', path: ['questionnaire', 'windows'], message: 'a programme gives a cadence, not fixed windows' });
    if (r.tasks.some((t) => t.dueDate)) ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'a programme counts due dates in working days, without fixed dates' });
  });

export const CreateProgrammeBody = z
  .object({
    title: Name.openapi({ example: '全省产改重点任务季度督查' }),
    every: z.union([z.enum(['month', 'quarter', 'year']), Cron]),
    round: ProgrammeRoundTemplate,
    overlap: z.enum(['skip', 'allow']).default('skip').openapi({ description: 'When a run falls due while the previous round is open: skip it (default) or launch anyway' }),
  })
  .strict()
  .openapi('CreateProgramme');
export type CreateProgrammeBody = z.infer<typeof CreateProgrammeBody>;

export const ProgrammeView = z
  .object({
    id: z.string(),
    title: z.string(),
    every: z.string(),
    overlap: z.string(),
    paused: z.boolean(),
    officeCode: z.string(),
    nextRunAt: z.string().nullable(),
    rounds: z.number().int(),
  })
  .openapi('Programme');
