import { DEFAULT_BOARD_RULE } from '../board';
import { DEFAULT_ESCALATION_POLICY, policyProblems } from '../escalation';
import { COMPONENTS, DEFAULT_RUBRIC } from '../scoring';
import { DEFAULT_CONTRADICTION_RULE } from '../questionnaire';
import { DIMENSIONS, ESCALATION_LEVELS, ROUND_STATUSES, TASK_STATUSES } from '../vocabulary';
import { CadenceInput } from './questionnaires';
import { Code, DateString, Instant, Name, Page, text, textPattern, z } from './common';

const unique = <T>(items: T[]) => new Set(items).size === items.length;

export const EscalationPolicyInput = z
  .object({
    steps: z
      .array(z.object({ level: z.enum(ESCALATION_LEVELS), offsetWorkingDays: z.number().int().min(-60).max(120) }).strict())
      .min(1)
      .max(ESCALATION_LEVELS.length)
      .default(DEFAULT_ESCALATION_POLICY.steps),
    reworkWorkingDays: z.number().int().min(1).max(60).default(DEFAULT_ESCALATION_POLICY.reworkWorkingDays),
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const [i, message] of policyProblems(policy.steps)) ctx.addIssue({ code: 'custom', path: ['steps', i], message });
  })
  .openapi('EscalationPolicy', {
    description: 'Ladder steps in order; offsets in Chinese working days relative to the due date. Defaults: reminder -3, overdue 0, supervision +3, escalated +7, public_notice +15.',
  });

const Score = z.number().min(0).max(100);

export const RubricInput = z
  .object({
    weights: z
      .object(Object.fromEntries(COMPONENTS.map((c) => [c, Score])) as Record<(typeof COMPONENTS)[number], typeof Score>)
      .strict()
      .default(DEFAULT_RUBRIC.weights)
      .refine((w) => Math.abs(Object.values(w).reduce((s, x) => s + x, 0) - 100) < 1e-9, 'weights must sum to 100'),
    grades: z
      .object({ excellent: Score, good: Score, pass: Score })
      .strict()
      .default(DEFAULT_RUBRIC.grades)
      .refine((g) => g.excellent > g.good && g.good > g.pass, 'grade bands must satisfy excellent > good > pass'),
    penalties: z
      .object({
        reminder: Score.default(0),
        overdue: Score.default(0),
        supervision: Score.default(DEFAULT_RUBRIC.penalties.supervision),
        escalated: Score.default(DEFAULT_RUBRIC.penalties.escalated),
        public_notice: Score.default(DEFAULT_RUBRIC.penalties.public_notice),
        cap: Score.default(DEFAULT_RUBRIC.penalties.cap),
      })
      .strict()
      .default(DEFAULT_RUBRIC.penalties),
  })
  .strict()
  .openapi('Rubric');

const WindowsInput = z
  .array(z.object({ opensAt: Instant, closesAt: Instant }).strict())
  .min(1)
  .max(60)
  .superRefine((ws, ctx) =>
    ws.forEach((w, i) => {
      if (Date.parse(w.closesAt) <= Date.parse(w.opensAt)) ctx.addIssue({ code: 'custom', path: [i, 'closesAt'], message: 'must be after opensAt' });
    }),
  );

