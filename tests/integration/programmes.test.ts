import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { sleep, waitFor } from './support/poll';
import { waitForRound, waitUntilIssued } from './support/rounds';
import { submitAndAccept } from './support/tasks';

// A city office runs a quarterly programme over two units; a sibling city must not see it.
type UnitClient = Unit & { api: Api };
interface ProgrammeView { id: string; title: string; every: string; overlap: string; paused: boolean; officeCode: string; nextRunAt: string | null; rounds: number }
interface RoundListItem { id: string; title: string; period: string; status: string }

let city: Office, sibling: Office;
let a: UnitClient, b: UnitClient;
let template: string;

/** Today's date in Asia/Shanghai as [year, month 1-12]. */
function shanghaiYearMonth(at = Date.now()): [number, number] {
  const date = new Date(at + 8 * 3600_000).toISOString();
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
}

const [YEAR, MONTH] = shanghaiYearMonth();
const QUARTER = Math.ceil(MONTH / 3);
const PERIOD = `${YEAR}Q${QUARTER}`;
/** 09:00 Asia/Shanghai on the first day of the next quarter. */
const NEXT_QUARTER_AT = QUARTER === 4 ? `${YEAR + 1}-01-01T01:00:00.000Z` : `${YEAR}-${String(QUARTER * 3 + 1).padStart(2, '0')}-01T01:00:00.000Z`;

const programmes = async (by: Api): Promise<ProgrammeView[]> => expectStatus(await by.get('/programmes'), 200);
const programme = async (by: Api, id: string): Promise<ProgrammeView> => {
  const found = (await programmes(by)).find((p) => p.id === id);
  if (!found) throw new Error(`programme ${id} is not listed`);
  return found;
};
/** The programme's rounds, oldest first, as its results endpoint lists them. */
const programmeRounds = async (by: Api, id: string): Promise<Array<{ id: string; period: string; title: string; status: string }>> =>
  expectStatus(await by.get(`/programmes/${id}/results`), 200).rounds;
const waitForRoundCount = (by: Api, id: string, n: number) => waitFor(() => programmeRounds(by, id), (r) => r.length === n, `programme ${id} to have ${n} rounds`);

function body(extra: Record<string, unknown> = {}, round: Record<string, unknown> = {}) {
  return { title: '全省产改重点任务季度督查', every: 'quarter', round: { unitCodes: [a.code, b.code], tasks: [{ templateCode: template }], ...round }, ...extra };
}

async function closeRound(by: Api, id: string): Promise<void> {
  expectStatus(await by.post(`/rounds/${id}/close`), 202);
  await waitForRound(by, id, (r) => r.status === 'closed', 'closed');
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  sibling = await createOffice(root(), 'city');
  [a, b] = await Promise.all([createUnitWithToken(city.api, city.code), createUnitWithToken(city.api, city.code)]);
  template = (await createTaskTemplate(city.api, { weight: 100 })).code;
});

describe('POST /programmes validation', () => {
  test('when the round names an unknown unit, an invalid cron or fixed questionnaire windows, then it answers 400 naming the field and writes nothing', async () => {
    const before = await programmes(city.api);

    const unknownUnit = await city.api.post('/programmes', body({}, { unitCodes: [a.code, 'no-such-unit'] }));
    expectProblem(unknownUnit, 400);
    expect(unknownUnit.body.errors.map((e: { path: string }) => e.path)).toEqual([expect.stringMatching(/(^|\.)unitCodes\.1$/)]);

    expectProblem(await city.api.post('/programmes', body({ every: 'every tuesday' })), 400, ['every']);
    expectProblem(await city.api.post('/programmes', body({ every: '0 9 1' })), 400, ['every']);
    // Five fields, but no cron Temporal accepts: refused when the schedule is created, and the programme row removed.
    expectProblem(await city.api.post('/programmes', body({ every: '99 99 99 99 99' })), 400, ['every']);

    const now = Date.now();
    const windows = [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 86_400_000).toISOString() }];
    const fixed = await city.api.post('/programmes', body({}, { questionnaire: { templateCode: 'any', windows } }));
    expectProblem(fixed, 400);
    expect(fixed.body.errors.map((e: { path: string }) => e.path)).toContainEqual(expect.stringContaining('windows'));

    expect(await programmes(city.api)).toEqual(before);
  });
});

