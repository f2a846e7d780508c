import { roundWorkflowId, unitWorkflowId } from '../../workflows/contracts';
import { launchBackdatedRound } from '../integration/support/backdated';
import { createOffice, createTaskTemplate, root, type Office } from '../integration/support/fixtures';
import { expectStatus, request, type Api } from '../integration/support/http';
import { sleep, waitFor } from '../integration/support/poll';
import { launchRound, roundPhase, waitForRound, waitUntilIssued } from '../integration/support/rounds';
import { sql, sqlAt } from '../integration/support/db';
import { firstTaskDeferral, withTemporal } from '../integration/support/temporal';
import { clusterState, killWorker, restartTemporal, startPostgresAgain, startWorker, stopPostgres } from './support/cluster';
import { escalationCounts, expectEveryTaskOnce, importUnits, unitClient, UNITS, waitForIssuing, withRetries } from './support/world';

const TEMPLATES = 2;
const LADDER_STEPS = 5;

let city: Office;
let templateCodes: string[];

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  templateCodes = [];
  for (let i = 0; i < TEMPLATES; i++) templateCodes.push((await createTaskTemplate(city.api)).code);
});

afterAll(async () => {
  // Later files (and the teardown) expect both workers.
  for (const [i, pid] of clusterState().workers.entries()) if (!pid) await startWorker(i);
});

describe('a worker killed while a round issues', () => {
  test(`when one of two workers is killed with SIGKILL while a round of ${UNITS} units issues, then the other finishes the round and every task exists exactly once`, async () => {
    const unitCodes = await importUnits(city, UNITS, 'kw');
    const roundId = await launchRound(city.api, unitCodes, templateCodes);
    await waitForIssuing(roundId, Math.max(1, Math.floor(UNITS / 10)));
    await killWorker(0);
    // Issuing (every list written, then every unit started) must have been caught in the middle, or the test
    // proves nothing about the survivor.
    expect(await roundPhase(roundId)).toBe('issuing');

    const issued = await waitUntilIssued(city.api, roundId, 900_000);
    expect(issued.counts).toMatchObject({ units: UNITS, tasks: UNITS * TEMPLATES, issued: UNITS * TEMPLATES });
    await expectEveryTaskOnce(roundId, unitCodes, TEMPLATES);
    expect(clusterState().workers[1]).toBeGreaterThan(0);
    await startWorker(0);
    expectStatus(await city.api.post(`/rounds/${roundId}/cancel`), 202);
  });
});

