import ExcelJS from 'exceljs';
import { sql } from './support/db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api, type Reply } from './support/http';
import { waitFor } from './support/poll';
import { roundBody, waitForRound, waitUntilIssued } from './support/rounds';

// One story: a city with two units and a county below it with a third. Round 1 (with a
// questionnaire) is worked, closed and corrected; round 2 in the same period only adds tasks.
type UnitClient = Unit & { api: Api };
interface TaskView { id: string; code: string; status: string }
interface EvalUnit { unitCode: string; unitName: string; officeCode: string; scores: Record<string, number | null>; total: number; grade: string; rank: number; burden?: unknown }

const PERIOD = '2026Q4';
/** No submission here names a file. */
const NONE = { uploaded: 0, reused: 0 };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UNIT_HEADERS = ['单位', '单位代码', '所属产改办', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名'];
const OFFICE_HEADERS = ['产改办', '单位数', '平均分', '优秀', '良好', '合格', '不合格', '同级排名'];
const TASK_HEADERS = ['单位', '任务编码', '任务', '类别', '权重', '状态', '截止日期', '提交时间', '评分', '最高督办级别'];
const GRADE_CN: Record<string, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
const GRADE_FILL: Record<string, string> = { excellent: 'FFC6EFCE', good: 'FFBDD7EE', pass: 'FFFFEB9C', fail: 'FFFFC7CE' };

let city: Office, county: Office, other: Office;
let a: UnitClient, b: UnitClient, c: UnitClient;
let t1: string, t2: string;
let round1: string, round2: string;
const submissions: Record<string, string> = {};
const waivedTask: { id?: string } = {};

async function myTask(unit: UnitClient, roundId: string, code: string): Promise<TaskView> {
  return (expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200) as TaskView[]).find((t) => t.code === code)!;
}

async function submitAndAccept(unit: UnitClient, code: string, score: number): Promise<string> {
  const task = await myTask(unit, round1, code);
  const { submissionId } = expectStatus(await unit.api.post(`/tasks/${task.id}/submissions`, { summary: '已完成', evidence: [{ kind: 'summary', title: '工作总结' }] }, { 'Idempotency-Key': `${unit.code}-${code}` }), 201);
  expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'accept', score }), 200);
  return submissionId;
}

/** Every row of a sheet as plain cell values, header first; empty cells are null. */
function table(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    rows.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value ?? null));
  }
  return rows;
}

async function workbook(reply: Reply): Promise<ExcelJS.Workbook> {
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toContain(XLSX);
  expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="?evaluation-[0-9a-f-]{36}-v\d+\.xlsx"?$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(reply.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  return wb;
}

const sheets = (wb: ExcelJS.Workbook) => ({ units: wb.getWorksheet('单位')!, offices: wb.getWorksheet('产改办')!, tasks: wb.getWorksheet('任务')! });

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  county = await createOffice(city.api, 'county', city.code);
  other = await createOffice(root(), 'city');
  [a, b] = await Promise.all([createUnitWithToken(city.api, city.code), createUnitWithToken(city.api, city.code)]);
  c = await createUnitWithToken(county.api, county.code);
  t1 = (await createTaskTemplate(city.api, { weight: 40 })).code;
  t2 = (await createTaskTemplate(city.api, { weight: 60 })).code;
  // Two observers at unit a: each is told when a window opens.
  for (const name of ['王师傅', '李工']) expectStatus(await city.api.post('/observers', { code: uniqueCode('obs'), name, role: 'frontline', unitCode: a.code }), 201);
  const questionnaire = uniqueCode('q');
  expectStatus(await city.api.post('/questionnaire-templates', { code: questionnaire, title: '观察员问卷', questions: [{ id: 'sat', text: '满意吗', kind: 'likert5', dimension: 'satisfaction' }] }), 201);

  const now = Date.now();
  const windows = [
    { opensAt: new Date(now).toISOString(), closesAt: new Date(now + 86_400_000).toISOString() },
    { opensAt: new Date(now + 86_400_000).toISOString(), closesAt: new Date(now + 1.5 * 86_400_000).toISOString() },
  ];
  round1 = expectStatus(await city.api.post('/rounds', roundBody([a.code, b.code, c.code], [t1, t2], { period: PERIOD, questionnaire: { templateCode: questionnaire, windows } })), 202).id;
  round2 = expectStatus(await city.api.post('/rounds', roundBody([a.code, c.code], [t1], { period: PERIOD })), 202).id;
  await Promise.all([waitUntilIssued(city.api, round1), waitUntilIssued(city.api, round2)]);
});

