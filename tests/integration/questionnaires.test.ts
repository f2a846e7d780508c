import ExcelJS from 'exceljs';
import { sql } from './support/db';
import { createOffice, createUnitWithToken, mintToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { api, expectProblem, expectStatus, type Api, type Reply } from './support/http';
import { sleep, waitFor } from './support/poll';
import { roundBody, waitUntilIssued } from './support/rounds';
import { submitAndAccept } from './support/tasks';
import { csvRow, unitSheetRow } from './support/exports';

// One story: a city office with unit u1 (4 observers) and, in a county below it, unit u2
// (3 observers); a unit `outside` in the same city is not in the round. The round carries one
// questionnaire window open for ~35 s. u2's observers all rate `see` 1 while its 建功立业 task is
// accepted (a contradiction); u1's observers answer one by one, so the unit's view is checked
// below and at the confidentiality threshold (3), and again once the window has closed (a unit
// reads its row only then).

type UnitClient = Unit & { api: Api };
interface Observer { code: string; name: string; api: Api }

const WINDOW_MS = 35_000;
const SECRET = `绝密意见-${uniqueCode('txt')}`;

let city: Office, county: Office, sibling: Office;
let u1: UnitClient, u2: UnitClient, outside: UnitClient;
let obs1: Observer[], obs2: Observer[], outsider: Observer;
let qCode: string, taskTpl: string;
let roundId: string, windowId: string, windowClosesAt: number;

const QUESTIONS_V1 = [
  { id: 'see', text: '劳动竞赛在现场“能看”到吗？', kind: 'likert5', dimension: 'see', required: true },
  { id: 'sat', text: '总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true },
  { id: 'hear', text: '职工意见“能听”到吗？', kind: 'likert5', dimension: 'hear' },
  { id: 'comment', text: '其他意见', kind: 'text' },
  { id: 'pick', text: '最关注的改革事项', kind: 'single', options: ['技能', '待遇'] },
];

async function createObserver(by: Api, unitCode: string, label: string): Promise<Observer> {
  const code = uniqueCode('obs');
  const name = `观察员${label}-${code}`;
  expectStatus(await by.post('/observers', { code, name, role: 'frontline', unitCode }), 201);
  return { code, name, api: api(await mintToken(by, 'observer', code)) };
}

const answer = (o: Observer, answers: Record<string, unknown>) => o.api.post(`/questionnaires/${windowId}/responses`, { answers });

/** Every cell of every sheet, as text. */
async function workbookText(reply: Reply): Promise<{ wb: ExcelJS.Workbook; text: string }> {
  expect(reply.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(reply.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const cells: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.value))));
  return { wb, text: JSON.stringify(cells) };
}


/** Everything a unit token can read about the round and the window, as text, for leak checks. */
async function unitReadable(unit: UnitClient): Promise<{ replies: Reply[]; text: string }> {
  const replies = await Promise.all([
    unit.api.get(`/questionnaires/${windowId}/summary`),
    unit.api.get(`/questionnaires/${windowId}/responses`),
    unit.api.get(`/rounds/${roundId}/evaluation`),
    unit.api.get(`/rounds/${roundId}/evaluation/units/${unit.code}`),
    unit.api.get(`/rounds/${roundId}/evaluation.csv`),
    unit.api.get(`/rounds/${roundId}/contradictions`),
    unit.api.get('/me/notifications'),
  ]);
  const xlsx = await workbookText(await unit.api.get(`/rounds/${roundId}/evaluation.xlsx`));
  return { replies, text: replies.map((r) => r.text).join('\n') + xlsx.text };
}

