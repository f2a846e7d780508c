import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ProgrammeRunResult } from './contracts';

const { launchProgrammeRun } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', nonRetryableErrorTypes: ['ERR_PROGRAMME_INVALID'] },
});

/** One scheduled (or triggered) run of a programme: launches the period's round, or skips it. */
export async function launchProgrammeRound({ programmeId }: { programmeId: string }): Promise<ProgrammeRunResult> {
  // The run's workflow id is unique per scheduled time, so it names the round a retry must find again.
  return launchProgrammeRun({ programmeId, runId: workflowInfo().workflowId, at: Date.now() });
}
