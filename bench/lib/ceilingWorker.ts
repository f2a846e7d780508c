import { randomUUID } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { BACKGROUND_NICE } from '../../scripts/stack/cluster';
import { moveToBackground } from '../../scripts/stack/priority';

/** The SDK logs at WARN only, without the one warning every ceiling worker gives: it has workflows and no activities. */
class CeilingLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata) {
    if (message !== 'No activities registered, not polling for activity tasks') super.log(level, message, meta);
  }
}

/**
 * A worker for the ceiling workflows (bench/lib/ceilingWorkflow.ts) on a task queue of its own, on the bench's
 * process and a native connection, holding `slots` workflow tasks at once. The caller runs it and closes the
 * connection; clients it makes are its own.
 */
export async function ceilingWorker(address: string, kind: string, slots: number) {
  const taskQueue = `ceiling-${kind}-${randomUUID()}`;
  Runtime.install({ logger: new CeilingLogger('WARN') }); // the bundler's report and the worker's state changes are noise here
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./ceilingWorkflow'), maxConcurrentWorkflowTaskExecutions: slots });
  return { taskQueue, connection, worker };
}

/**
 * Runs a ceiling with this process (its starter and its ceiling worker) at the priority the cluster stack gives a
 * round's background work: in the background CPU group at BACKGROUND_NICE, with the Temporal server and its
 * PostgreSQL. Otherwise the bench, at the shell's priority, would be served before the server it measures, and the
 * ceiling would read lower than what the round's own workers get. On the dev server stack `cluster` is false.
 */
export async function atBackgroundPriority<T>(cluster: boolean, fn: () => Promise<T>): Promise<T> {
  const restore = cluster ? moveToBackground(process.pid, BACKGROUND_NICE) : () => undefined;
  try {
    return await fn();
  } finally {
    restore();
  }
}
