import { shanghaiDate } from '../../domain/time';
import { roundWorkflowId, unitWorkflowId } from '../../workflows/contracts';
import { launchBackdatedRound } from './support/backdated';
import { sql } from './support/db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { waitFor } from './support/poll';
import { getRound, waitForRound } from './support/rounds';
import { myTask, submitTask } from './support/tasks';
import { pendingTimers, withTemporal, workflowTaskTimeoutSeconds } from './support/temporal';

// One round cancelled in the middle of its ladder; each test is the next thing a user does, so
// they run in order. The round was launched 30 days ago with every task due yesterday: the
// reminder and the deadline have fired, the supervision notice (3 working days after the due
// date) is still a pending timer in each unit workflow when the office cancels.
type UnitClient = Unit & { api: Api };

let city: Office;
let sibling: Office;
let a: UnitClient, b: UnitClient;
let t1: string, t2: string;
let roundId: string;
let pendingSubmission: string;
let cancelledAt: number;
let stepsBefore: Array<{ id: string; level: string }>;

const workflowIds = () => [roundWorkflowId(roundId), ...[a, b].map((u) => unitWorkflowId(roundId, u.code))];
const steps = async (): Promise<Array<{ id: string; level: string; unitCode: string; firedAt: string }>> => expectStatus(await root().get(`/rounds/${roundId}/escalations`), 200);

beforeAll(async () => {
  [city, sibling] = await Promise.all([createOffice(root(), 'city'), createOffice(root(), 'city')]);
  [a, b] = await Promise.all([createUnitWithToken(city.api, city.code), createUnitWithToken(city.api, city.code)]);
  [t1, t2] = await Promise.all([createTaskTemplate(city.api), createTaskTemplate(city.api)]).then((ts) => ts.map((t) => t.code));
  roundId = await launchBackdatedRound({ officeCode: city.code, unitCodes: [a.code, b.code], templateCodes: [t1, t2], launchedDaysAgo: 30, dueDaysAgo: 1 });
  await waitForRound(city.api, roundId, (r) => r.counts.issued === 4 && r.counts.overdue === 4, 'every task overdue');
  await waitFor(steps, (rows) => rows.length === 8, 'the reminder and overdue steps of 4 tasks');
});

afterAll(async () => {
  // Should a test fail before the cancel, stop the round's timers anyway.
  if (roundId && !cancelledAt) await city.api.post(`/rounds/${roundId}/cancel`);
});

