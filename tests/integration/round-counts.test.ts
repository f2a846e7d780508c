import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { sql } from './support/db';
import { stack } from './support/stack';
import { launchRound, waitUntilIssued } from './support/rounds';
import { myTask, submitTask } from './support/tasks';

// A round's counts as each office reads them: one row per office subtree (round_office_counts),
// kept by the writers. Every row must equal the sum over the round's units in that subtree.
let cityA: Office;
let countyA1: Office;
let cityB: Office;
let unitA: Unit & { api: Api };
let unitA1: Unit & { api: Api };
let unitB: Unit & { api: Api };
let roundId: string;
let templates: string[];

const counts = async (by: Api) => expectStatus(await by.get(`/rounds/${roundId}`), 200).counts;

/** Rows whose kept sums differ from the sums over round_units in their subtree: none, always. */
const disagreements = () =>
  sql(
    `SELECT c.office_id, c.units, s.units AS counted_units, c.task_count, s.task_count AS counted_tasks
       FROM round_office_counts c JOIN offices a ON a.id = c.office_id
       LEFT JOIN LATERAL (
         SELECT count(*)::int AS units, count(*) FILTER (WHERE ru.task_count = 0)::int AS waiting, sum(ru.task_count)::int AS task_count,
                sum(ru.submitted_count)::int AS submitted, sum(ru.accepted_count)::int AS accepted, sum(ru.returned_count)::int AS returned,
                sum(ru.overdue_count)::int AS overdue, sum(ru.waived_count)::int AS waived, sum(ru.escalated_count)::int AS escalated
           FROM round_units ru JOIN units u ON u.id = ru.unit_id JOIN offices o ON o.id = u.office_id
          WHERE ru.round_id = c.round_id AND o.path ^@ a.path) s ON true
      WHERE c.round_id = $1
        AND (c.units, c.waiting_units, c.task_count, c.submitted_count, c.accepted_count, c.returned_count, c.overdue_count, c.waived_count, c.escalated_count)
            IS DISTINCT FROM (s.units, s.waiting, coalesce(s.task_count, 0), coalesce(s.submitted, 0), coalesce(s.accepted, 0), coalesce(s.returned, 0),
                              coalesce(s.overdue, 0), coalesce(s.waived, 0), coalesce(s.escalated, 0))`,
    [roundId],
  );

/** Puts a unit under another office the way an office does it: a one-row units import. */
async function moveUnit(by: Api, unit: Unit, from: string, officeCode: string) {
  const { kind } = (expectStatus(await by.get(`/units?officeCode=${from}`), 200) as Array<{ code: string; kind: string }>).find((u) => u.code === unit.code)!;
  const form = new FormData();
  form.append('file', new Blob([`单位编码,单位名称,单位类型,所属产改办编码\r\n${unit.code},${unit.name},${kind},${officeCode}\r\n`]), 'move.csv');
  const res = await fetch(`${stack().baseUrl}/api/v1/imports?kind=units`, { method: 'POST', body: form, headers: { authorization: `Bearer ${by.token}` } });
  expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 200, body: { updated: 1 } });
}

beforeAll(async () => {
  cityA = await createOffice(root(), 'city');
  countyA1 = await createOffice(cityA.api, 'county', cityA.code);
  cityB = await createOffice(root(), 'city');
  unitA = await createUnitWithToken(cityA.api, cityA.code);
  unitA1 = await createUnitWithToken(countyA1.api, countyA1.code);
  unitB = await createUnitWithToken(cityB.api, cityB.code);
  templates = [(await createTaskTemplate(root())).code, (await createTaskTemplate(root())).code];
  roundId = await launchRound(root(), [unitA.code, unitA1.code, unitB.code], templates);
  await waitUntilIssued(root(), roundId);
});

describe("a round's counts, per office subtree", () => {
  test('when a round spans two cities and a county, then each office counts the units and tasks of its own subtree, and a unit its own', async () => {
    expect(await counts(root())).toMatchObject({ units: 3, tasks: 6, issued: 6, submitted: 0 });
    expect(await counts(cityA.api)).toMatchObject({ units: 2, tasks: 4, issued: 4 });
    expect(await counts(countyA1.api)).toMatchObject({ units: 1, tasks: 2, issued: 2 });
    expect(await counts(cityB.api)).toMatchObject({ units: 1, tasks: 2, issued: 2 });
    expect(await counts(unitA1.api)).toMatchObject({ units: 1, tasks: 2, issued: 2 });
    expect(await disagreements()).toEqual([]);
  });

  test('when the county\'s unit submits, then the county, its city and the root count it and the other city does not', async () => {
    const task = await myTask(unitA1.api, roundId, templates[0]);
    expectStatus(await submitTask(unitA1.api, task.id, `counts-${task.id}`), 201);
    expect(await counts(root())).toMatchObject({ submitted: 1 });
    expect(await counts(cityA.api)).toMatchObject({ submitted: 1 });
    expect(await counts(countyA1.api)).toMatchObject({ submitted: 1 });
    expect(await counts(cityB.api)).toMatchObject({ submitted: 0 });
    expect(await disagreements()).toEqual([]);
  });

  test('when the root moves the county\'s unit to the other city, then its units, tasks and submission move with it', async () => {
    await moveUnit(root(), unitA1, countyA1.code, cityB.code);
    expect(await counts(root())).toMatchObject({ units: 3, tasks: 6, submitted: 1 });
    expect(await counts(cityA.api)).toMatchObject({ units: 1, tasks: 2, submitted: 0 });
    // The county has no unit in the round any more, so the round is no longer its to see.
    expectProblem(await countyA1.api.get(`/rounds/${roundId}`), 404);
    expect(await counts(cityB.api)).toMatchObject({ units: 2, tasks: 4, submitted: 1 });
    expect(await disagreements()).toEqual([]);
  });
});
