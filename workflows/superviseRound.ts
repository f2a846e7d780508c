import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  cancelRoundSignal,
  closeRoundSignal,
  getRoundProgressQuery,
  type RoundProgress,
  type SuperviseRoundInput,
  type UnitOutcome,
} from './contracts';

/** Units per fan-out activity: the round's history grows with batches, not with units. */
export const UNIT_BATCH_SIZE = 100;
const PARALLEL_BATCHES = 4;
/**
 * Units whose lists one statement writes before any unit starts, two statements at a time. Each ends by updating
 * the round's count rows, which the other waits for; four at a time, or 500 units a statement, were no faster
 * on two cores (bench/RESULTS.md).
 */
export const LIST_BATCH_SIZE = 250;
const PARALLEL_LIST_BATCHES = 2;

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const fanOut = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 minutes',
  // Fan-out activities heartbeat per unit, so a crashed worker's batch is noticed within seconds.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

async function inBatches(count: number, run: (batch: number) => Promise<unknown>, progress: RoundProgress, size = UNIT_BATCH_SIZE, lanes = PARALLEL_BATCHES) {
  let nextBatch = 0;
  progress.batches = Math.ceil(count / size);
  progress.batchesDone = 0;
  const lane = async () => {
    while (nextBatch < progress.batches) {
      await run(nextBatch++);
      progress.batchesDone++;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/**
 * A supervision round: starts one superviseUnit workflow per unit, waits until the round
 * closes (at closesAt or on request), closes every unit, and freezes the evaluation.
 */
export async function superviseRound(input: SuperviseRoundInput): Promise<{ outcome: UnitOutcome }> {
  const { roundId } = input;
  let requested = null as { outcome: UnitOutcome; actor: string } | null;
  const progress: RoundProgress = { phase: 'issuing', batchesDone: 0, batches: 0 };

  setHandler(closeRoundSignal, ({ actor }) => {
    requested ??= { outcome: 'closed', actor };
  });
  setHandler(cancelRoundSignal, ({ actor }) => {
    requested ??= { outcome: 'cancelled', actor };
  });
  setHandler(getRoundProgressQuery, () => progress);

  // Every unit's list is written before any unit starts: a national round's tasks are all issued within a minute,
  // not as fast as the server starts workflows. A write to a unit not yet started starts it (usecases/workflowErrors.ts).
  // Rounds launched before lists came first replay without the marker and write each batch's lists as it starts.
  const listsWritten = patched('lists-before-units');
  if (listsWritten) {
    await inBatches(input.unitCount, (batch) => fanOut.writeTaskLists({ roundId, batch, batchSize: LIST_BATCH_SIZE }), progress, LIST_BATCH_SIZE, PARALLEL_LIST_BATCHES);
  }
  // Units start 100 at a time whichever way their lists were written: at 250 a batch the fan-out outran the workers,
  // leaving thousands of first workflow tasks queued and the writes of a unit not yet started waiting (bench/RESULTS.md).
  await inBatches(input.unitCount, (batch) => fanOut.startUnitWorkflows({ roundId, batch, batchSize: UNIT_BATCH_SIZE, listsWritten }), progress);
  // Rounds started before questionnaires existed have no windows to run.
  const withWindows = patched('questionnaire-windows');
  if (withWindows) await acts.startWindowWorkflows({ roundId });
  progress.phase = 'open';

  const untilClose = Date.parse(input.closesAt) - Date.now();
  if (untilClose > 0) await condition(() => requested !== null, untilClose);
  const outcome: UnitOutcome = requested?.outcome ?? 'closed';

  progress.phase = 'closing';
  await acts.setRoundStatus({ roundId, status: outcome === 'closed' ? 'closing' : 'cancelled', at: Date.now() });
  await inBatches(input.unitCount, (batch) => fanOut.closeUnitWorkflows({ roundId, batch, batchSize: UNIT_BATCH_SIZE, outcome }), progress);
  if (withWindows) await fanOut.closeWindowWorkflows({ roundId });
  if (outcome === 'closed') {
    await acts.computeEvaluation({ roundId, final: true, at: Date.now(), actor: requested?.actor ?? 'schedule' });
    await acts.setRoundStatus({ roundId, status: 'closed', at: Date.now() });
  }
  progress.phase = outcome;
  return { outcome };
}
