import { readState, stopStack } from '../support/stack';

/** Stops the API and whichever worker runs now (a test may have replaced the first). */
export default async function globalTeardown(): Promise<void> {
  const state = readState();
  if (state) await stopStack(state);
}
