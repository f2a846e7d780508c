// Records histories of representative executions of the workflows for the replay test
// (tests/replay/replay.test.ts). See tests/replay/README.md for when and how to run it:
//
//   npx tsx tests/replay/record.ts [--tag <label>] [--only <scenario>] [--workflows <entry>] [--force]
//
// Runs on the time-skipping test server with the real activities against PostgreSQL:
// DATABASE_URL when set (a migrated database; rows are added, nothing is deleted), else a
// throw-away cluster under .data/record. Writes tests/replay/histories/<workflowType>-<scenario>[-<tag>].json
// and refuses to overwrite an existing file without --force.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { applyMigrations } from '../../scripts/stack/migrate';
import { consoleLog } from '../../scripts/stack/log';
import { removeCluster, startPostgres } from '../../scripts/stack/postgres';
import { ensureTemporalCli } from '../../scripts/stack/temporal';
import { ensureTimeSkippingServer } from '../../scripts/stack/test-server';
import {
  addTaskUpdate,
  cancelRoundSignal,
  closeRoundSignal,
  closeUnitSignal,
  closeWindowSignal,
  extendTaskUpdate,
  notificationsQueuedSignal,
  reviewSubmissionUpdate,
  roundWorkflowId,
  submitTaskUpdate,
  unitWorkflowId,
  waiveTaskUpdate,
  webhookWorkflowId,
  windowWorkflowId,
  type ProgrammeRunResult,
} from '../../workflows/contracts';
import { bundleWorkflows } from '../workflows/support/bundle';
import { eventually, WorkflowHarness, type LaunchedRound, type Scenario } from '../workflows/support/harness';
import type { TimeSkippingEnv } from '../workflows/support/test-server';

const HISTORIES = path.join(__dirname, 'histories');
const ROOT = path.resolve(__dirname, '../..');

type Recorded = Array<{ file: string; handle: WorkflowHandle }>;

const evidence = [
  { kind: 'summary' as const, title: '工作总结' },
  { kind: 'documents' as const, title: '制度文件' },
];