describe('a quarterly programme', () => {
  let id: string;
  let first: string, second: string;

  test('when an office creates it, then it answers 201 with the next run at 09:00 Shanghai on the first day of the next quarter', async () => {
    const created: ProgrammeView = expectStatus(await city.api.post('/programmes', body()), 201);
    id = created.id;
    expect(created).toEqual({ id: expect.any(String), title: '全省产改重点任务季度督查', every: 'quarter', overlap: 'skip', paused: false, officeCode: city.code, nextRunAt: NEXT_QUARTER_AT, rounds: 0 });
    expect(await programme(city.api, id)).toEqual(created);
  });

  test(`when it is triggered, then a round labelled ${PERIOD} is launched for the programme`, async () => {
    expectStatus(await city.api.post(`/programmes/${id}/trigger`), 202);
    const [round] = await waitForRoundCount(city.api, id, 1);
    first = round.id;
    expect(round).toMatchObject({ period: PERIOD, status: 'open' });
    expect(round.title).toContain(PERIOD);
    const listed: RoundListItem[] = expectStatus(await city.api.get('/rounds'), 200);
    expect(listed.find((r) => r.id === first)).toMatchObject({ period: PERIOD, title: round.title, status: 'open' });
    expect((await programme(city.api, id)).rounds).toBe(1);
    await waitUntilIssued(city.api, first);
  });

  test('when it is triggered again while its round is open, then the run is skipped', async () => {
    expectStatus(await city.api.post(`/programmes/${id}/trigger`), 202);
    await sleep(5000);
    expect((await programmeRounds(city.api, id)).map((r) => r.id)).toEqual([first]);
    expect((await programme(city.api, id)).rounds).toBe(1);
  });

  test('when its round is closed and it is triggered, then a second round is launched', async () => {
    await submitAndAccept(a.api, city.api, first, template, 90);
    await closeRound(city.api, first);
    expectStatus(await city.api.post(`/programmes/${id}/trigger`), 202);
    const rounds = await waitForRoundCount(city.api, id, 2);
    expect(rounds[0]).toMatchObject({ id: first, status: 'closed' });
    second = rounds[1].id;
    expect(rounds[1]).toMatchObject({ period: PERIOD, status: 'open' });
    expect((await programme(city.api, id)).rounds).toBe(2);
    await waitUntilIssued(city.api, second);
  });

  test('when a unit is accepted in both rounds, then its results show both with the change between totals', async () => {
    await submitAndAccept(a.api, city.api, second, template, 60);
    await closeRound(city.api, second);
    const results = expectStatus(await city.api.get(`/programmes/${id}/results`), 200);
    expect(results).toMatchObject({ programmeId: id, rounds: [{ id: first }, { id: second }] });
    const unit = results.units.find((u: { unitCode: string }) => u.unitCode === a.code);
    expect(unit.results).toHaveLength(2);
    const [r1, r2] = unit.results;
    expect(r1).toMatchObject({ roundId: first, period: PERIOD, change: null });
    expect(r2).toMatchObject({ roundId: second, period: PERIOD });
    expect(r1.total).toBeGreaterThan(r2.total);
    expect(r2.change).toBeCloseTo(r2.total - r1.total, 2);
  });

  test('when it is paused and resumed, then paused follows', async () => {
    expect(expectStatus(await city.api.post(`/programmes/${id}/pause`), 200)).toMatchObject({ id, paused: true });
    expect((await programme(city.api, id)).paused).toBe(true);
    expect(expectStatus(await city.api.post(`/programmes/${id}/resume`), 200)).toMatchObject({ id, paused: false, nextRunAt: NEXT_QUARTER_AT });
    expect((await programme(city.api, id)).paused).toBe(false);
  });

  test('when a sibling office or a unit asks for it, then the sibling gets 404 and the unit 403', async () => {
    for (const path of [`/programmes/${id}/results`]) expectProblem(await sibling.api.get(path), 404);
    for (const action of ['pause', 'resume', 'trigger']) expectProblem(await sibling.api.post(`/programmes/${id}/${action}`), 404);
    expect((await programmes(sibling.api)).map((p) => p.id)).not.toContain(id);
    expectProblem(await a.api.get('/programmes'), 403);
    expectProblem(await a.api.get(`/programmes/${id}/results`), 403);
    expectProblem(await a.api.post(`/programmes/${id}/trigger`), 403);
    expectProblem(await a.api.post('/programmes', body()), 403);
    expect((await programme(city.api, id)).rounds).toBe(2);
  });
});

describe('a programme with overlap allow', () => {
  test('when it is triggered twice, then two rounds are open at once', async () => {
    const { id } = expectStatus(await city.api.post('/programmes', body({ title: '允许重叠的季度督查', overlap: 'allow' })), 201);
    expectStatus(await city.api.post(`/programmes/${id}/trigger`), 202);
    expectStatus(await city.api.post(`/programmes/${id}/trigger`), 202);
    const rounds = await waitForRoundCount(city.api, id, 2);
    expect(rounds.map((r) => r.status)).toEqual(['open', 'open']);
    expect(new Set(rounds.map((r) => r.id)).size).toBe(2);
    expect((await programme(city.api, id)).rounds).toBe(2);
    for (const r of rounds) await closeRound(city.api, r.id);
  });
});