function expectNoObserverLeak(text: string, observers: Observer[]) {
  for (const o of observers) {
    expect(text).not.toContain(o.code);
    expect(text).not.toContain(o.name);
  }
  expect(text).not.toContain(SECRET);
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  county = await createOffice(city.api, 'county', city.code);
  sibling = await createOffice(root(), 'city');
  u1 = await createUnitWithToken(city.api, city.code);
  u2 = await createUnitWithToken(county.api, county.code);
  outside = await createUnitWithToken(city.api, city.code);
  obs1 = await Promise.all(['甲', '乙', '丙', '丁'].map((l) => createObserver(city.api, u1.code, l)));
  obs2 = await Promise.all(['戊', '己', '庚'].map((l) => createObserver(county.api, u2.code, l)));
  outsider = await createObserver(city.api, outside.code, '辛');

  taskTpl = uniqueCode('tpl');
  expectStatus(await city.api.post('/task-templates', { code: taskTpl, category: '建功立业', title: `劳动竞赛 ${taskTpl}`, evidence: [], weight: 10, dueWorkingDays: 10 }), 201);
  qCode = uniqueCode('q');
  expect(expectStatus(await city.api.post('/questionnaire-templates', { code: qCode, title: '改革观察员“四能”问卷', questions: QUESTIONS_V1 }), 201)).toMatchObject({ code: qCode, version: 1 });

  const now = Date.now();
  const windows = [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + WINDOW_MS).toISOString() }];
  windowClosesAt = now + WINDOW_MS;
  roundId = expectStatus(await city.api.post('/rounds', roundBody([u1.code, u2.code], [taskTpl], { questionnaire: { templateCode: qCode, windows } })), 202).id;
});

describe('questionnaire templates', () => {
  it('when a single-choice question has no options or a question id repeats, then the template is refused with 400 naming the field', async () => {
    const noOptions = await city.api.post('/questionnaire-templates', {
      code: uniqueCode('q'),
      title: '缺选项',
      questions: [{ id: 'a', text: '满意吗', kind: 'likert5' }, { id: 'b', text: '选一个', kind: 'single' }],
    });
    expectProblem(noOptions, 400, ['questions.1.options']);

    const repeated = await city.api.post('/questionnaire-templates', {
      code: uniqueCode('q'),
      title: '重复编号',
      questions: [{ id: 'a', text: '一', kind: 'likert5' }, { id: 'a', text: '二', kind: 'likert5' }],
    });
    expectProblem(repeated, 400);
    expect(repeated.body.errors.map((e: { path: string }) => e.path)).toEqual(['questions.1.id']);
  });

  it('when an existing code is posted again, then it becomes version 2, the list shows the latest, and the round launched earlier keeps version 1', async () => {
    const v2Questions = [...QUESTIONS_V1, { id: 'extra', text: '新增必答题', kind: 'likert5', dimension: 'check', required: true }];
    expect(expectStatus(await city.api.post('/questionnaire-templates', { code: qCode, title: '问卷第二版', questions: v2Questions }), 201)).toMatchObject({ code: qCode, version: 2, officeCode: city.code });

    const listed = (expectStatus(await city.api.get('/questionnaire-templates'), 200) as Array<{ code: string; version: number; title: string }>).filter((t) => t.code === qCode);
    expect(listed).toEqual([expect.objectContaining({ code: qCode, version: 2, title: '问卷第二版' })]);

    const windows = expectStatus(await city.api.get(`/rounds/${roundId}/questionnaires`), 200);
    expect(windows).toEqual([expect.objectContaining({ roundId, seq: 0, templateCode: qCode, templateVersion: 1, title: '改革观察员“四能”问卷' })]);
    windowId = windows[0].windowId;
  });
});