describe('cancelling a round in the middle of its ladder', () => {
  test('when the round is open and overdue, then every workflow holds a pending timer and a unit can still submit', async () => {
    stepsBefore = await steps();
    expect(stepsBefore.map((e) => e.level).sort()).toEqual(['overdue', 'overdue', 'overdue', 'overdue', 'reminder', 'reminder', 'reminder', 'reminder']);
    await withTemporal(async (client) => {
      for (const id of workflowIds()) expect({ id, pending: await pendingTimers(client, id) }).toEqual({ id, pending: 1 });
      // Units started by the round's fan-out may hold a workflow task 30 s when every unit wakes at once.
      for (const u of [a, b]) expect(await workflowTaskTimeoutSeconds(client, unitWorkflowId(roundId, u.code))).toBe(30);
    });
    const task = await myTask(a.api, roundId, t1);
    pendingSubmission = expectStatus(await submitTask(a.api, task.id, `${roundId}-before-cancel`), 201).submissionId;
  });

  test('when the launching office cancels, then it answers 202 cancelled and the round reads cancelled to the office above too', async () => {
    const reply = await city.api.post(`/rounds/${roundId}/cancel`);
    cancelledAt = Date.now();
    expect(expectStatus(reply, 202)).toEqual({ id: roundId, status: 'cancelled' });
    expect((await getRound(city.api, roundId)).status).toBe('cancelled');
    expect((await getRound(root(), roundId)).status).toBe('cancelled');
  });

  test('when a unit submits right after the cancel, then it answers 409 and no submission is recorded', async () => {
    const task = await myTask(b.api, roundId, t1);
    expectProblem(await submitTask(b.api, task.id, `${roundId}-after-cancel`), 409);
    expect(await sql('SELECT id FROM submissions WHERE task_id = $1', [task.id])).toEqual([]);
    expect((await myTask(b.api, roundId, t1)).status).toBe('overdue');
  });

  test('when the office reviews, extends or waives after the cancel, then each answers 409 and nothing changes', async () => {
    const task = await myTask(b.api, roundId, t2);
    expectProblem(await city.api.post(`/submissions/${pendingSubmission}/review`, { decision: 'accept', score: 90 }), 409);
    expectProblem(await city.api.post(`/tasks/${task.id}/waive`, { reason: '不再适用' }), 409);
    expectProblem(await city.api.post(`/tasks/${task.id}/extension`, { dueDate: shanghaiDate(Date.now() + 86_400_000), reason: '延期' }), 409);
    expect(await sql('SELECT status FROM submissions WHERE id = $1', [pendingSubmission])).toEqual([{ status: 'pending' }]);
    expect((await myTask(b.api, roundId, t2)).status).toBe('overdue');
  });

  test('when the office cancels again or closes the cancelled round, then both answer 409; the sibling city gets 404', async () => {
    expectProblem(await city.api.post(`/rounds/${roundId}/cancel`), 409);
    expectProblem(await city.api.post(`/rounds/${roundId}/close`), 409);
    expectProblem(await root().post(`/rounds/${roundId}/close`), 409);
    expectProblem(await sibling.api.post(`/rounds/${roundId}/cancel`), 404);
    expectProblem(await sibling.api.get(`/rounds/${roundId}`), 404);
    expect((await getRound(city.api, roundId)).status).toBe('cancelled');
  });

  test('when a change to the cancelled round is refused, then the problem names why: ROUND_STATE for the round, UNIT_CLOSED for a task', async () => {
    const task = await myTask(b.api, roundId, t2);
    expect((await city.api.post(`/rounds/${roundId}/cancel`)).body).toMatchObject({ status: 409, code: 'ROUND_STATE' });
    // The unit workflow refuses while it winds down (UNIT_CLOSED); once it has finished, the round is closed to changes.
    expect((await submitTask(b.api, task.id, `${roundId}-code`)).body).toMatchObject({ status: 409, code: expect.stringMatching(/^(UNIT_CLOSED|ROUND_STATE)$/) });
  });

  test('when the workflows have wound down, then the round and every unit workflow completed as cancelled with no timer left', async () => {
    await withTemporal(async (client) => {
      const results = await Promise.all(workflowIds().map((id) => client.workflow.getHandle(id).result()));
      expect(results).toEqual([{ outcome: 'cancelled' }, { outcome: 'cancelled', tasks: 2 }, { outcome: 'cancelled', tasks: 2 }]);
      for (const id of workflowIds()) {
        expect({ id, status: (await client.workflow.getHandle(id).describe()).status.name, pending: await pendingTimers(client, id) }).toEqual({ id, status: 'COMPLETED', pending: 0 });
      }
    });
    const [round] = await sql<{ status: string; closed_at: Date }>('SELECT status, closed_at FROM rounds WHERE id = $1', [roundId]);
    expect(round.status).toBe('cancelled');
    expect(round.closed_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await sql('SELECT unit_id FROM round_units WHERE round_id = $1 AND closed_at IS NULL', [roundId])).toEqual([]);
  });

  test('when the escalations are read after the cancel, then no step was recorded after it and every task kept its state', async () => {
    const after = await steps();
    expect(after.map((e) => e.id).sort()).toEqual(stepsBefore.map((e) => e.id).sort());
    expect(after.every((e) => Date.parse(e.firedAt) < cancelledAt)).toBe(true);
    const tasks: Array<{ status: string; escalationLevel: string }> = expectStatus(await city.api.get(`/rounds/${roundId}/tasks`), 200);
    expect(tasks.map((t) => `${t.status} ${t.escalationLevel}`).sort()).toEqual(['overdue overdue', 'overdue overdue', 'overdue overdue', 'submitted overdue']);
    expect(await sql("SELECT id FROM notifications WHERE round_id = $1 AND kind NOT IN ('escalation.reminder', 'escalation.overdue')", [roundId])).toEqual([]);
  });

  test('when the evaluation is asked for, then no version was ever stored: the latest is a provisional reading and version 1 is 404', async () => {
    const evaluation = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);
    expect(evaluation).toMatchObject({ status: 'provisional', version: 0 });
    expectProblem(await city.api.get(`/rounds/${roundId}/evaluation?version=1`), 404);
    expect(await sql('SELECT id FROM evaluations WHERE round_id = $1', [roundId])).toEqual([]);
    expect(expectStatus(await a.api.get(`/units/${a.code}/evaluations`), 200).map((r: { roundId: string }) => r.roundId)).not.toContain(roundId);
  });
});
