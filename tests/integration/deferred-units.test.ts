import { unitWorkflowId } from '../../workflows/contracts';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectStatus, type Api } from './support/http';
import { roundBody, waitForRound, waitUntilIssued } from './support/rounds';
import { myTask, submitTask } from './support/tasks';
import { firstTaskDeferral, waitUntilRunning, withTemporal } from './support/temporal';

// A round whose first ladder step is days away starts each unit with its first workflow task deferred to that step
// (DUBAN_DEFER_UNIT_FIRST_TASK, on by default), on the real Temporal server. A plain signal would leave such a unit
// waiting; a write and the round's close must each run it at once.
type UnitClient = Unit & { api: Api };

let city: Office;
let units: UnitClient[];
let template: string;
let roundId: string;

/** How long the unit's first workflow task was deferred, and how many workflow tasks it has completed. */
const unitRun = (unitCode: string) => withTemporal((client) => firstTaskDeferral(client, unitWorkflowId(roundId, unitCode)));

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  units = await Promise.all([0, 1, 2].map(() => createUnitWithToken(city.api, city.code)));
  template = (await createTaskTemplate(city.api)).code;
  // Due 60 days after today, whatever today is: the first step (the reminder 3 working days before) is weeks away.
  const dueDate = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  const closesAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
  roundId = expectStatus(await city.api.post('/rounds', roundBody(units.map((u) => u.code), [], { tasks: [{ templateCode: template, dueDate }], closesAt })), 202).id;
  await waitUntilIssued(city.api, roundId);
  await waitUntilRunning(units.map((u) => unitWorkflowId(roundId, u.code)));
});

afterAll(async () => {
  const round = roundId ? expectStatus(await city.api.get(`/rounds/${roundId}`), 200) : null;
  if (round?.status === 'open') await city.api.post(`/rounds/${roundId}/cancel`);
});

describe('units whose first workflow task waits for their first ladder step', () => {
  test('when a round is launched weeks before its first step, then every unit has started with its first workflow task deferred by weeks, and has run nothing', async () => {
    for (const u of units) {
      const run = await unitRun(u.code);
      expect(run.workflowTasks).toBe(0);
      expect(run.deferredSeconds).toBeGreaterThan(14 * 86_400);
    }
  });

  test('when a unit submits a task before its first step, then the submission is taken at once and that unit alone has run', async () => {
    const task = await myTask(units[0].api, roundId, template);
    const reply = await submitTask(units[0].api, task.id, `${roundId}-deferred`);
    expect(expectStatus(reply, 201)).toMatchObject({ taskStatus: 'submitted' });
    expect((await unitRun(units[0].code)).workflowTasks).toBeGreaterThan(0);
    expect((await unitRun(units[1].code)).workflowTasks).toBe(0);
  });

  test('when the office closes the round before any step, then every unit, deferred or not, hears it at once and the round closes', async () => {
    expectStatus(await city.api.post(`/rounds/${roundId}/close`), 202);
    // A unit that heard the close only at its first step would hold the round in `closing` for weeks.
    await waitForRound(city.api, roundId, (r) => r.status === 'closed', 'the round closed', 60_000);
    await withTemporal(async (client) => {
      for (const u of units) {
        const { status } = await client.workflow.getHandle(unitWorkflowId(roundId, u.code)).describe();
        expect({ unit: u.code, status: status.name }).toEqual({ unit: u.code, status: 'COMPLETED' });
      }
    });
  });
});
