import { seedBoardRound, type BoardRound } from './support/board';
import { root } from './support/fixtures';
import { api, expectProblem, expectStatus, type Api } from './support/http';
import { stopService, type Spawned } from './support/processes';
import { startApi } from './support/stack';
import { launchRound, waitForRound } from './support/rounds';
import { myTask, submitTask } from './support/tasks';

/**
 * A second API process on the same stack that keeps the counts of every board of 4 units or more (the seeded
 * city's) for 300 s, so that within this test a kept snapshot is never refreshed: what it answers is what it kept.
 * The global API keeps only boards of 1,000 units or more, so it counts these at each read.
 */
let apiProcess: Spawned | undefined;
let baseUrl: string;
let round: BoardRound;
const via = (a: Api) => api(a.token, baseUrl);
const lights = (board: { units: Array<{ unitCode: string; light: string }> }) => Object.fromEntries(board.units.map((u) => [u.unitCode, u.light]));
/** The answer's Server-Timing phases in order, each with its description if it has one: `counts (kept)`. */
const phases = (reply: { headers: Headers }) =>
  (reply.headers.get('server-timing') ?? '').split(', ').map((entry) => {
    const [name, ...params] = entry.split(';');
    expect(params.find((p) => p.startsWith('dur='))).toMatch(/^dur=\d+\.\d$/);
    const desc = params.find((p) => p.startsWith('desc='))?.slice(6, -1);
    return desc ? `${name} (${desc})` : name;
  });

beforeAll(async () => {
  ({ process: apiProcess, baseUrl } = await startApi({ DUBAN_BOARD_SNAPSHOT_UNITS: '4', DUBAN_BOARD_SNAPSHOT_SECONDS: '300' }));
  round = await seedBoardRound();
});

afterAll(async () => {
  if (apiProcess) await stopService(apiProcess.pid, 5000);
});