export const QuestionnairePlanInput = z
  .object({
    templateCode: Code,
    windows: WindowsInput.optional(),
    cadence: CadenceInput.optional().openapi({ description: 'Windows opening every week or month from the launch until the round closes' }),
    contradiction: z
      .object({
        threshold: z.number().min(0).max(100).default(DEFAULT_CONTRADICTION_RULE.threshold),
        minResponses: z.number().int().min(1).max(100).default(DEFAULT_CONTRADICTION_RULE.minResponses),
        categoryDimensions: z
          .record(text(200, { trim: false }), z.enum(DIMENSIONS))
          .refine((m) => Object.keys(m).length <= 100, 'at most 100 categories')
          // zod-to-openapi leaves a record's key schema out; the document states it here.
          .openapi({ maxProperties: 100, propertyNames: { type: 'string', maxLength: 200, pattern: textPattern(false, false) } } as object)
          .default(DEFAULT_CONTRADICTION_RULE.categoryDimensions),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (!q.windows === !q.cadence) ctx.addIssue({ code: 'custom', path: ['windows'], message: 'give either windows or cadence, not both or neither' });
  })
  .openapi('QuestionnairePlan');

export const BoardRuleInput = z
  .object({
    dueSoonWorkingDays: z.number().int().min(0).max(30).default(DEFAULT_BOARD_RULE.dueSoonWorkingDays),
    pace: z.number().min(0).max(2).default(DEFAULT_BOARD_RULE.pace),
  })
  .strict()
  .openapi('BoardRule', {
    description: 'The supervision board\'s numbers: blue when a task falls due within dueSoonWorkingDays working days (default 3); yellow when fewer tasks are done than pace x the share of the round\'s time elapsed (default 1).',
  });

export const RoundTaskInput = z.object({ templateCode: Code, dueDate: DateString.optional() }).strict();

export const UnitTasksInput = z
  .record(
    Code,
    z
      .object({
        add: z.array(RoundTaskInput).max(200).optional().refine((ts) => !ts || unique(ts.map((t) => t.templateCode)), 'a template may appear once'),
        remove: z.array(Code).max(200).optional().refine((cs) => !cs || unique(cs), 'a template may appear once'),
      })
      .strict(),
  )
  .openapi({
    description: 'Units whose list differs from the common one (一企一特色), by unit code: templates added to or removed from `tasks` for that unit',
    propertyNames: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
  } as object);

export const RoundBodyBase = z.object({
  title: Name.openapi({ example: '2026年第四季度产改任务督查' }),
  period: text(40).openapi({ example: '2026Q4' }),
  unitCodes: z.array(Code).min(1).max(50_000).refine(unique, 'unit codes must not repeat').openapi({ uniqueItems: true }),
  tasks: z
    .array(RoundTaskInput)
    .min(1)
    .max(200)
    .refine((ts) => unique(ts.map((t) => t.templateCode)), 'a template may appear once per round'),
  unitTasks: UnitTasksInput.optional(),
  escalationPolicy: EscalationPolicyInput.optional(),
  questionnaire: QuestionnairePlanInput.optional(),
  rubric: RubricInput.optional(),
  board: BoardRuleInput.optional(),
});

export const AddUnitTaskBody = RoundTaskInput.openapi('AddUnitTask', {
  description: 'A task for one unit of an open round; due dates default to the template\'s working days from now, and may be today or later',
});
export type AddUnitTaskBody = z.infer<typeof AddUnitTaskBody>;

export const LaunchRoundBody = RoundBodyBase.extend({ closesAt: Instant })
  .strict()
  .superRefine((b, ctx) => {
    if (Date.parse(b.closesAt) <= Date.now()) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be in the future' });
    b.questionnaire?.windows?.forEach((w, i) => {
      if (Date.parse(w.closesAt) > Date.parse(b.closesAt)) ctx.addIssue({ code: 'custom', path: ['questionnaire', 'windows', i, 'closesAt'], message: 'must not be after the round closes' });
    });
  })
  .openapi('LaunchRound');
export type LaunchRoundBody = z.infer<typeof LaunchRoundBody>;

export const RoundCounts = z
  .object({
    units: z.number().int(),
    tasks: z.number().int(),
    issued: z.number().int(),
    submitted: z.number().int(),
    accepted: z.number().int(),
    returned: z.number().int(),
    overdue: z.number().int(),
    waived: z.number().int(),
    escalated: z.number().int(),
  })
  .openapi('RoundCounts');

export const RoundView = z
  .object({
    id: z.string(),
    title: z.string(),
    period: z.string(),
    status: z.enum(ROUND_STATUSES),
    officeCode: z.string(),
    launchedAt: z.string(),
    closesAt: z.string(),
    closedAt: z.string().nullable(),
    launchedBy: z.string().nullable().openapi({ description: 'Who launched it: "person:<username>", an office token\'s "office:<code>", or "schedule" for a programme' }),
    counts: RoundCounts,
  })
  .openapi('Round');

export const ListTasksQuery = Page.extend({ unitCode: Code.optional(), status: z.enum(TASK_STATUSES).optional() });
export const ListEscalationsQuery = Page.extend({ level: z.enum(ESCALATION_LEVELS).optional(), unitCode: Code.optional() });
export const ListRoundsQuery = Page.extend({ status: z.enum(ROUND_STATUSES).optional() });
