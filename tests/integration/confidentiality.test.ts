import ExcelJS from 'exceljs';
import { sql } from './support/db';
import { createOffice, createUnitWithToken, mintToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus, type Api, type Reply } from './support/http';
import { stopService, type Spawned } from './support/processes';
import { waitFor } from './support/poll';
import { roundBody, waitForRound, waitUntilIssued } from './support/rounds';
import { startApi } from './support/stack';
import { submitAndAccept } from './support/tasks';
import { csvRow, unitSheetRow } from './support/exports';

// The confidentiality threshold counts people. A city office runs one round with three
// questionnaire windows, all open at once, for two units:
//   `solo`: three observers, of whom one answers every window (three answers, one person);
//   `trio`: four observers; three answer window 1; three answer window 2, then a fourth;
//           one of them answers window 3 alone.
// Windows are closed by closing the round, as an office does. A second API process started
// with DUBAN_MIN_RESPONSES_FOR_UNIT=4 shows that each round keeps the threshold it launched with.

type UnitClient = Unit & { api: Api };
interface Observer { code: string; name: string; api: Api }

const SECRET = `保密意见-${uniqueCode('txt')}`;
const QUESTIONS = [
  { id: 'sat', text: '总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true },
  { id: 'comment', text: '其他意见', kind: 'text' },
];

let city: Office;
let solo: UnitClient, trio: UnitClient;
let soloObs: Observer[], trioObs: Observer[];
let qCode: string, taskTpl: string;
let roundId: string, windowIds: string[];

async function createObserver(by: Api, unitCode: string, label: string): Promise<Observer> {
  const code = uniqueCode('obs');
  const name = `观察员${label}-${code}`;
  expectStatus(await by.post('/observers', { code, name, role: 'frontline', unitCode }), 201);
  return { code, name, api: api(await mintToken(by, 'observer', code)) };
}

const answer = (o: Observer, windowId: string, sat: number) => o.api.post(`/questionnaires/${windowId}/responses`, { answers: { sat, comment: `${SECRET}-${o.code}` } });

/** Launches a round of the given units with `windows` questionnaire windows open from now on; returns its id and window ids. */
async function launchWithWindows(by: Api, units: Unit[], windows: number): Promise<{ id: string; windowIds: string[] }> {
  const now = Date.now();
  const plan = Array.from({ length: windows }, () => ({ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 3600_000).toISOString() }));
  const id = expectStatus(await by.post('/rounds', roundBody(units.map((u) => u.code), [taskTpl], { questionnaire: { templateCode: qCode, windows: plan } })), 202).id as string;
  const listed = expectStatus(await by.get(`/rounds/${id}/questionnaires`), 200) as Array<{ windowId: string; seq: number }>;
  return { id, windowIds: listed.sort((a, b) => a.seq - b.seq).map((w) => w.windowId) };
}

async function untilOpen(o: Observer, ids: string[]) {
  await waitFor(
    async () => (expectStatus(await o.api.get('/me/questionnaires'), 200) as Array<{ windowId: string }>).map((w) => w.windowId),
    (open) => ids.every((id) => open.includes(id)),
    'the windows to open',
    30_000,
  );
}

async function closeRoundNow(by: Api, id: string) {
  expectStatus(await by.post(`/rounds/${id}/close`), 202);
  await waitForRound(by, id, (r) => r.status === 'closed', 'closed');
}

async function xlsxUnitRow(reply: Reply, unitCode: string): Promise<{ row: Record<string, unknown>; text: string }> {
  expect(reply.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(reply.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const cells: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.value))));
  return { row: unitSheetRow(wb, unitCode), text: JSON.stringify(cells) };
}