/** A questionnaire window of the round, with two observers at its first unit, as POST /rounds records it. */
async function seedWindow(s: Scenario, round: LaunchedRound, opensAt: string, closesAt: string) {
  const template = await s.db.questionnaireTemplate.create({
    data: { code: `q-${s.prefix}`, officeId: round.offices.province.id, title: '改革观察员“四能”问卷', questions: [{ id: 'sat', text: '总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true }] },
  });
  const unit = await s.db.unit.findUniqueOrThrow({ where: { code: round.unitCodes[0] } });
  for (const i of [1, 2]) await s.db.observer.create({ data: { code: `obs-${s.prefix}-${i}`, name: `观察员 ${i}`, role: 'frontline', unitId: unit.id } });
  return s.db.questionnaireWindow.create({ data: { roundId: round.roundId, templateId: template.id, seq: 0, opensAt: new Date(s.at(opensAt)), closesAt: new Date(s.at(closesAt)) } });
}

/** A receiver on 127.0.0.1 answering 503 to the first `failures` requests and 200 afterwards. */
async function startReceiver(failures: number): Promise<{ url: string; close(): Promise<void> }> {
  let seen = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(seen++ < failures ? 503 : 200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/duban`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A webhook of the round's city office, and its delivery workflow started as enqueueNotifications starts it. */
async function startWebhook(s: Scenario, url: string) {
  const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }] });
  const webhook = await s.db.webhook.create({ data: { officeId: round.offices.city.id, url, secret: `secret-${s.prefix}-0123456789abcdef`, kinds: [] } });
  const handle = await s.client.workflow.signalWithStart('deliverWebhook', {
    workflowId: webhookWorkflowId(webhook.id),
    taskQueue: s.taskQueue,
    args: [{ webhookId: webhook.id }],
    signal: notificationsQueuedSignal,
    signalArgs: [],
  });
  s.track(handle.workflowId);
  return { round, webhook, handle };
}

/** Deactivating a webhook ends its delivery workflow at the next signal. */
async function stopWebhook(s: Scenario, webhookId: string) {
  await s.db.webhook.update({ where: { id: webhookId }, data: { active: false } });
  const handle = s.client.workflow.getHandle(webhookWorkflowId(webhookId));
  await handle.signal(notificationsQueuedSignal);
  await s.result(handle);
}

/** Scenarios whose round starts its units deferred to their first step (DUBAN_DEFER_UNIT_FIRST_TASK). */
const DEFERRED_SCENARIOS = new Set(['deferred-by-round']);

/** Every scenario starts Tuesday 2027-01-05 10:00 in the calendar fixture (tests/workflows/support/calendar-fixture.ts). */
const scenarios: Record<string, (s: Scenario) => Promise<Recorded>> = {
  /** One unit, four tasks: submit, return, resubmit, accept; a ladder that climbs; an extension; a waiver; then close. */
  async lifecycle(s) {
    const round = await s.seedRound({
      tasks: [
        { dueDate: '2027-01-14', evidence: ['summary', 'documents'] },
        { dueDate: '2027-01-14' },
        { dueDate: '2027-01-21' },
        { dueDate: '2027-01-26' },
      ],
    });
    const handle = await s.startUnit(round);
    const [a, b, c, d] = await s.issued(handle);

    await s.sleepUntil(s.at('2027-01-12T10:00:00+08:00'));
    const first = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: a.taskId, idempotencyKey: 'a-1', summary: '初稿', evidence }] });
    await s.sleepUntil(s.at('2027-01-13T10:00:00+08:00'));
    await handle.executeUpdate(reviewSubmissionUpdate, { args: [{ taskId: a.taskId, submissionId: first.submissionId, decision: 'return', comment: '缺少数据', reviewer: 'city-office' }] });
    await s.sleepUntil(s.at('2027-01-15T10:00:00+08:00'));
    await handle.executeUpdate(extendTaskUpdate, { args: [{ taskId: c.taskId, dueDate: s.date('2027-01-28'), reason: '统一验收', actor: 'city-office' }] });
    await s.sleepUntil(s.at('2027-01-18T10:00:00+08:00'));
    const second = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: a.taskId, idempotencyKey: 'a-2', summary: '修改稿', evidence }] });
    await s.sleepUntil(s.at('2027-01-19T10:00:00+08:00'));
    await handle.executeUpdate(reviewSubmissionUpdate, { args: [{ taskId: a.taskId, submissionId: second.submissionId, decision: 'accept', score: 92, reviewer: 'city-office' }] });
    await s.sleepUntil(s.at('2027-01-20T10:00:00+08:00'));
    await handle.executeUpdate(waiveTaskUpdate, { args: [{ taskId: d.taskId, reason: '不适用', actor: 'city-office' }] });

    // Task b climbs reminder, overdue, supervision, escalated (2027-01-25) before the unit is closed.
    await s.sleepUntil(s.at('2027-02-01T10:00:00+08:00'));
    await eventually(async () => {
      if ((await s.task(b.taskId)).escalationLevel !== 'escalated') throw new Error('task b has not reached escalated');
    });
    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(handle);
    return [{ file: 'superviseUnit-lifecycle', handle }];
  },

  /** A task added to the unit's list mid-round: its ladder reminds, turns it overdue, then it is submitted and accepted. */
  async 'add-task'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-21' }] });
    const extra = await s.db.taskTemplate.create({
      data: { code: `${round.templateCodes[0]}-extra`, officeId: round.offices.province.id, category: '建功立业', title: '劳动竞赛', evidence: ['summary'], weight: 20, dueWorkingDays: 10 },
    });
    const handle = await s.startUnit(round);
    await s.issued(handle);
    const added = await handle.executeUpdate(addTaskUpdate, { args: [{ templateCode: extra.code, dueDate: s.date('2027-01-12'), actor: 'city-office' }] });
    await s.sleepUntil(s.at('2027-01-13T10:00:00+08:00'));
    await eventually(async () => {
      if ((await s.task(added.taskId)).status !== 'overdue') throw new Error('the added task has not turned overdue');
    });
    const submitted = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: added.taskId, idempotencyKey: 'x-1', summary: '补交', evidence }] });
    await handle.executeUpdate(reviewSubmissionUpdate, { args: [{ taskId: added.taskId, submissionId: submitted.submissionId, decision: 'accept', score: 80, reviewer: 'city-office' }] });
    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(handle);
    return [{ file: 'superviseUnit-add-task', handle }];
  },

  /** A round fans out to three units, reminders fire, the office closes it: evaluation frozen. */
  async 'close-signal'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }, { dueDate: '2027-01-21' }], units: 3 });
    const handle = await s.startRound(round);
    for (const code of round.unitCodes) await s.issued(s.unitHandle(round, code));
    await s.sleepUntil(s.at('2027-01-12T10:00:00+08:00'));
    await handle.signal(closeRoundSignal, { actor: 'prov-office' });
    await s.result(handle);
    return [
      { file: 'superviseRound-close-signal', handle },
      { file: 'superviseUnit-closed-by-round', handle: s.unitHandle(round, round.unitCodes[0]) },
    ];
  },

  /**
   * A round of two units started with their first workflow task deferred to their first step (as the product's worker
   * starts them): one unit runs first at its reminder, the other at a submission before it; the office closes the round.
   */
  async 'deferred-by-round'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }, { dueDate: '2027-01-21' }], units: 2 });
    const handle = await s.startRound(round);
    const [first, second] = round.unitCodes.map((code) => s.unitHandle(round, code));
    await eventually(async () => {
      for (const unit of [first, second]) await unit.describe();
    });
    const [task] = await eventually(async () => {
      const rows = await s.db.task.findMany({ where: { roundId: round.roundId, unit: { code: round.unitCodes[1] } }, orderBy: { dueDate: 'asc' } });
      if (rows.length < 2) throw new Error('the lists are not written yet');
      return rows;
    });
    await second.executeUpdate(submitTaskUpdate, { args: [{ taskId: task.id, idempotencyKey: 'd-1', summary: '提前完成', evidence }] });
    // The first unit's reminder of the task due 01-14 falls on Monday 01-11 at 09:00.
    await s.sleepUntil(s.at('2027-01-12T10:00:00+08:00'));
    await eventually(async () => {
      if ((await s.db.escalation.count({ where: { roundId: round.roundId } })) < 1) throw new Error('no reminder yet');
    });
    await handle.signal(closeRoundSignal, { actor: 'prov-office' });
    await s.result(handle);
    return [
      { file: 'superviseUnit-deferred-by-round', handle: first },
      { file: 'superviseUnit-deferred-written-by-round', handle: second },
    ];
  },

  /** A round of two units that closes by itself at closesAt. */
  async 'closes-at-deadline'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }], units: 2, closesAfterDays: 14 });
    const handle = await s.startRound(round);
    await s.sleepUntil(round.closesAt + 60_000);
    await s.result(handle);
    return [{ file: 'superviseRound-closes-at-deadline', handle }];
  },

  /** A round of two units that the office cancels: no evaluation. */
  async cancel(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }], units: 2 });
    const handle = await s.startRound(round);
    for (const code of round.unitCodes) await s.issued(s.unitHandle(round, code));
    await handle.signal(cancelRoundSignal, { actor: 'prov-office', reason: '合并到下一轮' });
    await s.result(handle);
    return [{ file: 'superviseRound-cancel', handle }];
  },

  /** A questionnaire window that opens, reminds twice (3 and 1 working days before it closes) and closes at its time. */
  async 'questionnaire-window'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }] });
    const window = await seedWindow(s, round, '2027-01-06T09:00:00+08:00', '2027-01-20T18:00:00+08:00');
    const handle = await s.client.workflow.start('runQuestionnaireWindow', { taskQueue: s.taskQueue, workflowId: windowWorkflowId(window.id), args: [{ windowId: window.id }] });
    s.track(handle.workflowId);
    await s.sleepUntil(s.at('2027-01-21T10:00:00+08:00'));
    await s.result(handle);
    return [{ file: 'runQuestionnaireWindow-full', handle }];
  },

  /** A window closed early by its round, after it opened and before the first reminder. */
  async 'questionnaire-window-closed-early'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }] });
    const window = await seedWindow(s, round, '2027-01-06T09:00:00+08:00', '2027-01-20T18:00:00+08:00');
    const handle = await s.client.workflow.start('runQuestionnaireWindow', { taskQueue: s.taskQueue, workflowId: windowWorkflowId(window.id), args: [{ windowId: window.id }] });
    s.track(handle.workflowId);
    await s.sleepUntil(s.at('2027-01-07T10:00:00+08:00'));
    await eventually(async () => {
      if (!(await s.db.questionnaireWindow.findUniqueOrThrow({ where: { id: window.id } })).openedAt) throw new Error('the window has not opened');
    });
    await handle.signal(closeWindowSignal);
    await s.result(handle);
    return [{ file: 'runQuestionnaireWindow-closed-early', handle }];
  },

  /** A receiver that refuses the first attempt: the event is retried until delivered, then the webhook is switched off. */
  async 'webhook-delivery'(s) {
    const receiver = await startReceiver(1);
    try {
      const { round, webhook, handle } = await startWebhook(s, receiver.url);
      const notification = await s.db.notification.create({
        data: { id: `replay:${s.prefix}:overdue`, kind: 'escalation.overdue', officeId: round.offices.city.id, roundId: round.roundId, payload: { roundId: round.roundId, level: 'overdue' } },
      });
      await s.db.notificationDelivery.create({ data: { notificationId: notification.id, webhookId: webhook.id } });
      await handle.signal(notificationsQueuedSignal);
      await eventually(async () => {
        const delivery = await s.db.notificationDelivery.findFirstOrThrow({ where: { webhookId: webhook.id } });
        if (!delivery.deliveredAt || delivery.attempts !== 2) throw new Error(`not delivered on the second attempt: ${JSON.stringify(delivery)}`);
      }, 60_000);
      await stopWebhook(s, webhook.id);
      return [{ file: 'deliverWebhook-delivery', handle }];
    } finally {
      await receiver.close();
    }
  },

  /**
   * A year's calendar is published: the fan-out workflow signals the unit whose task was planned
   * on a provisional calendar (due in a year the fixture lacks), and the unit plans it again.
   */
  async 'calendar-published'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2028-03-15' }] });
    const unit = await s.startUnit(round);
    await s.issued(unit);
    const fanOut = await s.client.workflow.start('replanOnPublishedCalendar', { taskQueue: s.taskQueue, workflowId: `calendar-2028-${s.prefix}`, args: [{ year: 2028 }] });
    s.track(fanOut.workflowId);
    await s.result(fanOut);
    await eventually(async () => {
      const entries = await s.db.auditEntry.count({ where: { action: 'task.recalendar', subject: { in: (await s.db.task.findMany({ where: { roundId: round.roundId }, select: { id: true } })).map((t) => `task:${t.id}`) } } });
      if (entries === 0) throw new Error('the unit has not planned its task again');
    });
    await unit.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(unit);
    return [
      { file: 'replanOnPublishedCalendar-run', handle: fanOut },
      { file: 'superviseUnit-calendar-published', handle: unit },
    ];
  },

  /** One scheduled pass over evidence uploads: an unused one older than the limit is removed. */
  async 'sweep-unused-files'(s) {
    const handle = await s.client.workflow.start('sweepUnusedFiles', { taskQueue: s.taskQueue, workflowId: `sweep-unused-files-${s.prefix}`, args: [{ unusedForHours: 72 }] });
    s.track(handle.workflowId);
    await s.result(handle);
    return [{ file: 'sweepUnusedFiles-pass', handle }];
  },

  /** A programme's run launches the period's round. */
  async 'programme-run'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }] });
    const programme = await s.db.programme.create({
      data: {
        officeId: round.offices.province.id, title: '全省产改重点任务月度督查', every: 'month', scheduleId: `programme-${s.prefix}`,
        roundSpec: { unitCodes: round.unitCodes, tasks: [{ templateCode: round.templateCodes[0] }], closesAfterDays: 30 },
      },
    });
    const handle = await s.client.workflow.start('launchProgrammeRound', { taskQueue: s.taskQueue, workflowId: `programme-${programme.id}-run-${s.prefix}`, args: [{ programmeId: programme.id }] });
    s.track(handle.workflowId);
    const run = (await s.result(handle)) as ProgrammeRunResult;
    if (!run.roundId) throw new Error(`the run launched no round: ${JSON.stringify(run)}`);
    // The launched round runs on this scenario's worker; cleanup() ends it.
    s.track(roundWorkflowId(run.roundId));
    for (const code of round.unitCodes) s.track(unitWorkflowId(run.roundId, code));
    return [{ file: 'launchProgrammeRound-run', handle }];
  },
};

/**
 * The time-skipping test server never suggests continue-as-new; these scenarios run on the dev
 * server (the Temporal CLI `npm test` builds) told to suggest it once a run's history holds this
 * many events, in real time with their dates still ahead.
 */
const CONTINUE_AS_NEW_AT = 40;

async function suggestingDevServer(): Promise<TimeSkippingEnv> {
  const cli = await ensureTemporalCli(consoleLog);
  if (!cli) throw new Error('the continue-as-new scenarios need the Temporal CLI (Go and the module proxy, or TEMPORAL_CLI_PATH)');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, extraArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${CONTINUE_AS_NEW_AT}`] },
  });
  return { env, teardown: () => env.teardown() };
}

