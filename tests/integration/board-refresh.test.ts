import { seedBoardRound, type BoardRound } from './support/board';
import { root } from './support/fixtures';
import { api, expectStatus, request, type Api } from './support/http';
import { waitFor } from './support/poll';
import { stopService, type Spawned } from './support/processes';
import { startApi } from './support/stack';
import { myTask, submitTask } from './support/tasks';

/**
 * A second API process on the same stack that keeps every board of 4 units or more (the seeded city's) and refreshes
 * a watched one every half second: after the first load, a refresh reads only the units whose counts changed, and
 * everything again when who is in the scope changed. The global API counts these small boards at each read, so it
 * says what the kept board must come to.
 */
let apiProcess: Spawned | undefined;
let baseUrl: string;
let round: BoardRound;
let kept: Api;
let counted: Api;

type BoardAnswer = { countsAsOf: string; asOf: string; count: number; totals: object; units: Array<{ unitCode: string }> };
/** What two answers of the board must agree on, whichever counts they were drawn from. */
const shown = ({ count, totals, units }: BoardAnswer) => ({ count, totals, units });

/** The kept board once its counts were loaded after `instant`; read every 200 ms, so the scope stays watched. */
async function keptSince(instant: number): Promise<BoardAnswer> {
  return waitFor(async () => expectStatus(await kept.get(`/rounds/${round.id}/board`), 200) as BoardAnswer, (b) => Date.parse(b.countsAsOf) > instant, 'kept counts loaded after the change');
}

beforeAll(async () => {
  ({ process: apiProcess, baseUrl } = await startApi({ DUBAN_BOARD_SNAPSHOT_UNITS: '4', DUBAN_BOARD_SNAPSHOT_SECONDS: '1' }));
  round = await seedBoardRound();
  kept = api(round.city.api.token, baseUrl);
  counted = round.city.api;
});

afterAll(async () => {
  if (apiProcess) await stopService(apiProcess.pid, 5000);
});

describe('a kept board refreshed from the units that changed', () => {
  it('when units\' tasks are submitted and reviewed while the board is watched, then the kept board comes to what the board counted at the read shows', async () => {
    const first = expectStatus(await kept.get(`/rounds/${round.id}/board`), 200) as BoardAnswer;
    expect(first.totals).toEqual({ red: 1, yellow: 1, blue: 1, green: 1 });
    expect(shown(first)).toEqual(shown(expectStatus(await counted.get(`/rounds/${round.id}/board`), 200)));

    // The red unit submits its overdue task and the city accepts it; the blue unit submits the one due soon.
    const red = await myTask(round.units.red.api, round.id, round.templates.overdue);
    const { submissionId } = expectStatus(await submitTask(round.units.red.api, red.id, `refresh-${red.id}`), 201);
    expectStatus(await round.city.api.post(`/submissions/${submissionId}/review`, { decision: 'accept', score: 88 }), 200);
    const blue = await myTask(round.units.blue.api, round.id, round.templates.soon);
    expectStatus(await submitTask(round.units.blue.api, blue.id, `refresh-${blue.id}`), 201);
    const changedAt = Date.now();

    const after = await keptSince(changedAt);
    expect(after.totals).not.toEqual(first.totals);
    expect(shown(after)).toEqual(shown(expectStatus(await counted.get(`/rounds/${round.id}/board`), 200)));
  });

  it('when a unit is moved to another office, then the kept board loses it at its next refresh, the same as the board counted at the read', async () => {
    const green = round.units.green;
    expect((await keptSince(Date.now())).units.map((u) => u.unitCode)).toContain(green.code);
    const form = new FormData();
    form.append('file', new Blob([`code,name,kind,officeCode\r\n${green.code},${green.name},state_owned,${round.sibling.code}\r\n`]), 'units.csv');
    expect(expectStatus(await request('POST', '/api/v1/imports?kind=units', { token: root().token, body: form }), 200)).toMatchObject({ updated: 1 });
    const movedAt = Date.now();

    const after = await keptSince(movedAt);
    expect(after.count).toBe(3);
    expect(JSON.stringify(after)).not.toContain(green.code);
    expect(shown(after)).toEqual(shown(expectStatus(await counted.get(`/rounds/${round.id}/board`), 200)));
  });
});