describe('an open questionnaire window', () => {
  it('when the window opens, then the round\'s observers see it with the questions of version 1 and are notified; a unit cannot read notices', async () => {
    const open = await waitFor(
      async () => expectStatus(await obs1[0].api.get('/me/questionnaires'), 200) as Array<{ windowId: string }>,
      (ws) => ws.some((w) => w.windowId === windowId),
      'the window to open for an observer',
      30_000,
    );
    const mine = open.find((w) => w.windowId === windowId) as Record<string, unknown>;
    expect(mine).toMatchObject({ roundId, templateCode: qCode, templateVersion: 1, state: 'open', answered: false });
    expect((mine.questions as Array<{ id: string }>).map((q) => q.id)).toEqual(QUESTIONS_V1.map((q) => q.id));

    // An observer of a unit outside the round is not shown the window.
    expect((expectStatus(await outsider.api.get('/me/questionnaires'), 200) as Array<{ windowId: string }>).map((w) => w.windowId)).not.toContain(windowId);

    const notices = expectStatus(await obs2[0].api.get('/me/notifications'), 200) as Array<{ kind: string; data: { windowId?: string } }>;
    expect(notices).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'questionnaire.opened', data: expect.objectContaining({ windowId }) })]));
    expectProblem(await u1.api.get('/me/notifications'), 403);
  });

  it('when answers do not fit the questionnaire, then 400 names answers.<questionId> and nothing is stored', async () => {
    const o = obs1[0];
    expectProblem(await answer(o, { see: 9, sat: 3 }), 400, ['answers.see']);
    expectProblem(await answer(o, { see: 3, sat: 3, nosuch: 2 }), 400, ['answers.nosuch']);
    expectProblem(await answer(o, { see: 3 }), 400, ['answers.sat']);
    expectProblem(await answer(o, { see: 3, sat: 3, pick: '别的' }), 400, ['answers.pick']);
    // The version-2 question is not part of this window.
    expectProblem(await answer(o, { see: 3, sat: 3, extra: 3 }), 400, ['answers.extra']);

    expect(expectStatus(await city.api.get(`/questionnaires/${windowId}/responses`), 200)).toEqual([]);
  });

  it('when an observer answers, then 201; a second answer is 409; an observer of a unit outside the round gets 404', async () => {
    const first = expectStatus(await answer(obs2[0], { see: 1, sat: 3, comment: SECRET }), 201);
    expect(first).toMatchObject({ windowId, responseId: expect.any(String), submittedAt: expect.any(String) });
    expectProblem(await answer(obs2[0], { see: 5, sat: 5 }), 409);
    expectProblem(await answer(outsider, { see: 3, sat: 3 }), 404);

    expectStatus(await answer(obs2[1], { see: 1, sat: 3, pick: '技能' }), 201);
    expectStatus(await answer(obs2[2], { see: 1, sat: 3, hear: 2 }), 201);

    const again = (expectStatus(await obs2[0].api.get('/me/questionnaires'), 200) as Array<{ windowId: string; answered: boolean }>).find((w) => w.windowId === windowId);
    expect(again).toMatchObject({ answered: true });
  });
});