describe('the Temporal server restarted', () => {
  test(`when the Temporal server is restarted while a round of ${UNITS} units issues, then issuing resumes and every task exists exactly once`, async () => {
    const unitCodes = await importUnits(city, UNITS, 'tr');
    const roundId = await launchRound(city.api, unitCodes, templateCodes);
    await waitForIssuing(roundId, Math.max(1, Math.floor(UNITS / 10)));
    await restartTemporal({ signal: 'SIGKILL' });
    expect(await roundPhase(roundId)).toBe('issuing');

    await waitUntilIssued(city.api, roundId, 900_000);
    await expectEveryTaskOnce(roundId, unitCodes, TEMPLATES);
    expectStatus(await city.api.post(`/rounds/${roundId}/cancel`), 202);
  });

  test('when the Temporal server is restarted while ladder steps fire and again while a round waits on its close timer, then every due step is recorded once and the round closes on time', async () => {
    // Ladder instants are days apart (00:00, or 09:00 plus the unit's offset, in Asia/Shanghai), so a test cannot wait for one to come;
    // a round launched 90 days ago with tasks due 60 days ago has all five steps due as its lists are issued.
    const units = Math.min(UNITS, 300);
    const unitCodes = await importUnits(city, units, 'tl');
    const firing = await launchBackdatedRound({ officeCode: city.code, unitCodes, templateCodes, launchedDaysAgo: 90, dueDaysAgo: 60 });
    const expected = units * TEMPLATES * LADDER_STEPS;
    await waitFor(() => escalationCounts(firing), (c) => c.rows > 0, 'the first ladder steps', 300_000, 100);
    // Killed, not stopped: the restart must catch the firing in the middle.
    const beforeKill = (await escalationCounts(firing)).rows;
    await restartTemporal({ signal: 'SIGKILL' });
    expect(beforeKill).toBeLessThan(expected);
    await waitFor(() => escalationCounts(firing), (c) => c.rows >= expected, `all ${expected} ladder steps`, 900_000, 500);
    expect(await escalationCounts(firing)).toEqual({ rows: expected, distinct: expected });
    await expectEveryTaskOnce(firing, unitCodes, TEMPLATES);
    expectStatus(await city.api.post(`/rounds/${firing}/cancel`), 202);

    // The timer the test waits on is a round's own close timer, at an instant of the test's choosing; the round
    // is small, so that its steps are recorded well before it.
    const few = unitCodes.slice(0, 20);
    const closesInMs = 60_000;
    const closesAt = Date.now() + closesInMs;
    const closing = await launchBackdatedRound({ officeCode: city.code, unitCodes: few, templateCodes, launchedDaysAgo: 90, dueDaysAgo: 60, closesInMs });
    const fewExpected = few.length * TEMPLATES * LADDER_STEPS;
    await waitFor(() => escalationCounts(closing), (c) => c.rows >= fewExpected, `all ${fewExpected} ladder steps of the small round`, 300_000, 250);
    if (Date.now() > closesAt - 15_000) throw new Error('the machine is too slow for this test: raise closesInMs');
    // Each unit now sleeps on one timer for its next step (weeks away); the round on its close timer.
    await restartTemporal({ downMs: 5000 });

    const closed = await waitForRound(city.api, closing, (r) => r.status === 'closed', 'closed by its timer', Math.max(0, closesAt - Date.now()) + 300_000);
    expect(closed.status).toBe('closed');
    expect(await escalationCounts(closing)).toEqual({ rows: fewExpected, distinct: fewExpected });
    expectStatus(await city.api.get(`/rounds/${closing}/evaluation`), 200);
    // The record says closed before the workflow has finished its last steps (the frozen evaluation, closing every unit).
    const status = await waitFor(() => withTemporal((client) => client.workflow.getHandle(roundWorkflowId(closing)).describe().then((d) => d.status.name)), (s) => s !== 'RUNNING', 'the round workflow to finish', 180_000, 1000);
    expect(status).toBe('COMPLETED');
  });

  test("when the Temporal server is restarted while a round's units wait for their deferred first workflow task, then none has run, a submission after the restart runs its unit at once, and the close reaches every unit", async () => {
    // Tasks due 10 working days after the launch: every unit's first step, the reminder, is days away.
    const unitCodes = await importUnits(city, 50, 'td');
    const roundId = await launchRound(city.api, unitCodes, templateCodes);
    await waitUntilIssued(city.api, roundId, 300_000);
    const runs = () => withTemporal((client) => Promise.all(unitCodes.map((code) => firstTaskDeferral(client, unitWorkflowId(roundId, code)))));
    const deferredAndIdle = (rs: Array<{ deferredSeconds: number; workflowTasks: number }>) => rs.filter((r) => r.deferredSeconds > 86_400 && r.workflowTasks === 0).length;
    expect(deferredAndIdle(await runs())).toBe(unitCodes.length);

    await restartTemporal({ signal: 'SIGKILL' });
    // The restart neither lost the units nor ran them early.
    expect(deferredAndIdle(await runs())).toBe(unitCodes.length);

    const unit = await unitClient(city, unitCodes[0]);
    const [task] = expectStatus(await withRetries(() => unit.get(`/me/tasks?roundId=${roundId}`)).then((r) => r.reply), 200) as Array<{ id: string }>;
    const submitted = await withRetries(() => unit.post(`/tasks/${task.id}/submissions`, { summary: '已按要求完成，材料齐全。' }, { 'Idempotency-Key': `deferred-${task.id}` }));
    expect(expectStatus(submitted.reply, 201)).toMatchObject({ taskStatus: 'submitted' });
    expect(deferredAndIdle(await runs())).toBe(unitCodes.length - 1);

    expectStatus(await city.api.post(`/rounds/${roundId}/close`), 202);
    await waitForRound(city.api, roundId, (r) => r.status === 'closed', 'closed, every deferred unit having heard it', 180_000);
    const statuses = await withTemporal((client) => Promise.all(unitCodes.map((code) => client.workflow.getHandle(unitWorkflowId(roundId, code)).describe().then((d) => d.status.name))));
    expect(statuses.filter((st) => st !== 'COMPLETED')).toEqual([]);
  });
});

