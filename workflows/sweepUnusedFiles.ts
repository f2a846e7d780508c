import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { SweepUnusedFilesInput, SweepUnusedFilesResult } from './contracts';

const { removeUnusedFiles } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});

/** One scheduled pass over evidence files that were uploaded but never used in a submission. */
export async function sweepUnusedFiles(input: SweepUnusedFilesInput): Promise<SweepUnusedFilesResult> {
  return removeUnusedFiles(input);
}
