import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { openBlobStore } from '../blobs';
import { readCalendarFile } from '../activities/calendar';
import { liveCalendars } from '../store/calendars';
import { ensureSweepSchedule } from './schedules';
import { loadConfig, type Config } from './config';
import { createDb, type Db } from './db';
import { createLogger, type Logger } from './logger';
import { workflowCode } from './workflow-code';

export interface WorkerDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

let runtimeInstalled = false;

/** Routes the SDK's own log lines into pino at warn and above. */
function installRuntime(logger: Logger) {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    // Entry points decide when to stop; the SDK must not act on signals by itself.
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      const method = (level === 'ERROR' ? 'error' : 'warn') satisfies Lowercase<LogLevel> | 'warn';
      logger[method]({ ...meta, sdk: true }, message);
    }),
  });
}

export async function createWorker({ config, db, logger }: WorkerDeps): Promise<Worker> {
  installRuntime(logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  // Activities call Temporal over the worker's own connection: a unit workflow they start can then be
  // handed to this worker in the start response (eager start) instead of travelling through matching.
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const workflows = workflowCode();
  if ('workflowBundle' in workflows) logger.info({ workflowBundle: workflows.workflowBundle.codePath }, 'workflows from the prebuilt bundle');
  else logger.info({ workflowsPath: workflows.workflowsPath }, 'workflows bundled from the sources on start');
  const blobs = await openBlobStore(config);
  await ensureSweepSchedule(client, config);
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflows,
    activities: createActivities({ db, client, taskQueue: config.TEMPORAL_TASK_QUEUE, calendars: liveCalendars(db, readCalendarFile(config.DUBAN_CALENDAR_FILE)), logger, minResponses: config.DUBAN_MIN_RESPONSES_FOR_UNIT, noticeSpreadMinutes: config.DUBAN_NOTICE_SPREAD_MINUTES, noticeTime: config.DUBAN_NOTICE_TIME, eagerStart: true, deferFirstTask: config.DUBAN_DEFER_UNIT_FIRST_TASK, blobs, publicUrl: config.DUBAN_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}` }),
    maxConcurrentActivityTaskExecutions: 64,
    maxConcurrentWorkflowTaskExecutions: config.DUBAN_WORKER_WORKFLOW_TASK_SLOTS,
    maxCachedWorkflows: config.DUBAN_WORKER_CACHED_WORKFLOWS,
    shutdownGraceTime: '10 seconds',
  });
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'duban-worker');
  const db = createDb(config.DATABASE_URL, 20);
  const worker = await createWorker({ config, db, logger });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, cachedWorkflows: config.DUBAN_WORKER_CACHED_WORKFLOWS, workflowTaskSlots: config.DUBAN_WORKER_WORKFLOW_TASK_SLOTS }, 'worker started');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  await worker.run();
  await db.$disconnect();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
