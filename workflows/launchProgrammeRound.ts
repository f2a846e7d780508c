import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ProgrammeRunResult } from './contracts';

const { launchProgrammeRun } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', nonRetryableErrorTypes: ['ERR_PROGRAMME_INVALID'] },
});

/** One scheduled (or triggered) run of a programme: launches the period's round, or skips it. */
/** `by`: who triggered the run by hand (a scheduled run has none). */
export async function launchProgrammeRound({ programmeId, by }: { programmeId: string; by?: string }): Promise<ProgrammeRunResult> {
  // The run's workflow id is unique per scheduled time, so it names the round a retry must find again.
  return launchProgrammeRun({ programmeId, runId: workflowInfo().workflowId, at: Date.now(), ...(by ? { by } : {}) });
}
