import { heartbeat } from '@temporalio/activity';
import { sweepUnusedFiles } from '../store/files';
import type { SweepUnusedFilesInput, SweepUnusedFilesResult } from '../workflows/contracts';
import type { ActivityDeps } from './deps';

export function createFileActivities({ db, blobs, logger }: ActivityDeps) {
  return {
    async removeUnusedFiles(input: SweepUnusedFilesInput): Promise<SweepUnusedFilesResult> {
      heartbeat();
      const result = await sweepUnusedFiles(db, blobs, new Date(Date.now() - input.unusedForHours * 3600_000));
      if (result.files > 0 || result.blobs > 0) logger.info(result, 'removed unused evidence files');
      return result;
    },
  };
}