describe('evaluation exports, versions, audit and burden', () => {
  test('when round 1 is worked, a task waived and the round closed, then version 1 is final', async () => {
    submissions.a1 = await submitAndAccept(a, t1, 90);
    submissions.a2 = await submitAndAccept(a, t2, 80);
    submissions.b1 = await submitAndAccept(b, t1, 70);
    const waived = await myTask(c, round1, t2);
    waivedTask.id = waived.id;
    expectStatus(await city.api.post(`/tasks/${waived.id}/waive`, { reason: '企业停产检修' }), 200);
    // The ladder's first rung is working days away; record it as fireSteps does, so the export can show it.
    const aTask = await myTask(a, round1, t1);
    const [cityRow] = await sql<{ id: string }>('SELECT id FROM offices WHERE code = $1', [city.code]);
    const [unitRow] = await sql<{ id: string }>('SELECT id FROM units WHERE code = $1', [a.code]);
    await sql('INSERT INTO escalations (id, round_id, task_id, unit_id, level, cycle, target_office_id, scheduled_at) VALUES (gen_random_uuid(), $1, $2, $3, \'reminder\', 0, $4, now())', [round1, aTask.id, unitRow.id, cityRow.id]);
    await sql('INSERT INTO notifications (id, kind, office_id, unit_id, round_id, payload) VALUES ($1, \'escalation.reminder\', $2, $3, $4, \'{}\')', [`escalation:${aTask.id}:reminder:0`, cityRow.id, unitRow.id, round1]);
    // The first window opened at launch and told a's two observers.
    await waitFor(() => sql<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE round_id = $1 AND kind = \'questionnaire.opened\'', [round1]), (r) => r[0].n === 2, 'questionnaire.opened notices');

    expectStatus(await city.api.post(`/rounds/${round1}/close`), 202);
    await waitForRound(city.api, round1, (r) => r.status === 'closed', 'closed');
    expect(expectStatus(await city.api.get(`/rounds/${round1}/evaluation`), 200)).toMatchObject({ status: 'final', version: 1 });
  });

  test('when the office downloads evaluation.xlsx, then it has the three sheets with Chinese headers, bold and frozen, matching the JSON evaluation', async () => {
    const wb = await workbook(await city.api.get(`/rounds/${round1}/evaluation.xlsx`));
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['单位', '产改办', '任务']);
    const { units, offices, tasks } = sheets(wb);
    for (const [ws, headers] of [[units, UNIT_HEADERS], [offices, OFFICE_HEADERS], [tasks, TASK_HEADERS]] as const) {
      expect(table(ws)[0]).toEqual(headers);
      expect(ws.getRow(1).font?.bold).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.columns.every((col) => (col.width ?? 0) >= 8)).toBe(true);
    }

    const evaluation = expectStatus(await city.api.get(`/rounds/${round1}/evaluation`), 200);
    const officeName = (code: string) => `${code} 产改办`;
    expect(table(units).slice(1)).toEqual(
      (evaluation.units as EvalUnit[]).map((u) => [
        u.unitName, u.unitCode, officeName(u.officeCode),
        u.scores.completion, u.scores.timeliness, u.scores.quality, u.scores.satisfaction, u.scores.penalty, u.total, GRADE_CN[u.grade], u.rank,
      ]),
    );
    for (let r = 2; r <= units.rowCount; r++) {
      const grade = (evaluation.units as EvalUnit[])[r - 2].grade;
      expect(units.getRow(r).getCell(10).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: GRADE_FILL[grade] } });
    }
    expect(table(offices).slice(1)).toEqual(
      evaluation.offices.map((o: any) => [o.officeName, o.units, o.mean, o.grades.excellent, o.grades.good, o.grades.pass, o.grades.fail, o.rank]),
    );
    expect(table(offices).slice(1).map((r) => r[0]).sort()).toEqual([officeName(city.code), officeName(county.code)].sort());

    const taskRows = table(tasks).slice(1);
    expect(taskRows).toHaveLength(6);
    const row = (unit: Unit, code: string) => taskRows.find((r) => r[0] === unit.name && r[1] === code)!;
    expect(row(a, t1)).toEqual([a.name, t1, `任务 ${t1}`, '思想引领', 40, '已通过', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/), 90, '提醒']);
    // Never submitted: no submission time, score or rung; still 已下发 unless closing marked it overdue.
    expect(row(b, t2)).toEqual([b.name, t2, `任务 ${t2}`, '思想引领', 60, expect.stringMatching(/^已(下发|逾期)$/), expect.any(String), null, null, null]);
    expect(row(c, t2)[5]).toBe('已免除');
  });

  test('when a unit downloads evaluation.xlsx, then every sheet holds its own rows only and the offices sheet is empty', async () => {
    const { units, offices, tasks } = sheets(await workbook(await b.api.get(`/rounds/${round1}/evaluation.xlsx`)));
    expect(table(units).slice(1).map((r) => r[1])).toEqual([b.code]);
    expect(table(offices)).toEqual([OFFICE_HEADERS]);
    expect(table(tasks).slice(1).map((r) => r[0])).toEqual([b.name, b.name]);
    expect(JSON.stringify([table(units), table(tasks)])).not.toMatch(new RegExp(`${a.code}|${c.code}|${a.name}|${c.name}`));
  });

  test('when the county office downloads evaluation.xlsx, then it sees its unit and its own roll-up only', async () => {
    const { units, offices, tasks } = sheets(await workbook(await county.api.get(`/rounds/${round1}/evaluation.xlsx`)));
    expect(table(units).slice(1).map((r) => r[1])).toEqual([c.code]);
    expect(table(offices).slice(1).map((r) => r[0])).toEqual([`${county.code} 产改办`]);
    expect(new Set(table(tasks).slice(1).map((r) => r[0]))).toEqual(new Set([c.name]));
  });

  test('when a sibling office or a bad version asks for evaluation.xlsx, then it is 404, or 400 naming version', async () => {
    expectProblem(await other.api.get(`/rounds/${round1}/evaluation.xlsx`), 404);
    expectProblem(await city.api.get(`/rounds/${round1}/evaluation.xlsx?version=9`), 404);
    expectProblem(await city.api.get(`/rounds/${round1}/evaluation.xlsx?version=zero`), 400, ['version']);
  });

  test('when a review is corrected after close, then version 2 lists reason, actor and diff, and version 1 stays readable as JSON and xlsx', async () => {
    const before = expectStatus(await city.api.get(`/rounds/${round1}/evaluation`), 200);
    const bBefore = (before.units as EvalUnit[]).find((u) => u.unitCode === b.code)!;
    expect(expectStatus(await city.api.post(`/submissions/${submissions.b1}/review`, { decision: 'accept', score: 20, reason: '复核发现材料不实' }), 200)).toMatchObject({ evaluationVersion: 2 });

    const versions = expectStatus(await city.api.get(`/rounds/${round1}/evaluation/versions`), 200);
    expect(versions).toEqual([
      { version: 1, status: 'final', createdAt: expect.any(String), reason: null, actor: expect.any(String), diff: null },
      { version: 2, status: 'final', createdAt: expect.any(String), reason: '复核发现材料不实', actor: `office:${city.code}`, diff: expect.any(Array) },
    ]);
    const bAfter = (expectStatus(await city.api.get(`/rounds/${round1}/evaluation`), 200).units as EvalUnit[]).find((u) => u.unitCode === b.code)!;
    expect(bAfter.total).toBeLessThan(bBefore.total);
    expect(versions[1].diff).toContainEqual({ unitCode: b.code, total: [bBefore.total, bAfter.total], grade: [bBefore.grade, bAfter.grade], rank: [bBefore.rank, bAfter.rank] });

    const v1 = expectStatus(await city.api.get(`/rounds/${round1}/evaluation?version=1`), 200);
    expect(v1).toMatchObject({ version: 1 });
    expect((v1.units as EvalUnit[]).find((u) => u.unitCode === b.code)!.total).toBe(bBefore.total);
    const { units } = sheets(await workbook(await city.api.get(`/rounds/${round1}/evaluation.xlsx?version=1`)));
    expect(table(units).find((r) => r[1] === b.code)![8]).toBe(bBefore.total);
    const latest = sheets(await workbook(await city.api.get(`/rounds/${round1}/evaluation.xlsx`)));
    expect(table(latest.units).find((r) => r[1] === b.code)![8]).toBe(bAfter.total);
  });

  test('when units and the county list the versions, then each diff names only units they may see', async () => {
    const diffCodes = async (by: Api) => {
      const versions = expectStatus(await by.get(`/rounds/${round1}/evaluation/versions`), 200);
      expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      return (versions[1].diff as Array<{ unitCode: string }>).map((d) => d.unitCode);
    };
    expect(await diffCodes(b.api)).toEqual([b.code]);
    expect(await diffCodes(a.api)).not.toContain(b.code);
    expect(await diffCodes(c.api)).not.toContain(b.code);
    expect(await diffCodes(county.api)).not.toContain(b.code);
    expectProblem(await other.api.get(`/rounds/${round1}/evaluation/versions`), 404);
  });

  test('when an office reads the audit trail of the round, then it sees the correction and the waiver of its own units only', async () => {
    const entries = expectStatus(await city.api.get(`/audit?roundId=${round1}`), 200);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'review.correct', subject: `submission:${submissions.b1}`, actor: `office:${city.code}`, unitCode: b.code, taskCode: t1, roundId: round1, detail: expect.objectContaining({ reason: '复核发现材料不实' }) }),
        expect.objectContaining({ action: 'task.waive', subject: `task:${waivedTask.id}`, unitCode: c.code, taskCode: t2, detail: expect.objectContaining({ reason: '企业停产检修' }) }),
      ]),
    );
    const bySubject = expectStatus(await city.api.get(`/audit?subject=submission:${submissions.b1}`), 200);
    expect(bySubject.map((e: { action: string }) => e.action)).toEqual(['review.correct']);

    const countyEntries = expectStatus(await county.api.get(`/audit?roundId=${round1}`), 200);
    expect(countyEntries.map((e: { unitCode: string }) => e.unitCode)).toEqual([c.code]);
    expect(expectStatus(await county.api.get(`/audit?subject=submission:${submissions.b1}`), 200)).toEqual([]);

    expectProblem(await other.api.get(`/audit?roundId=${round1}`), 404);
    expect(expectStatus(await other.api.get(`/audit?subject=task:${waivedTask.id}`), 200)).toEqual([]);
    expectProblem(await b.api.get(`/audit?roundId=${round1}`), 403);
    // With neither a round nor a subject, the whole subtree's trail a page at a time.
    const page = expectStatus(await county.api.get('/audit?limit=50'), 200);
    expect(page.length).toBeGreaterThan(0);
    expect(new Set(page.map((e: { unitCode: string }) => e.unitCode))).toEqual(new Set([c.code]));
    expectProblem(await city.api.get('/audit?subject=round:1'), 400, ['subject']);
  });

  test('when the office asks for the period\'s burden, then each unit counts tasks, questionnaire windows and notices over both rounds, most burdened first', async () => {
    const burden = expectStatus(await city.api.get(`/burden?period=${PERIOD}`), 200);
    // a: 2 + 1 tasks, 2 windows, 2 observer notices and 1 escalation notice; c: 2 + 1 tasks, 2 windows; b: 2 tasks, 2 windows.
    expect(burden).toEqual({
      period: PERIOD,
      units: [
        { unitCode: a.code, unitName: a.name, officeCode: city.code, rounds: 2, tasks: 3, questionnaires: 2, notices: 3, evidence: NONE, total: 8 },
        { unitCode: c.code, unitName: c.name, officeCode: county.code, rounds: 2, tasks: 3, questionnaires: 2, notices: 0, evidence: NONE, total: 5 },
        { unitCode: b.code, unitName: b.name, officeCode: city.code, rounds: 1, tasks: 2, questionnaires: 2, notices: 0, evidence: NONE, total: 4 },
      ],
    });
    expect(expectStatus(await county.api.get(`/burden?period=${PERIOD}`), 200).units.map((u: { unitCode: string }) => u.unitCode)).toEqual([c.code]);
    expect(expectStatus(await other.api.get(`/burden?period=${PERIOD}`), 200).units).toEqual([]);
    expect(expectStatus(await city.api.get('/burden?period=2030Q1'), 200)).toEqual({ period: '2030Q1', units: [] });
    expectProblem(await a.api.get(`/burden?period=${PERIOD}`), 403);
    expectProblem(await city.api.get('/burden'), 400, ['period']);
  });

  test('when the office reads one round\'s evaluation, then each unit row carries that round\'s burden; a unit\'s row carries none', async () => {
    const evaluation = expectStatus(await city.api.get(`/rounds/${round1}/evaluation`), 200);
    const burdenOf = (code: string) => (evaluation.units as EvalUnit[]).find((u) => u.unitCode === code)!.burden;
    expect(burdenOf(a.code)).toEqual({ tasks: 2, questionnaires: 2, notices: 3, evidence: NONE });
    expect(burdenOf(b.code)).toEqual({ tasks: 2, questionnaires: 2, notices: 0, evidence: NONE });
    expect(burdenOf(c.code)).toEqual({ tasks: 2, questionnaires: 2, notices: 0, evidence: NONE });
    const second = expectStatus(await city.api.get(`/rounds/${round2}/evaluation`), 200);
    expect((second.units as EvalUnit[]).map((u) => [u.unitCode, u.burden]).sort()).toEqual(
      [[a.code, { tasks: 1, questionnaires: 0, notices: 0, evidence: NONE }], [c.code, { tasks: 1, questionnaires: 0, notices: 0, evidence: NONE }]].sort(),
    );
    const own = expectStatus(await b.api.get(`/rounds/${round1}/evaluation`), 200);
    expect(own.units).toHaveLength(1);
    expect(own.units[0]).not.toHaveProperty('burden');
  });
});