describe('a large board drawn from kept counts', () => {
  it('when a unit changes its light, then the kept board still shows the counts of its snapshot with their instant, and the board counted at each read shows the change', async () => {
    const city = via(round.city.api);
    const cold = await city.get(`/rounds/${round.id}/board`);
    const before = expectStatus(cold, 200);
    expect(before.totals).toEqual({ red: 1, yellow: 1, blue: 1, green: 1 });
    // Where the answer's time went: this first read waited for the load.
    expect(phases(cold)).toEqual(['request', 'scope', 'counts (loaded: first)', 'lights', 'units', 'answer']);

    // The red unit submits its overdue task: counted now, it is no longer red.
    const red = round.units.red;
    const task = await myTask(red.api, round.id, round.templates.overdue);
    expectStatus(await submitTask(red.api, task.id, `snapshot-${task.id}`), 201);
    const counted = expectStatus(await round.city.api.get(`/rounds/${round.id}/board`), 200);
    expect(counted.totals.red).toBe(0);
    expect(Date.parse(counted.countsAsOf)).toBeGreaterThanOrEqual(Date.parse(counted.asOf));

    const keptReply = await city.get(`/rounds/${round.id}/board`);
    expect(phases(keptReply)).toContain('counts (kept)');
    const kept = expectStatus(keptReply, 200);
    expect(kept.countsAsOf).toBe(before.countsAsOf);
    expect(Date.parse(kept.asOf)).toBeGreaterThan(Date.parse(kept.countsAsOf));
    expect(kept.totals).toEqual(before.totals);
    expect(lights(kept)[red.code]).toBe('red');
    // Filters, pages and the per-office roll-up are drawn from the same kept counts.
    expect(expectStatus(await city.get(`/rounds/${round.id}/board?light=red`), 200).units.map((u: { unitCode: string }) => u.unitCode)).toEqual([red.code]);
    const page = expectStatus(await city.get(`/rounds/${round.id}/board?limit=2&offset=2`), 200);
    expect(page.units.map((u: { unitCode: string }) => u.unitCode)).toEqual([round.units.blue.code, round.units.green.code]);
    const officesReply = await city.get(`/rounds/${round.id}/board/offices`);
    expect(phases(officesReply)).toEqual(['request', 'scope', 'counts (kept)', 'lights', 'offices', 'answer']);
    const offices = expectStatus(officesReply, 200);
    expect(offices.countsAsOf).toBe(before.countsAsOf);
    expect(offices.offices).toEqual([expect.objectContaining({ officeCode: round.city.code, lights: before.totals })]);
  });

  it('when another office reads through the same process, then it never sees the kept scope\'s units, and its own small board is counted at the read', async () => {
    const sibling = via(round.sibling.api);
    const ownReply = await sibling.get(`/rounds/${round.id}/board`);
    expect(phases(ownReply)).toContain('counts (loaded: first)');
    const own = expectStatus(ownReply, 200);
    expect(own.units.map((u: { unitCode: string }) => u.unitCode)).toEqual([round.foreign.code]);
    expect(Date.parse(own.countsAsOf)).toBeGreaterThanOrEqual(Date.parse(own.asOf));
    expect(JSON.stringify(own)).not.toContain(round.units.red.code);
    // Read again, it is loaded again: one unit is below the size from which counts are kept.
    expect(phases(await sibling.get(`/rounds/${round.id}/board`))).toContain('counts (loaded: small)');
    expectProblem(await sibling.get(`/rounds/${round.id}/board?officeCode=${round.city.code}`), 404);
    expectProblem(await sibling.get(`/rounds/${round.id}/board/offices?officeCode=${round.city.code}`), 404);
  });

  it('when the province reads the whole round, then it is its own scope, loaded for it and not the city\'s', async () => {
    const province = via(root());
    const board = expectStatus(await province.get(`/rounds/${round.id}/board`), 200);
    // The province's five units are a scope of their own: loaded now, after the red unit's submission.
    expect(board.count).toBe(5);
    expect(board.totals.red).toBe(1);
    expect(lights(board)[round.units.red.code]).not.toBe('red');
    expect(lights(board)[round.foreign.code]).toBe('red');
  });

  it('when an office launches a round through the API, then its board\'s counts are loaded behind the launch and its first read waits for nothing; another office\'s first read still loads its own', async () => {
    const city = via(round.city.api);
    const roundId = await launchRound(city, Object.values(round.units).map((u) => u.code), [round.templates.later]);
    // The launch answered once its board's counts were loaded: a read right after it waits for nothing.
    expect(phases(await city.get(`/rounds/${roundId}/board`))).toContain('counts (kept)');
    const issued = await waitForRound(city, roundId, (r) => r.counts.issued === 4, 'every task issued');
    const issuedSeenAt = Date.now();
    expect(issued.counts.issued).toBe(4);

    const firstReply = await city.get(`/rounds/${roundId}/board`);
    expect(phases(firstReply)).toEqual(['request', 'scope', 'counts (kept)', 'lights', 'units', 'answer']);
    const first = expectStatus(firstReply, 200);
    // Kept from a load that began before this read was asked: the one behind the launch.
    expect(Date.parse(first.countsAsOf)).toBeLessThan(issuedSeenAt);
    expect(first.count).toBe(4);

    // The province's scope of the same round was not warmed: its first read loads it, and sees only what it may.
    const provinceReply = await via(root()).get(`/rounds/${roundId}/board`);
    expect(phases(provinceReply)).toContain('counts (loaded: first)');
    expect(expectStatus(provinceReply, 200).count).toBe(4);
  });

  it('when an office launches a round smaller than the kept scopes, then nothing is loaded ahead: its first read is its first load', async () => {
    const sibling = via(round.sibling.api);
    const roundId = await launchRound(sibling, [round.foreign.code], [round.templates.later]);
    await waitForRound(sibling, roundId, (r) => r.counts.issued === 1, 'its task issued');
    // Loaded ahead and found small, it would say `loaded: small`.
    expect(phases(await sibling.get(`/rounds/${roundId}/board`))).toContain('counts (loaded: first)');
  });
});
