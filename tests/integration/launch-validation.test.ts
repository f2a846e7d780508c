import { createOffice, createTaskTemplate, createUnit, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus } from './support/http';
import { roundBody } from './support/rounds';

let city: Office;
let unit: Unit;
let templateCode: string;

const roundIds = async () => expectStatus(await city.api.get('/rounds'), 200).map((r: { id: string }) => r.id);

/** Launches with `body`, expects 400 naming exactly `paths`, and checks no round appeared. */
async function expectRejected(body: Record<string, unknown>, paths: string[]) {
  const before = await roundIds();
  expectProblem(await city.api.post('/rounds', body), 400, paths);
  expect(await roundIds()).toEqual(before);
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  unit = await createUnit(city.api, city.code);
  templateCode = (await createTaskTemplate(city.api)).code;
});

describe('launching a round with bad input', () => {
  test('when a unit code is unknown, then it answers 400 naming unitCodes.N and no round is created', async () => {
    await expectRejected(roundBody([unit.code, 'no-such-unit'], [templateCode]), ['unitCodes.1']);
  });

  test('when closesAt is in the past, then it answers 400 naming closesAt and no round is created', async () => {
    await expectRejected(roundBody([unit.code], [templateCode], { closesAt: '2020-01-01T18:00:00+08:00' }), ['closesAt']);
  });

  test('when the escalation ladder is out of order, then it answers 400 naming the step and no round is created', async () => {
    const escalationPolicy = { steps: [{ level: 'overdue', offsetWorkingDays: 0 }, { level: 'reminder', offsetWorkingDays: -3 }] };
    await expectRejected(roundBody([unit.code], [templateCode], { escalationPolicy }), ['escalationPolicy.steps.1']);
  });

  test('when a task template is unknown, then it answers 400 naming tasks.N.templateCode and no round is created', async () => {
    await expectRejected(roundBody([unit.code], [templateCode, 'no-such-template']), ['tasks.1.templateCode']);
  });
});
