import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { launchRound, roundBody } from './support/rounds';

let cityX: Office;
let cityY: Office;
let unitX: Unit & { api: Api };
let unitY: Unit & { api: Api };
let templateX: string;
let roundId: string;

beforeAll(async () => {
  cityX = await createOffice(root(), 'city');
  cityY = await createOffice(root(), 'city');
  unitX = await createUnitWithToken(cityX.api, cityX.code);
  unitY = await createUnitWithToken(cityY.api, cityY.code);
  templateX = (await createTaskTemplate(cityX.api)).code;
  roundId = await launchRound(cityX.api, [unitX.code], [templateX]);
});

describe('who sees and changes a round', () => {
  test('when the launching office and the root read the round, then both see it', async () => {
    expect(expectStatus(await cityX.api.get(`/rounds/${roundId}`), 200)).toMatchObject({ id: roundId, counts: { units: 1 } });
    expect(expectStatus(await root().get(`/rounds/${roundId}`), 200)).toMatchObject({ id: roundId });
  });

  test('when a sibling city office looks for the round, then it is 404 and absent from its list', async () => {
    expectProblem(await cityY.api.get(`/rounds/${roundId}`), 404);
    expectProblem(await cityY.api.get(`/rounds/${roundId}/tasks`), 404);
    expectProblem(await cityY.api.get(`/rounds/${roundId}/evaluation`), 404);
    expect(expectStatus(await cityY.api.get('/rounds'), 200).map((r: { id: string }) => r.id)).not.toContain(roundId);
  });

  test('when a unit of the sibling city looks for the round, then it is 404 and absent from its list', async () => {
    expectProblem(await unitY.api.get(`/rounds/${roundId}`), 404);
    expect(expectStatus(await unitY.api.get('/rounds'), 200).map((r: { id: string }) => r.id)).not.toContain(roundId);
  });

  test('when a sibling city office closes or cancels the round, then it is 404 and the round stays open', async () => {
    expectProblem(await cityY.api.post(`/rounds/${roundId}/close`), 404);
    expectProblem(await cityY.api.post(`/rounds/${roundId}/cancel`), 404);
    expect(expectStatus(await cityX.api.get(`/rounds/${roundId}`), 200).status).toBe('open');
  });

  test('when a sibling city office launches with the other city\'s unit or template, then it answers 400 naming each', async () => {
    const templateY = (await createTaskTemplate(cityY.api)).code;
    expectProblem(await cityY.api.post('/rounds', roundBody([unitX.code], [templateY])), 400, ['unitCodes.0']);
    expectProblem(await cityY.api.post('/rounds', roundBody([unitY.code], [templateX])), 400, ['tasks.0.templateCode']);
    expect(expectStatus(await cityY.api.get('/rounds'), 200)).toEqual([]);
  });
});
