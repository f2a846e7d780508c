import { findWorkday, isWorkday } from 'chinese-days';
import { sql } from './support/db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { getRound, launchRound, waitForRound, waitUntilIssued, type RoundCounts } from './support/rounds';
import { SUMMARY, myTask as findMyTask, submitAndAccept, submitTask, type TaskView } from './support/tasks';

// One round told as a story: each test is the next step a user takes, so they run in order.
type UnitClient = Unit & { api: Api };

const EVIDENCE = [SUMMARY, { kind: 'documents', title: '制度文件汇编', uri: 'https://example.org/docs.pdf' }];
const shanghaiDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

let city: Office;
let a: UnitClient, b: UnitClient, c: UnitClient, d: UnitClient;
let reportTpl: Awaited<ReturnType<typeof createTaskTemplate>>;
let plainTpl: Awaited<ReturnType<typeof createTaskTemplate>>;
let roundId: string;
const submissions: Record<string, string> = {};

const counts = async (): Promise<RoundCounts> => (await getRound(city.api, roundId)).counts;
const zeroCounts = { units: 4, tasks: 8, issued: 8, submitted: 0, accepted: 0, returned: 0, overdue: 0, waived: 0, escalated: 0 };

const myTask = (unit: UnitClient, templateCode: string) => findMyTask(unit.api, roundId, templateCode);
const submit = (unit: UnitClient, taskId: string, key: string, evidence = EVIDENCE) => submitTask(unit.api, taskId, key, evidence);

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => createUnitWithToken(city.api, city.code)));
  reportTpl = await createTaskTemplate(city.api, { evidence: ['summary', 'documents'], weight: 40, dueWorkingDays: 10 });
  plainTpl = await createTaskTemplate(city.api, { weight: 60, dueWorkingDays: 15 });
});

