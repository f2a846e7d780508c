import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The simplest update there is: it changes a counter and returns it, with no activity and no lock. */
export const touchUpdate = defineUpdate<number, []>('touch');

/** A workflow that only takes `touch` updates, for the write ceiling of bench/api-load.ts. */
export async function ceilingUpdates(): Promise<void> {
  let touched = 0;
  setHandler(touchUpdate, () => ++touched);
  await condition(() => false);
}

/** A workflow that does nothing and completes in its first workflow task: the start ceiling of bench/national.ts. */
export async function ceilingStart(): Promise<void> {}