/** Everything a unit can read about a round and its windows, parsed where a test compares it. */
async function unitView(unit: UnitClient, id: string, windows: string[]) {
  const [evaluation, explanation, csv, xlsx, contradictions, notices, ...summaries] = await Promise.all([
    unit.api.get(`/rounds/${id}/evaluation`),
    unit.api.get(`/rounds/${id}/evaluation/units/${unit.code}`),
    unit.api.get(`/rounds/${id}/evaluation.csv`),
    unit.api.get(`/rounds/${id}/evaluation.xlsx`),
    unit.api.get(`/rounds/${id}/contradictions`),
    unit.api.get('/me/notifications'),
    ...windows.map((w) => unit.api.get(`/questionnaires/${w}/summary`)),
  ]);
  const sheet = await xlsxUnitRow(xlsx, unit.code);
  return {
    evaluation: expectStatus(evaluation, 200),
    explanation: expectStatus(explanation, 200),
    csv: csvRow(expectStatus(csv, 200), unit.code),
    xlsx: sheet.row,
    summaries: summaries.map((s) => expectStatus(s, 200)),
    contradictions,
    notices,
    text: [evaluation, explanation, csv, contradictions, notices, ...summaries].map((r) => r.text).join('\n') + sheet.text,
  };
}

type View = Awaited<ReturnType<typeof unitView>>;

function expectNoSatisfaction(view: View, unitCode: string) {
  expect(view.evaluation.units).toEqual([expect.objectContaining({ unitCode, scores: expect.objectContaining({ satisfaction: null }) })]);
  expect(view.evaluation.units[0]).not.toHaveProperty('flags');
  expect(view.explanation.scores.satisfaction).toBeNull();
  expect(view.explanation.explanation.satisfaction).toBeNull();
  // The weight satisfaction would carry went to the other components, as with no observers at all.
  expect(view.explanation.explanation.effectiveWeights.satisfaction).toBe(0);
  expect(view.csv['满意度']).toBe('');
  expect(view.xlsx['满意度']).toBeNull();
  for (const s of view.summaries) expect(s.units).toEqual([]);
  expectProblem(view.contradictions, 403);
  expectProblem(view.notices, 403);
  expect(view.text).not.toContain(SECRET);
  for (const o of [...soloObs, ...trioObs]) {
    expect(view.text).not.toContain(o.code);
    expect(view.text).not.toContain(o.name);
  }
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  solo = await createUnitWithToken(city.api, city.code);
  trio = await createUnitWithToken(city.api, city.code);
  soloObs = await Promise.all(['甲', '乙', '丙'].map((l) => createObserver(city.api, solo.code, l)));
  trioObs = await Promise.all(['子', '丑', '寅', '卯'].map((l) => createObserver(city.api, trio.code, l)));
  taskTpl = uniqueCode('tpl');
  // 队伍壮大 is judged by satisfaction, so low ratings of an accepted task raise a contradiction for offices.
  expectStatus(await city.api.post('/task-templates', { code: taskTpl, category: '队伍壮大', title: `满意度调查 ${taskTpl}`, evidence: [], weight: 10, dueWorkingDays: 10 }), 201);
  qCode = uniqueCode('q');
  expectStatus(await city.api.post('/questionnaire-templates', { code: qCode, title: '观察员满意度问卷', questions: QUESTIONS }), 201);
  ({ id: roundId, windowIds } = await launchWithWindows(city.api, [solo, trio], 3));
  await untilOpen(soloObs[0], windowIds);
});

describe('one observer answering several windows', () => {
  it('when one observer answers all three windows, then the unit sees no satisfaction anywhere while its office sees three answers and a contradiction', async () => {
    await waitUntilIssued(city.api, roundId, 30_000);
    await submitAndAccept(solo.api, city.api, roundId, taskTpl, 90);
    for (const w of windowIds) expectStatus(await answer(soloObs[0], w, 1), 201);

    const answers = (await Promise.all(windowIds.map(async (w) => expectStatus(await city.api.get(`/questionnaires/${w}/responses`), 200) as Array<{ observerCode: string }>))).flat();
    expect(answers.filter((a) => a.observerCode === soloObs[0].code)).toHaveLength(3);
    const flagged = expectStatus(await city.api.get(`/rounds/${roundId}/contradictions`), 200) as Array<{ unitCode: string }>;
    expect(flagged.map((c) => c.unitCode)).toContain(solo.code);

    expectNoSatisfaction(await unitView(solo, roundId, windowIds), solo.code);
  });
});