describe('a supervision round from launch to a corrected evaluation', () => {
  test('when an office launches a round for four units with two templates, then it answers 202 and every task list is issued', async () => {
    roundId = await launchRound(city.api, [a, b, c, d].map((u) => u.code), [reportTpl.code, plainTpl.code]);
    const round = await waitUntilIssued(city.api, roundId);
    expect(round).toMatchObject({ status: 'open', counts: zeroCounts });
  });

  test('when a unit lists its tasks, then it sees only its own, due on a Chinese working day counted from the launch', async () => {
    const launchDate = shanghaiDate((await getRound(city.api, roundId)).launchedAt);
    const all: TaskView[] = expectStatus(await a.api.get('/me/tasks'), 200);
    expect(all.every((t) => t.unitCode === a.code)).toBe(true);
    const tasks: TaskView[] = expectStatus(await a.api.get(`/me/tasks?roundId=${roundId}`), 200);
    expect(tasks.map((t) => t.code).sort()).toEqual([reportTpl.code, plainTpl.code].sort());
    for (const [tpl, task] of [reportTpl, plainTpl].map((tpl) => [tpl, tasks.find((t) => t.code === tpl.code)!] as const)) {
      expect(task).toMatchObject({ status: 'issued', evidenceRequired: tpl.evidence, dueDate: findWorkday(tpl.dueWorkingDays, launchDate) });
      expect(isWorkday(task.dueDate)).toBe(true);
      expect(task.dueDate > launchDate).toBe(true);
    }
  });

  test('when a submission lacks a required evidence kind, then it answers 422 naming evidence and nothing is written', async () => {
    const task = await myTask(a, reportTpl.code);
    const reply = await submit(a, task.id, 'missing-docs', [EVIDENCE[0]]);
    expectProblem(reply, 422, ['evidence']);
    expect(reply.body.errors[0].message).toContain('documents');
    expect((await myTask(a, reportTpl.code)).status).toBe('issued');
    expect(await counts()).toEqual(zeroCounts);
    expect(await sql('SELECT id FROM submissions WHERE task_id = $1', [task.id])).toEqual([]);
  });

  test('when a unit submits to another unit\'s task, then it answers 404 and nothing is written', async () => {
    const task = await myTask(a, reportTpl.code);
    expectProblem(await submit(b, task.id, 'not-mine'), 404);
    expect((await myTask(a, reportTpl.code)).status).toBe('issued');
    expect(await sql('SELECT id FROM submissions WHERE task_id = $1', [task.id])).toEqual([]);
  });

  test('when a unit sends the same Idempotency-Key twice, then both answers carry the same submission and only one is recorded', async () => {
    const task = await myTask(a, reportTpl.code);
    const first = expectStatus(await submit(a, task.id, 'report-1'), 201);
    const second = expectStatus(await submit(a, task.id, 'report-1'), 201);
    expect(first).toEqual({ submissionId: expect.any(String), taskStatus: 'submitted' });
    expect(second.submissionId).toBe(first.submissionId);
    submissions.first = first.submissionId;
    expect(await counts()).toEqual({ ...zeroCounts, submitted: 1 });
    expect(await sql('SELECT id FROM submissions WHERE task_id = $1', [task.id])).toHaveLength(1);
  });

  test('when the office accepts without a score, then it answers 400 naming score and the task stays submitted', async () => {
    expectProblem(await city.api.post(`/submissions/${submissions.first}/review`, { decision: 'accept' }), 400, ['score']);
    expect((await myTask(a, reportTpl.code)).status).toBe('submitted');
  });

  test('when the office returns the submission for rework, then the task is returned', async () => {
    expect(expectStatus(await city.api.post(`/submissions/${submissions.first}/review`, { decision: 'return', comment: '缺少数据支撑' }), 200)).toMatchObject({ taskStatus: 'returned' });
    expect((await myTask(a, reportTpl.code)).status).toBe('returned');
    expect(await counts()).toEqual({ ...zeroCounts, returned: 1 });
  });

  test('when the unit resubmits with a new key, then the task is submitted again under a new submission', async () => {
    const task = await myTask(a, reportTpl.code);
    const again = expectStatus(await submit(a, task.id, 'report-2'), 201);
    expect(again.submissionId).not.toBe(submissions.first);
    submissions.second = again.submissionId;
    expect((await myTask(a, reportTpl.code)).status).toBe('submitted');
    expect(await counts()).toEqual({ ...zeroCounts, submitted: 1 });
  });

  test('when the office accepts with a score, then the task is accepted', async () => {
    expect(expectStatus(await city.api.post(`/submissions/${submissions.second}/review`, { decision: 'accept', score: 80 }), 200)).toMatchObject({ taskStatus: 'accepted' });
    expect((await myTask(a, reportTpl.code)).status).toBe('accepted');
    expect(await counts()).toEqual({ ...zeroCounts, accepted: 1 });
  });

  test('when the unit submits to the accepted task again, then it answers 409 and the task stays accepted', async () => {
    const task = await myTask(a, reportTpl.code);
    expectProblem(await submit(a, task.id, 'report-3'), 409);
    expect((await myTask(a, reportTpl.code)).status).toBe('accepted');
    expect(await sql('SELECT id FROM submissions WHERE task_id = $1', [task.id])).toHaveLength(2);
  });

  test('when more submissions are accepted, then the counts follow', async () => {
    await submitAndAccept(a.api, city.api, roundId, plainTpl.code, 90);
    submissions.b = await submitAndAccept(b.api, city.api, roundId, plainTpl.code, 70);
    expect(await counts()).toEqual({ ...zeroCounts, accepted: 3 });
  });

  test('when the office closes the round, then it answers 202 and the round becomes closed', async () => {
    expect(expectStatus(await city.api.post(`/rounds/${roundId}/close`), 202)).toEqual({ id: roundId, status: 'closing' });
    const round = await waitForRound(city.api, roundId, (r) => r.status === 'closed', 'closed');
    expect(round.counts).toEqual({ ...zeroCounts, accepted: 3 });
  });

  // By hand from domain/scoring.ts, with no questionnaire: satisfaction hands its 20 to the rest (weights 40/20/20 of 80).
  // A: both accepted on time, scores 80 and 90 -> (100*40 + 100*20 + 85*20) / 80 = 96.25, excellent.
  // B: the weight-60 task accepted, 1 of 2 on time, score 70 -> (60*40 + 50*20 + 70*20) / 80 = 60, pass (the band's lower edge).
  // C, D: nothing accepted -> 0, fail, sharing rank 3.
  const expected = () => [
    { unitCode: a.code, unitName: a.name, scores: { completion: 100, timeliness: 100, quality: 85, satisfaction: null, penalty: 0 }, total: 96.25, grade: 'excellent', rank: 1 },
    { unitCode: b.code, unitName: b.name, scores: { completion: 60, timeliness: 50, quality: 70, satisfaction: null, penalty: 0 }, total: 60, grade: 'pass', rank: 2 },
    ...[c, d].sort((x, y) => x.code.localeCompare(y.code)).map((u) => ({
      unitCode: u.code, unitName: u.name, scores: { completion: 0, timeliness: 0, quality: null, satisfaction: null, penalty: 0 }, total: 0, grade: 'fail', rank: 3,
    })),
  ];

  test('when the office reads the evaluation, then it is final version 1 with each unit scored by the rubric', async () => {
    const evaluation = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);
    expect(evaluation).toMatchObject({ status: 'final', version: 1 });
    expect(evaluation.units).toEqual(expected().map((u) => expect.objectContaining(u)));
    expect(evaluation.offices).toEqual([
      expect.objectContaining({ officeCode: city.code, units: 4, mean: 39.06, grades: { excellent: 1, good: 0, pass: 1, fail: 2 } }),
    ]);
  });

  test('when the office downloads evaluation.csv, then it has a UTF-8 BOM, the Chinese headers and a row per unit', async () => {
    const reply = await city.api.get(`/rounds/${roundId}/evaluation.csv`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/csv');
    expect([...reply.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = reply.text.slice(1).trim().split(/\r?\n/);
    expect(header.split(',').slice(0, 9)).toEqual(['单位', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名']);
    expect(rows).toHaveLength(4);
    expect(rows[0].split(',').slice(0, 9)).toEqual([a.name, '100.00', '100.00', '85.00', '', '0.00', '96.25', '优秀', '1']);
  });

  test('when a unit reads the evaluation and the csv, then it sees its own row only', async () => {
    const evaluation = expectStatus(await b.api.get(`/rounds/${roundId}/evaluation`), 200);
    expect(evaluation.units).toEqual([expect.objectContaining(expected()[1])]);
    expect(evaluation.offices).toEqual([]);
    const csv = (await b.api.get(`/rounds/${roundId}/evaluation.csv`)).text;
    const rows = csv.trim().split(/\r?\n/).slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(b.name);
  });

  test('when a unit\'s past results are listed, then the round is there with its total and grade', async () => {
    expect(expectStatus(await b.api.get(`/units/${b.code}/evaluations`), 200)).toEqual([expect.objectContaining({ roundId, version: 1, total: 60, grade: 'pass', rank: 2 })]);
  });

  test('when anyone acts on the closed round, then it answers 409 and nothing changes', async () => {
    expectProblem(await city.api.post(`/rounds/${roundId}/close`), 409);
    expectProblem(await city.api.post(`/rounds/${roundId}/cancel`), 409);
    const open = await myTask(c, plainTpl.code);
    expectProblem(await submit(c, open.id, 'too-late'), 409);
    expectProblem(await city.api.post(`/tasks/${open.id}/waive`, { reason: '已撤销' }), 409);
    expectProblem(await city.api.post(`/tasks/${open.id}/extension`, { dueDate: findWorkday(30), reason: '延期' }), 409);
    expect(await myTask(c, plainTpl.code)).toEqual(open);
    expect((await getRound(city.api, roundId)).status).toBe('closed');
  });

  test('when a review is corrected after close without a reason, then it answers 400 naming reason', async () => {
    expectProblem(await city.api.post(`/submissions/${submissions.b}/review`, { decision: 'accept', score: 30 }), 400, ['reason']);
  });

  test('when a review is corrected after close with a reason, then evaluation version 2 has the new numbers and version 1 stays readable', async () => {
    const corrected = expectStatus(await city.api.post(`/submissions/${submissions.b}/review`, { decision: 'accept', score: 30, reason: '复核发现材料不实' }), 200);
    expect(corrected).toMatchObject({ taskStatus: 'accepted', evaluationVersion: 2 });
    // B: (60*40 + 50*20 + 30*20) / 80 = 50, fail.
    const latest = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);
    expect(latest).toMatchObject({ status: 'final', version: 2 });
    expect(latest.units.find((u: { unitCode: string }) => u.unitCode === b.code)).toMatchObject({ scores: { quality: 30 }, total: 50, grade: 'fail', rank: 2 });
    const first = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation?version=1`), 200);
    expect(first).toMatchObject({ version: 1 });
    expect(first.units).toEqual(expected().map((u) => expect.objectContaining(u)));
    expect(expectStatus(await b.api.get(`/units/${b.code}/evaluations`), 200)).toEqual([expect.objectContaining({ roundId, version: 2, total: 50, grade: 'fail' })]);
  });
});
