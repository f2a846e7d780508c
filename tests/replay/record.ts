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
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { applyMigrations } from '../../scripts/stack/migrate';
import { consoleLog } from '../../scripts/stack/log';
import { removeCluster, startPostgres } from '../../scripts/stack/postgres';
import { ensureTimeSkippingServer } from '../../scripts/stack/test-server';
import {
  addTaskUpdate,
  cancelRoundSignal,
  closeRoundSignal,
  closeUnitSignal,
  extendTaskUpdate,
  reviewSubmissionUpdate,
  submitTaskUpdate,
  waiveTaskUpdate,
} from '../../workflows/contracts';
import { bundleWorkflows } from '../workflows/support/bundle';
import { eventually, WorkflowHarness, type Scenario } from '../workflows/support/harness';

const HISTORIES = path.join(__dirname, 'histories');
const ROOT = path.resolve(__dirname, '../..');

type Recorded = Array<{ file: string; handle: WorkflowHandle }>;

const evidence = [
  { kind: 'summary' as const, title: '工作总结' },
  { kind: 'documents' as const, title: '制度文件' },
];

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
  const names = values.only ?? Object.keys(scenarios);
  for (const n of names) if (!scenarios[n]) throw new Error(`unknown scenario ${n}; known: ${Object.keys(scenarios).join(', ')}`);
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
  const harness = await WorkflowHarness.create(values.workflows ? { bundle: bundleWorkflows(path.resolve(values.workflows)) } : {});
  try {
    fs.mkdirSync(HISTORIES, { recursive: true });
    for (const name of names) {
      const scenario = await harness.scenario('2027-01-05T10:00:00+08:00');
      try {
        for (const { file, handle } of await scenarios[name](scenario)) {
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