describe('a unit\'s window aggregate while the window is open', () => {
  it('when three distinct observers answered an open window, then the unit sees no row while its office sees the live aggregate', async () => {
    for (const [o, v] of [[trioObs[0], 5], [trioObs[1], 4], [trioObs[2], 3]] as const) expectStatus(await answer(o, windowIds[0], v), 201);

    expect(expectStatus(await trio.api.get(`/questionnaires/${windowIds[0]}/summary`), 200)).toMatchObject({ state: 'open', minResponsesForUnit: 3, units: [] });
    const office = expectStatus(await city.api.get(`/questionnaires/${windowIds[0]}/summary`), 200).units as Array<{ unitCode: string }>;
    expect(office.find((u) => u.unitCode === trio.code)).toMatchObject({ responses: 3, satisfactionIndex: 75 });
  });

  it('when a fourth observer answers after three, then nothing the unit can read changes, although the office sees the aggregate move', async () => {
    for (const o of trioObs.slice(0, 3)) expectStatus(await answer(o, windowIds[1], 5), 201);
    const officeRow = async () => (expectStatus(await city.api.get(`/questionnaires/${windowIds[1]}/summary`), 200).units as Array<{ unitCode: string }>).find((u) => u.unitCode === trio.code);
    expect(await officeRow()).toMatchObject({ responses: 3, satisfactionIndex: 100 });
    const afterThree = await unitView(trio, roundId, windowIds);

    expectStatus(await answer(trioObs[3], windowIds[1], 1), 201);
    expect(await officeRow()).toMatchObject({ responses: 4, satisfactionIndex: 75 });
    const afterFour = await unitView(trio, roundId, windowIds);

    expectNoSatisfaction(afterThree, trio.code);
    for (const key of ['evaluation', 'explanation', 'csv', 'xlsx', 'summaries'] as const) expect(afterFour[key]).toEqual(afterThree[key]);
  });
});

describe('after the windows closed', () => {
  it('when the round closes, then the unit with three or more distinct observers sees each window it reached the threshold in, and a satisfaction pooled from those windows only', async () => {
    // Window 3 has one observer: left out of what the unit sees, and of the pooled score.
    expectStatus(await answer(trioObs[0], windowIds[2], 1), 201);
    await closeRoundNow(city.api, roundId);

    const view = await unitView(trio, roundId, windowIds);
    const [w1, w2, w3] = view.summaries;
    // (100+75+50)/3; (100+100+100+0)/4.
    expect(w1).toMatchObject({ state: 'closed', units: [{ unitCode: trio.code, unitName: trio.name, observers: 4, responses: 3, responseRate: 75, means: { satisfaction: 75 }, satisfactionIndex: 75 }] });
    expect(w2).toMatchObject({ state: 'closed', units: [{ unitCode: trio.code, responses: 4, responseRate: 100, means: { satisfaction: 75 }, satisfactionIndex: 75 }] });
    expect(w3).toMatchObject({ state: 'closed', units: [] });
    // Pooled over windows 1 and 2: (225 + 300) / 7 answers from four people.
    expect(view.evaluation).toMatchObject({ status: 'final', units: [expect.objectContaining({ unitCode: trio.code, scores: expect.objectContaining({ satisfaction: 75 }) })] });
    expect(view.explanation.explanation.satisfaction).toEqual({ index: 75, responses: 7, observers: 4, windows: 2 });
    expect(view.csv['满意度']).toBe('75.00');
    expect(view.text).not.toContain(SECRET);
    for (const o of trioObs) expect(view.text).not.toContain(o.code);
  });

  it('when the round closes, then the unit whose answers came from one observer still sees no satisfaction, and its total is what the rubric gives without observers', async () => {
    const view = await unitView(solo, roundId, windowIds);
    expect(view.evaluation.status).toBe('final');
    expectNoSatisfaction(view, solo.code);
    // Accepted on time with quality 90: (100*40 + 100*20 + 90*20) / 80. With the observer's 0 counted it would be 78.
    expect(view.explanation.total).toBe(97.5);
    // The office's final evaluation has no satisfaction for it either: one evaluation, one score.
    const office = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200).units as Array<{ unitCode: string; scores: { satisfaction: number | null } }>;
    expect(office.find((u) => u.unitCode === solo.code)!.scores.satisfaction).toBeNull();
    expect(office.find((u) => u.unitCode === trio.code)!.scores.satisfaction).toBe(75);
  });
});