describe('confidentiality of answers towards units', () => {
  it('when two of a unit\'s observers answered, then the unit sees no row, no satisfaction, and nothing naming an observer or quoting an answer', async () => {
    expectStatus(await answer(obs1[0], { see: 5, sat: 4, hear: 3, comment: SECRET }), 201);
    expectStatus(await answer(obs1[1], { see: 4, sat: 2, comment: `${SECRET}-2` }), 201);

    const { replies, text } = await unitReadable(u1);
    const [summary, responses, evaluation, explanation, csv, contradictions, notices] = replies;
    // Below the threshold no row at all, although u2 (another unit) has three answers.
    expect(expectStatus(summary, 200)).toMatchObject({ windowId, minResponsesForUnit: 3, units: [] });
    expectProblem(responses, 403);
    expect(expectStatus(evaluation, 200).units).toEqual([expect.objectContaining({ unitCode: u1.code, scores: expect.objectContaining({ satisfaction: null }) })]);
    const explained = expectStatus(explanation, 200);
    expect(explained.scores.satisfaction).toBeNull();
    expect(explained.explanation.satisfaction ?? null).toBeNull();
    expect(csvRow(expectStatus(csv, 200), u1.code)['满意度']).toBe('');
    expectProblem(contradictions, 403);
    expectProblem(notices, 403);
    const wb = (await workbookText(await u1.api.get(`/rounds/${roundId}/evaluation.xlsx`))).wb;
    expect(unitSheetRow(wb, u1.code)['满意度']).toBeNull();

    expectNoObserverLeak(text, [...obs1, ...obs2]);
    expect(text).not.toContain(u2.code);
  });

  it('when a third observer answers while the window is open, then the unit still sees no row and no satisfaction, while its office sees the live aggregate', async () => {
    expectStatus(await answer(obs1[2], { see: 3, sat: 5, hear: 1 }), 201);

    const { replies, text } = await unitReadable(u1);
    const [summary, responses, evaluation, explanation, csv] = replies;
    expect(expectStatus(summary, 200)).toMatchObject({ windowId, state: 'open', minResponsesForUnit: 3, units: [] });
    expectProblem(responses, 403);
    expect(expectStatus(evaluation, 200).units).toEqual([expect.objectContaining({ unitCode: u1.code, scores: expect.objectContaining({ satisfaction: null }) })]);
    expect(expectStatus(explanation, 200).explanation.satisfaction).toBeNull();
    expect(csvRow(expectStatus(csv, 200), u1.code)['满意度']).toBe('');
    expectNoObserverLeak(text, [...obs1, ...obs2]);
    expect(text).not.toContain(u2.code);
    expect(expectStatus(await u2.api.get(`/questionnaires/${windowId}/summary`), 200).units).toEqual([]);

    const office = expectStatus(await city.api.get(`/questionnaires/${windowId}/summary`), 200).units as Array<{ unitCode: string; responses: number }>;
    expect(office.find((u) => u.unitCode === u1.code)).toMatchObject({ responses: 3 });
    const officeEvaluation = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200).units as Array<{ unitCode: string; scores: { satisfaction: number | null } }>;
    expect(officeEvaluation.find((u) => u.unitCode === u1.code)!.scores.satisfaction).toBe(66.67);

    // A unit outside the round cannot see the window at all.
    expectProblem(await outside.api.get(`/questionnaires/${windowId}/summary`), 404);
  });

  it('when an office reads the window, then it sees every unit of its subtree with individual answers; a sibling office gets 404', async () => {
    const summary = expectStatus(await city.api.get(`/questionnaires/${windowId}/summary`), 200);
    expect(summary.units.map((u: { unitCode: string }) => u.unitCode).sort()).toEqual([u1.code, u2.code].sort());

    const responses = expectStatus(await city.api.get(`/questionnaires/${windowId}/responses`), 200) as Array<{ observerCode: string; observerName: string; unitCode: string; answers: Record<string, unknown> }>;
    expect(responses).toHaveLength(6);
    expect(responses.find((r) => r.observerCode === obs1[0].code)).toMatchObject({ observerName: obs1[0].name, unitCode: u1.code, answers: { see: 5, sat: 4, hear: 3, comment: SECRET } });
    expect(responses.find((r) => r.observerCode === obs2[1].code)).toMatchObject({ unitCode: u2.code, answers: { see: 1, sat: 3, pick: '技能' } });

    // The county sees only its own unit's answers and row.
    const countyResponses = expectStatus(await county.api.get(`/questionnaires/${windowId}/responses`), 200) as Array<{ observerCode: string; unitCode: string }>;
    expect(countyResponses.map((r) => r.observerCode).sort()).toEqual(obs2.map((o) => o.code).sort());
    expect(expectStatus(await county.api.get(`/questionnaires/${windowId}/summary`), 200).units.map((u: { unitCode: string }) => u.unitCode)).toEqual([u2.code]);

    expectProblem(await sibling.api.get(`/questionnaires/${windowId}/summary`), 404);
    expectProblem(await sibling.api.get(`/questionnaires/${windowId}/responses`), 404);
  });
});