describe('PostgreSQL restarted', () => {
  let unitCodes: string[];
  let roundId: string;
  const DOWN_MS = 8000;

  test('when PostgreSQL stops while a round issues, then /readyz and the API answer 503 with Retry-After at once, and after it restarts every task exists exactly once', async () => {
    const units = Math.min(UNITS, 500);
    unitCodes = await importUnits(city, units, 'pg');
    roundId = await launchRound(city.api, unitCodes, templateCodes);
    await waitForIssuing(roundId, Math.max(1, Math.floor(units / 10)));
    await stopPostgres('fast');
    try {
      const started = Date.now();
      const ready = await request('GET', '/readyz');
      expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: { database: 'unavailable', temporal: expect.any(String) } });
      expect(ready.headers.get('retry-after')).toBeTruthy();
      const read = await city.api.get(`/rounds/${roundId}`);
      expect({ status: read.status, code: read.body.code, retryAfter: Number(read.headers.get('retry-after')) > 0 }).toEqual({ status: 503, code: 'UNAVAILABLE', retryAfter: true });
      expect(Date.now() - started).toBeLessThan(15_000);
      await sleep(DOWN_MS);
    } finally {
      await startPostgresAgain();
    }
    const issued = await withRetries(() => city.api.get(`/rounds/${roundId}`));
    expect(issued.attempts.statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    await waitUntilIssued(city.api, roundId, 600_000);
    await expectEveryTaskOnce(roundId, unitCodes, TEMPLATES);
  });

  test('when PostgreSQL stops while units submit, then each submission answers 503 with Retry-After (never 500, never a hang) until it lands, and each is kept once', async () => {
    const submitters = 20;
    const clients: Array<{ api: Api; taskId: string; key: string }> = [];
    for (const code of unitCodes.slice(0, submitters)) {
      const unit = await unitClient(city, code);
      const tasks = expectStatus(await unit.get(`/me/tasks?roundId=${roundId}`), 200) as Array<{ id: string }>;
      for (const task of tasks) clients.push({ api: unit, taskId: task.id, key: `pg-restart-${task.id}` });
    }
    const submit = (c: (typeof clients)[number]) => () => c.api.post(`/tasks/${c.taskId}/submissions`, { summary: '已按要求完成，材料齐全。' }, { 'Idempotency-Key': c.key });
    // A commit PostgreSQL acknowledged must survive its immediate stop (a crash): with synchronous_commit off, the
    // last fraction of a second of commits is lost, and a submission answered 201 just before could be missing.
    for (const cluster of clusterState().pgClusters) {
      const [setting] = await sqlAt<{ synchronous_commit: string }>(cluster.port, cluster.database, 'SHOW synchronous_commit');
      expect({ cluster: cluster.name, ...setting }).toEqual({ cluster: cluster.name, synchronous_commit: 'on' });
    }

    // Half submit before the database stops; the rest keep trying through the outage.
    const early = await Promise.all(clients.slice(0, clients.length / 2).map((c) => withRetries(submit(c))));
    await stopPostgres('immediate');
    let restarted = false;
    const late = Promise.all(clients.slice(clients.length / 2).map((c) => withRetries(submit(c))));
    await sleep(DOWN_MS);
    await startPostgresAgain();
    restarted = true;
    const results = [...early, ...(await late)];
    expect(restarted).toBe(true);

    for (const { reply, attempts } of results) {
      expect(reply.status).toBe(201);
      expect(attempts.statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
      expect(attempts.unavailableWellFormed).toBe(true);
      // Bounded: the API's deadline on a workflow update (15 s) plus the database's connect timeout, with margin.
      expect(attempts.slowestMs).toBeLessThan(30_000);
    }
    expect(results.slice(clients.length / 2).some((r) => r.attempts.statuses.includes(503))).toBe(true);
    // The same request once more answers with the first submission: the retries made no second one.
    const again = await Promise.all(clients.map((c) => withRetries(submit(c))));
    expect(again.map((r) => r.reply.body.submissionId)).toEqual(results.map((r) => r.reply.body.submissionId));
    const [row] = await sql<{ submissions: string; tasks: string }>(
      'SELECT count(*) AS submissions, count(DISTINCT task_id) AS tasks FROM submissions WHERE task_id = ANY($1::uuid[])',
      [clients.map((c) => c.taskId)],
    );
    expect(row).toEqual({ submissions: String(clients.length), tasks: String(clients.length) });
    const [status] = await sql<{ submitted: string }>(`SELECT count(*) AS submitted FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'submitted'`, [clients.map((c) => c.taskId)]);
    expect(status.submitted).toBe(String(clients.length));
    expectStatus(await city.api.post(`/rounds/${roundId}/cancel`), 202);
  });
});
