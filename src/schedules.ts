import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { sweepScheduleId, type SweepUnusedFilesInput } from '../workflows/contracts';
import type { Config } from './config';

/**
 * The durable sweep of evidence files never used in a submission: a Temporal schedule, so it
 * runs whichever worker is up and survives restarts. Created at worker start, or brought in
 * line with the configuration when it exists.
 */
export async function ensureSweepSchedule(client: Client, config: Config): Promise<void> {
  const args: [SweepUnusedFilesInput] = [{ unusedForHours: config.DUBAN_UNUSED_FILE_HOURS }];
  const options = {
    scheduleId: sweepScheduleId(config.TEMPORAL_TASK_QUEUE),
    spec: { intervals: [{ every: `${config.DUBAN_FILE_SWEEP_MINUTES} minutes` as const }] },
    action: { type: 'startWorkflow' as const, workflowType: 'sweepUnusedFiles', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `${sweepScheduleId(config.TEMPORAL_TASK_QUEUE)}-run`, args },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  } satisfies ScheduleOptions;
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
  }
}