describe('the threshold is frozen into each round at launch', () => {
  let other: Spawned;
  let otherUrl: string;

  /** A request to the second API, which runs with DUBAN_MIN_RESPONSES_FOR_UNIT=4. */
  async function viaOther(token: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(`${otherUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  beforeAll(async () => {
    ({ process: other, baseUrl: otherUrl } = await startApi({ DUBAN_MIN_RESPONSES_FOR_UNIT: '4' }));
  });

  afterAll(async () => {
    if (other) await stopService(other.pid);
  });

  it('when a round is launched where the threshold is 4, then it keeps 4 when read and scored where the configuration says 3', async () => {
    const quad = await createUnitWithToken(city.api, city.code);
    const quadObs = await Promise.all(['辰', '巳', '午'].map((l) => createObserver(city.api, quad.code, l)));
    const now = Date.now();
    const launched = await viaOther(city.api.token!, 'POST', '/rounds', roundBody([quad.code], [taskTpl], { questionnaire: { templateCode: qCode, windows: [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 3600_000).toISOString() }] } }));
    expect(launched.status).toBe(202);
    const [window] = expectStatus(await city.api.get(`/rounds/${launched.body.id}/questionnaires`), 200) as Array<{ windowId: string }>;
    expect(expectStatus(await city.api.get(`/questionnaires/${window.windowId}/summary`), 200)).toMatchObject({ minResponsesForUnit: 4 });

    await untilOpen(quadObs[0], [window.windowId]);
    for (const o of quadObs) expectStatus(await answer(o, window.windowId, 5), 201);
    // The worker, configured with 3, closes and scores the round.
    await closeRoundNow(city.api, launched.body.id);

    expect(expectStatus(await quad.api.get(`/questionnaires/${window.windowId}/summary`), 200)).toMatchObject({ state: 'closed', minResponsesForUnit: 4, units: [] });
    const own = expectStatus(await quad.api.get(`/rounds/${launched.body.id}/evaluation`), 200);
    expect(own).toMatchObject({ status: 'final', units: [expect.objectContaining({ unitCode: quad.code, scores: expect.objectContaining({ satisfaction: null }) })] });
    const office = expectStatus(await city.api.get(`/questionnaires/${window.windowId}/summary`), 200).units as Array<{ unitCode: string }>;
    expect(office.find((u) => u.unitCode === quad.code)).toMatchObject({ responses: 3, satisfactionIndex: 100 });
  });

  it('when the configuration says 4, then a round launched with 3 still shows its unit the windows three observers answered', async () => {
    const reply = await viaOther(trio.api.token!, 'GET', `/questionnaires/${windowIds[0]}/summary`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ minResponsesForUnit: 3, units: [expect.objectContaining({ unitCode: trio.code, responses: 3 })] });
  });

  it('when a round was launched before thresholds were frozen, then it runs with the value configured now', async () => {
    await sql(`UPDATE rounds SET spec = spec - 'minObserversForUnit' WHERE id = $1`, [roundId]);
    try {
      expect((await viaOther(trio.api.token!, 'GET', `/questionnaires/${windowIds[0]}/summary`)).body).toMatchObject({ minResponsesForUnit: 4, units: [] });
      expect(expectStatus(await trio.api.get(`/questionnaires/${windowIds[0]}/summary`), 200)).toMatchObject({ minResponsesForUnit: 3, units: [expect.objectContaining({ unitCode: trio.code })] });
    } finally {
      await sql(`UPDATE rounds SET spec = spec || '{"minObserversForUnit": 3}'::jsonb WHERE id = $1`, [roundId]);
    }
  });
});