/** Repeats `step` until the workflow's current run is no longer `firstRunId`. */
async function untilContinued(handle: WorkflowHandle, firstRunId: string, step: () => Promise<unknown>) {
  for (let steps = 0; (await handle.describe()).runId === firstRunId; steps++) {
    if (steps >= 50) throw new Error(`${handle.workflowId} did not continue as new after ${steps} steps`);
    await step();
  }
}

const continueAsNewScenarios: Record<string, (s: Scenario) => Promise<Recorded>> = {
  /** Extensions grow a unit's history until it continues as new; the new run carries the plan, takes a submission and is closed. */
  async 'unit-continue-as-new'(s) {
    const round = await s.seedRound({ tasks: [{ dueDate: '2027-01-14' }, { dueDate: '2027-01-21' }] });
    const handle = await s.startUnit(round);
    const [a, b] = await s.issued(handle);
    const firstRunId = (await handle.describe()).runId;
    const dueDates = ['2027-01-28', '2027-02-04'];
    let extensions = 0;
    await untilContinued(handle, firstRunId, () =>
      handle.executeUpdate(extendTaskUpdate, { args: [{ taskId: b.taskId, dueDate: s.date(dueDates[extensions++ % 2]), reason: '统一验收', actor: 'city-office' }] }),
    );
    await handle.executeUpdate(submitTaskUpdate, { args: [{ taskId: a.taskId, idempotencyKey: 'after-continue', summary: '完成情况', evidence }] });
    await handle.signal(closeUnitSignal, { outcome: 'closed' });
    await s.result(handle);
    const lastRunId = (await handle.describe()).runId;
    return [
      { file: 'superviseUnit-continue-as-new', handle: s.client.workflow.getHandle(handle.workflowId, firstRunId) },
      { file: 'superviseUnit-continued', handle: s.client.workflow.getHandle(handle.workflowId, lastRunId) },
    ];
  },

  /** A webhook's delivery workflow continues as new between batches, and the new run ends when the webhook is switched off. */
  async 'webhook-continue-as-new'(s) {
    const { webhook, handle } = await startWebhook(s, 'http://127.0.0.1:9/never-called');
    await untilContinued(handle, handle.signaledRunId, () => handle.signal(notificationsQueuedSignal));
    await stopWebhook(s, webhook.id);
    return [{ file: 'deliverWebhook-continue-as-new', handle: s.client.workflow.getHandle(handle.workflowId, handle.signaledRunId) }];
  },
};