describe('aggregation and contradictions', () => {
  it('when likert answers are known, then means are (v-1)*25 per dimension with response rate and satisfaction index', async () => {
    const units = expectStatus(await city.api.get(`/questionnaires/${windowId}/summary`), 200).units as Array<Record<string, unknown>>;
    expect(units.find((u) => u.unitCode === u2.code)).toEqual({
      unitCode: u2.code, unitName: u2.name, observers: 3, responses: 3, responseRate: 100,
      means: { see: 0, satisfaction: 50, hear: 25 }, satisfactionIndex: 50,
    });
    expect(units.find((u) => u.unitCode === u1.code)).toMatchObject({ observers: 4, responses: 3, responseRate: 75, means: { see: 75, satisfaction: 66.67, hear: 25 }, satisfactionIndex: 66.67 });
  });

  it('when an accepted 建功立业 task meets observers rating `see` 1, then offices see a contradiction flag and the unit does not', async () => {
    await waitUntilIssued(city.api, roundId, 30_000);
    await submitAndAccept(u2.api, county.api, roundId, taskTpl, 90);

    const flag = { category: '建功立业', dimension: 'see', acceptedTasks: [taskTpl], observerMean: 0, responses: 3, threshold: 50 };
    const listed = expectStatus(await city.api.get(`/rounds/${roundId}/contradictions`), 200);
    expect(listed).toEqual([{ unitCode: u2.code, unitName: u2.name, flags: [flag] }]);
    expect(expectStatus(await county.api.get(`/rounds/${roundId}/contradictions`), 200)).toEqual(listed);

    const rows = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200).units as Array<{ unitCode: string; flags?: unknown }>;
    expect(rows.find((r) => r.unitCode === u2.code)!.flags).toEqual([flag]);
    expect(rows.find((r) => r.unitCode === u1.code)!.flags).toEqual([]);

    expectProblem(await u2.api.get(`/rounds/${roundId}/contradictions`), 403);
    const own = expectStatus(await u2.api.get(`/rounds/${roundId}/evaluation`), 200).units;
    expect(own).toHaveLength(1);
    expect(own[0]).not.toHaveProperty('flags');
    // Provisional, so the unit is scored without observers at all.
    expect(own[0].scores.satisfaction).toBeNull();
  });
});

describe('a closed window', () => {
  it('when closesAt has passed, then an answer is refused with 410 and nothing is stored', async () => {
    await sleep(Math.max(0, windowClosesAt - Date.now() + 500));
    expectProblem(await answer(obs1[3], { see: 3, sat: 3 }), 410);
    // The window workflow itself closes the window at closesAt.
    const [closed] = await waitFor(
      () => sql<{ closed_at: Date | null }>('SELECT closed_at FROM questionnaire_windows WHERE id = $1', [windowId]),
      (rows) => rows[0]?.closed_at != null,
      'the window workflow to close the window',
      15_000,
    );
    expect(closed.closed_at!.getTime()).toBeGreaterThanOrEqual(windowClosesAt - 1000);
    expect(expectStatus(await city.api.get(`/rounds/${roundId}/questionnaires`), 200)).toEqual([expect.objectContaining({ windowId, state: 'closed' })]);
    expect(expectStatus(await obs1[3].api.get('/me/questionnaires'), 200).map((w: { windowId: string }) => w.windowId)).not.toContain(windowId);
    const responses = expectStatus(await city.api.get(`/questionnaires/${windowId}/responses`), 200) as Array<{ observerCode: string }>;
    expect(responses.map((r) => r.observerCode)).not.toContain(obs1[3].code);
    expect(responses).toHaveLength(6);
  });

  it('when the window has closed, then each unit sees its own row, with only the means of dimensions three observers scored, still without individual answers or other units', async () => {
    const { replies, text } = await unitReadable(u1);
    const [summary, responses] = replies;
    // see: (100+75+50)/3; satisfaction: (75+25+100)/3; hear had two observers only, so no mean.
    const row = { unitCode: u1.code, unitName: u1.name, observers: 4, responses: 3, responseRate: 75, means: { see: 75, satisfaction: 66.67 }, satisfactionIndex: 66.67 };
    expect(expectStatus(summary, 200)).toMatchObject({ windowId, state: 'closed', minResponsesForUnit: 3, units: [row] });
    expectProblem(responses, 403);
    expectNoObserverLeak(text, [...obs1, ...obs2]);
    expect(text).not.toContain(u2.code);

    const u2Summary = expectStatus(await u2.api.get(`/questionnaires/${windowId}/summary`), 200);
    expect(u2Summary.units).toEqual([{ unitCode: u2.code, unitName: u2.name, observers: 3, responses: 3, responseRate: 100, means: { see: 0, satisfaction: 50 }, satisfactionIndex: 50 }]);
    expectNoObserverLeak(JSON.stringify(u2Summary), [...obs1, ...obs2]);
    // The office still sees every dimension, hear included.
    const office = expectStatus(await city.api.get(`/questionnaires/${windowId}/summary`), 200).units as Array<{ unitCode: string; means: object }>;
    expect(office.find((u) => u.unitCode === u1.code)!.means).toEqual({ see: 75, satisfaction: 66.67, hear: 25 });
  });
});
