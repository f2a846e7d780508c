import { DEFER_FIRST_TASK_FROM_MS, firstTaskDelay } from '../../activities/rounds';
import { firstStepAt, type PlannedTask } from '../../workflows/contracts';

const NOW = Date.parse('2027-03-01T10:00:00+08:00');
const task = (steps: number[]): PlannedTask => ({
  taskId: `t-${steps.join('-')}`,
  code: 'T',
  status: 'issued',
  evidenceRequired: ['summary'],
  dueAt: NOW + 30 * 86_400_000,
  cycle: 0,
  steps: steps.map((at) => ({ level: 'reminder', at })),
  pendingSubmissionId: null,
});

describe("a unit's first workflow task", () => {
  test('when its tasks plan steps, then it is deferred to the earliest of them, counted from now', () => {
    const tasks = [task([NOW + 9 * 86_400_000, NOW + 12 * 86_400_000]), task([NOW + 5 * 86_400_000]), task([])];
    expect(firstStepAt(tasks)).toBe(NOW + 5 * 86_400_000);
    expect(firstTaskDelay(firstStepAt(tasks), NOW)).toBe(5 * 86_400_000);
  });

  test('when its first step is less than a minute away, already past, or there is none, then it is not deferred', () => {
    expect(firstTaskDelay(NOW + DEFER_FIRST_TASK_FROM_MS - 1, NOW)).toBe(0);
    expect(firstTaskDelay(NOW - 86_400_000, NOW)).toBe(0);
    expect(firstTaskDelay(firstStepAt([task([]), task([])]), NOW)).toBe(0);
    expect(firstTaskDelay(firstStepAt([]), NOW)).toBe(0);
  });

  test('when its first step is exactly a minute away, then it is deferred by that minute', () => {
    expect(firstTaskDelay(NOW + DEFER_FIRST_TASK_FROM_MS, NOW)).toBe(DEFER_FIRST_TASK_FROM_MS);
  });
});
