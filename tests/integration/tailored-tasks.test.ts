import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { sql } from './support/db';
import { waitFor } from './support/poll';
import { getRound, roundBody, waitUntilIssued } from './support/rounds';
import { submitAndAccept, type TaskView } from './support/tasks';

// One round told in order: launched with tailored lists, then a task added to one unit mid-round.
type UnitClient = Unit & { api: Api };
type Template = Awaited<ReturnType<typeof createTaskTemplate>>;

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const yesterday = () => new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

let city: Office;
let a: UnitClient, b: UnitClient, outsider: UnitClient;
let common1: Template, common2: Template, special: Template, added: Template;
let roundId: string;

const tasksOf = async (unit: UnitClient): Promise<TaskView[]> => expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200);
const codesOf = async (unit: UnitClient) => (await tasksOf(unit)).map((t) => t.code).sort();

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  [a, b, outsider] = await Promise.all([1, 2, 3].map(() => createUnitWithToken(city.api, city.code)));
  [common1, common2, special, added] = await Promise.all([
    createTaskTemplate(city.api, { weight: 30 }),
    createTaskTemplate(city.api, { weight: 30 }),
    createTaskTemplate(city.api, { weight: 40 }),
    createTaskTemplate(city.api, { weight: 20 }),
  ]);
});

describe('tailored task lists (一企一特色)', () => {
  test('when unitTasks names an unknown template, a unit outside the round or a removal not in the list, then launch answers 400 naming each', async () => {
    const body = roundBody([a.code, b.code], [common1.code, common2.code], {
      unitTasks: {
        [a.code]: { add: [{ templateCode: 'no-such-template' }], remove: [special.code] },
        [outsider.code]: { add: [{ templateCode: special.code }] },
        [b.code]: { add: [{ templateCode: common1.code }] },
      },
    });
    const reply = await city.api.post('/rounds', body);
    expectProblem(reply, 400, [`unitTasks.${a.code}.add.0.templateCode`, `unitTasks.${a.code}.remove.0`, `unitTasks.${outsider.code}`, `unitTasks.${b.code}.add.0.templateCode`]);
  });

  test('when a round is launched with a tailored list for one unit, then each unit is issued its own list and counts.tasks adds them up', async () => {
    const body = roundBody([a.code, b.code], [common1.code, common2.code], { unitTasks: { [a.code]: { add: [{ templateCode: special.code }], remove: [common2.code] } } });
    roundId = expectStatus(await city.api.post('/rounds', body), 202).id;
    const round = await waitUntilIssued(city.api, roundId);
    expect(round.counts).toMatchObject({ units: 2, tasks: 4, issued: 4 });
    expect(await codesOf(a)).toEqual([common1.code, special.code].sort());
    expect(await codesOf(b)).toEqual([common1.code, common2.code].sort());
  });

  test('when tailored units are not yet issued, then counts.tasks already holds what each will be issued', async () => {
    // a: the common list with one template more; b: the common list. A unit with no task rows is one whose batch is still to come.
    const body = roundBody([a.code, b.code], [common1.code, common2.code], { unitTasks: { [a.code]: { add: [{ templateCode: special.code }] } } });
    const id = expectStatus(await city.api.post('/rounds', body), 202).id;
    expect((await waitUntilIssued(city.api, id)).counts).toMatchObject({ units: 2, tasks: 5, issued: 5 });
    await sql('DELETE FROM tasks WHERE round_id = $1', [id]);
    expect((await getRound(city.api, id)).counts).toMatchObject({ units: 2, tasks: 5, issued: 0 });
    expectStatus(await city.api.post(`/rounds/${id}/cancel`), 202);
  });

  test('when an office adds a task due today to one unit mid-round, then it answers 201, the unit sees it, and its ladder reminds at once', async () => {
    const reply = await city.api.post(`/rounds/${roundId}/units/${b.code}/tasks`, { templateCode: added.code, dueDate: today() });
    const task = expectStatus(reply, 201);
    expect(task).toMatchObject({ roundId, unitCode: b.code, code: added.code, status: 'issued', dueDate: today() });
    expect(await codesOf(b)).toEqual([common1.code, common2.code, added.code].sort());
    expect(await codesOf(a)).toEqual([common1.code, special.code].sort());
    expect((await getRound(city.api, roundId)).counts).toMatchObject({ tasks: 5, issued: 5 });

    // Due today: the reminder step (3 working days before) is already past, so it acts at once.
    const escalations = await waitFor(
      async () => expectStatus(await city.api.get(`/rounds/${roundId}/escalations?unitCode=${b.code}`), 200) as Array<{ taskId?: string; level: string; task?: { code: string } }>,
      (rows) => rows.some((e) => e.level === 'reminder'),
      'the added task reminded',
    );
    expect(escalations.filter((e) => e.level === 'reminder')).toHaveLength(1);
    expect((await tasksOf(b)).find((t) => t.code === added.code)).toMatchObject({ escalationLevel: 'reminder' });
  });

  test('when the same template is added again, the date is past, the unit is not in the round or the template unknown, then it is refused', async () => {
    expectProblem(await city.api.post(`/rounds/${roundId}/units/${b.code}/tasks`, { templateCode: added.code }), 409);
    expectProblem(await city.api.post(`/rounds/${roundId}/units/${a.code}/tasks`, { templateCode: common1.code }), 409);
    expectProblem(await city.api.post(`/rounds/${roundId}/units/${a.code}/tasks`, { templateCode: added.code, dueDate: yesterday() }), 400, ['dueDate']);
    expectProblem(await city.api.post(`/rounds/${roundId}/units/${a.code}/tasks`, { templateCode: 'no-such-template' }), 400, ['templateCode']);
    expectProblem(await city.api.post(`/rounds/${roundId}/units/${outsider.code}/tasks`, { templateCode: added.code }), 404);
    expectProblem(await a.api.post(`/rounds/${roundId}/units/${a.code}/tasks`, { templateCode: added.code }), 403);
    expect(await codesOf(a)).toEqual([common1.code, special.code].sort());
  });

  test('when every task of unit a is accepted, then its completion counts its own two tasks, and b\'s explanation lists its own three', async () => {
    await submitAndAccept(a.api, city.api, roundId, common1.code, 90);
    await submitAndAccept(a.api, city.api, roundId, special.code, 90);
    const evaluation = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);
    const rowA = evaluation.units.find((u: { unitCode: string }) => u.unitCode === a.code);
    expect(rowA.scores.completion).toBe(100);
    const explainB = JSON.stringify(expectStatus(await city.api.get(`/rounds/${roundId}/evaluation/units/${b.code}`), 200).explanation);
    for (const code of [common1.code, common2.code, added.code]) expect(explainB).toContain(code);
    expect(explainB).not.toContain(special.code);
  });
});
