import type { z } from 'zod';
import { LaunchRoundBody } from '../../domain/schemas/rounds';
import { CreateTaskTemplateBody } from '../../domain/schemas/catalogue';

const BASE_ROUND = { title: '2026年第四季度产改任务督查', period: '2026Q4', unitCodes: ['jx-001'], tasks: [{ templateCode: 'T1' }], closesAt: '2099-12-31T18:00:00+08:00' };
const BASE_TEMPLATE = { code: 'T1', category: '思想引领', title: '建立产改工作台账', evidence: ['summary', 'documents'], weight: 10, dueWorkingDays: 20 };

/** The dotted paths of the issues a schema raises; empty when the body is valid. */
function issuePaths(schema: z.ZodType, body: unknown): string[] {
  const r = schema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('LaunchRoundBody', () => {
  test('when a minimal body is given, then it is valid', () => {
    expect(issuePaths(LaunchRoundBody, BASE_ROUND)).toEqual([]);
  });

  test('when escalation steps are out of ladder order, then the issue names the offending step', () => {
    const escalationPolicy = { steps: [{ level: 'overdue', offsetWorkingDays: 0 }, { level: 'reminder', offsetWorkingDays: 3 }] };
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, escalationPolicy })).toEqual(['escalationPolicy.steps.1']);
  });

  test('when escalation offsets do not increase, then the issue names the offending step', () => {
    const escalationPolicy = {
      steps: [
        { level: 'reminder', offsetWorkingDays: -3 },
        { level: 'overdue', offsetWorkingDays: 0 },
        { level: 'supervision', offsetWorkingDays: 0 },
      ],
    };
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, escalationPolicy })).toEqual(['escalationPolicy.steps.2']);
  });

  test('when rubric weights do not sum to 100, then the issue names rubric.weights; when they do, it is valid', () => {
    const weights = { completion: 40, timeliness: 20, quality: 20, satisfaction: 10 };
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, rubric: { weights } })).toEqual(['rubric.weights']);
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, rubric: { weights: { ...weights, satisfaction: 20 } } })).toEqual([]);
  });

  test('when a questionnaire has both windows and a cadence, or neither, then it is rejected', () => {
    const windows = [{ opensAt: '2099-01-01T09:00:00+08:00', closesAt: '2099-01-08T09:00:00+08:00' }];
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, questionnaire: { templateCode: 'Q1', windows, cadence: { every: 'month' } } })).toEqual(['questionnaire.windows']);
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, questionnaire: { templateCode: 'Q1' } })).toEqual(['questionnaire.windows']);
    expect(issuePaths(LaunchRoundBody, { ...BASE_ROUND, questionnaire: { templateCode: 'Q1', cadence: { every: 'week' } } })).toEqual([]);
  });
});

describe('CreateTaskTemplateBody', () => {
  test('when evidence kinds repeat, then the issue names evidence', () => {
    expect(issuePaths(CreateTaskTemplateBody, { ...BASE_TEMPLATE, evidence: ['summary', 'data', 'summary'] })).toEqual(['evidence']);
  });

  test('when the weight is outside 1-100 or not whole, then the issue names weight; 1 and 100 are accepted', () => {
    for (const weight of [0, 101, 10.5]) expect(issuePaths(CreateTaskTemplateBody, { ...BASE_TEMPLATE, weight })).toEqual(['weight']);
    for (const weight of [1, 100]) expect(issuePaths(CreateTaskTemplateBody, { ...BASE_TEMPLATE, weight })).toEqual([]);
  });
});
