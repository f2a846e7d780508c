import { loadConfig } from '../../src/config';

const configWith = (env: Record<string, string>) => loadConfig({ DATABASE_URL: 'postgresql://x', ...env });

describe('a worker’s capacity settings', () => {
  test('when unset, then a worker holds 256 workflow tasks at once and keeps 1,000 workflows in memory', () => {
    const config = configWith({});
    expect(config.DUBAN_WORKER_WORKFLOW_TASK_SLOTS).toBe(256);
    expect(config.DUBAN_WORKER_CACHED_WORKFLOWS).toBe(1000);
  });

  test('when set to whole numbers in range, then they are taken as given', () => {
    const config = configWith({ DUBAN_WORKER_WORKFLOW_TASK_SLOTS: '64', DUBAN_WORKER_CACHED_WORKFLOWS: '2310' });
    expect(config.DUBAN_WORKER_WORKFLOW_TASK_SLOTS).toBe(64);
    expect(config.DUBAN_WORKER_CACHED_WORKFLOWS).toBe(2310);
  });

  test('when the task slots are below 2, above 2,000 or not a whole number, then the configuration is refused naming them', () => {
    for (const bad of ['1', '2001', '12.5', 'many']) {
      expect(() => configWith({ DUBAN_WORKER_WORKFLOW_TASK_SLOTS: bad })).toThrow(/DUBAN_WORKER_WORKFLOW_TASK_SLOTS/);
    }
  });

  test('when the cache is below 2 (the SDK reads 0 as no cache at all), then the configuration is refused naming it', () => {
    for (const bad of ['0', '1', 'all']) expect(() => configWith({ DUBAN_WORKER_CACHED_WORKFLOWS: bad })).toThrow(/DUBAN_WORKER_CACHED_WORKFLOWS/);
  });
});
