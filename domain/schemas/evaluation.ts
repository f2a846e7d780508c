import { GRADES } from '../vocabulary';
import { Burden } from './burden';
import { Code, INT4_MAX, queryInt, z } from './common';

export const GRADE_LABELS = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' } as const;

export const EvaluationQuery = z.object({ version: queryInt(1, INT4_MAX).optional().openapi({ description: 'An earlier version; the latest by default' }) });
export const UnitCodeParams = z.object({ code: Code });
export const RoundUnitParams = z.object({ id: z.uuid(), code: Code });

const Scores = z.object({
  completion: z.number().nullable(),
  timeliness: z.number().nullable(),
  quality: z.number().nullable(),
  satisfaction: z.number().nullable(),
  penalty: z.number(),
});

export const EvaluationView = z
  .object({
    roundId: z.string(),
    status: z.enum(['provisional', 'final']),
    version: z.number().int(),
    createdAt: z.string().nullable(),
    reason: z.string().nullable(),
    units: z.array(
      z.object({
        unitCode: z.string(), unitName: z.string(), officeCode: z.string(), scores: Scores, total: z.number(), grade: z.enum(GRADES), rank: z.number().int(),
        flags: z.array(z.object({ category: z.string(), dimension: z.string(), acceptedTasks: z.array(z.string()), observerMean: z.number(), responses: z.number(), threshold: z.number() })).optional()
          .openapi({ description: 'Offices only: contradictions between accepted tasks and observers\' ratings; a warning, not a score' }),
        burden: Burden.optional().openapi({ description: 'Offices only: what this round asked of the unit (减轻基层负担)' }),
      }),
    ),
    offices: z.array(
      z.object({
        officeCode: z.string(),
        officeName: z.string(),
        parentCode: z.string().nullable(),
        units: z.number().int(),
        mean: z.number(),
        grades: z.object({ excellent: z.number(), good: z.number(), pass: z.number(), fail: z.number() }),
        rank: z.number().int(),
      }),
    ),
  })
  .openapi('Evaluation');