/** DATABASE_URL when given, else a fresh cluster that is removed again afterwards. */
async function database(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = path.join(ROOT, '.data/record/pg');
  await removeCluster(dir, consoleLog);
  const pg = await startPostgres({ dataDir: dir, log: consoleLog });
  await applyMigrations(pg.url, consoleLog);
  return {
    url: pg.url,
    stop: async () => {
      await pg.stop();
      await removeCluster(dir, consoleLog);
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: { tag: { type: 'string' }, only: { type: 'string', multiple: true }, workflows: { type: 'string' }, force: { type: 'boolean' } },
  });
  const known = { ...scenarios, ...continueAsNewScenarios };
  const names = values.only ?? Object.keys(known);
  for (const n of names) if (!known[n]) throw new Error(`unknown scenario ${n}; known: ${Object.keys(known).join(', ')}`);
  const fileName = (base: string) => `${base}${values.tag ? `-${values.tag}` : ''}.json`;

  const db = await database();
  process.env.DATABASE_URL = db.url;
  if (!process.env.TEMPORAL_TEST_SERVER_PATH) {
    process.env.TEMPORAL_TEST_SERVER_PATH = await ensureTimeSkippingServer(consoleLog).catch((e: Error) => {
      consoleLog(`no Maven-built test server (${e.message}); using the SDK's download`);
      return '';
    });
  }
  // --workflows: another version's workflows entry, e.g. exported with `git archive` (see README.md).
  const bundle = values.workflows ? bundleWorkflows(path.resolve(values.workflows)) : undefined;
  const runs = [
    { names: names.filter((n) => scenarios[n]), server: undefined, moveClock: true },
    { names: names.filter((n) => continueAsNewScenarios[n]), server: suggestingDevServer, moveClock: false },
  ];
  try {
    fs.mkdirSync(HISTORIES, { recursive: true });
    for (const run of runs.filter((r) => r.names.length > 0)) {
      const harness = await WorkflowHarness.create({ bundle, server: run.server });
      try {
        for (const name of run.names) {
          const scenario = await harness.scenario('2027-01-05T10:00:00+08:00', { moveClock: run.moveClock, deferFirstTask: DEFERRED_SCENARIOS.has(name) });
          try {
            for (const { file, handle } of await known[name](scenario)) {
              const target = path.join(HISTORIES, fileName(file));
              if (fs.existsSync(target) && !values.force) throw new Error(`${path.relative(ROOT, target)} exists; histories are never replaced (pass --tag, or --force if it is not committed yet)`);
              const history = await handle.fetchHistory();
              fs.writeFileSync(target, `${JSON.stringify(history, null, 2)}\n`);
              consoleLog(`wrote ${path.relative(ROOT, target)} (${history.events?.length ?? 0} events)`);
            }
          } finally {
            await scenario.cleanup();
          }
        }
      } finally {
        await harness.teardown();
      }
    }
  } finally {
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
