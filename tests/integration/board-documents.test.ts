import { seedBoardRound, type BoardRound } from './support/board';
import { readDocxBytes } from './support/docx';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office } from './support/fixtures';
import { expectProblem, expectStatus, type Reply } from './support/http';
import { launchRound, waitForRound, waitUntilIssued } from './support/rounds';
import { submitAndAccept } from './support/tasks';

let round: BoardRound;

beforeAll(async () => {
  round = await seedBoardRound();
});

/** The document's paragraphs' text, and each table as rows of cell texts. */
async function readDocx(reply: Reply) {
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  return readDocxBytes(reply.bytes);
}

describe('the 督查通报 of a round', () => {
  it('when the city office downloads the bulletin, then it has the title, the offices\' completion, every unit of its subtree with its light, the red list and the escalations, and nothing of the sibling office', async () => {
    const reply = await round.city.api.get(`/rounds/${round.id}/bulletin.docx`);
    expect(reply.headers.get('content-disposition')).toContain('.docx');
    const doc = await readDocx(reply);
    expect(doc.text).toContain('关于2026年11月产改重点任务专项督查情况的通报');
    expect(doc.text).toMatch(/〔\d{4}〕 +号/);
    expect(doc.text).toContain('试点单位4家、任务12项');
    expect(doc.text).toContain('红灯单位1家、黄灯1家、蓝灯1家、绿灯1家');
    expect(doc.text).toMatch(/[〇一二三四五六七八九]{4}年[一二三四五六七八九十]+月[一二三四五六七八九十]+日$/);

    const [byOffice, byUnit, redList, escalations] = doc.tables;
    expect(byOffice[0]).toEqual(['产改办', '单位数', '任务数', '已通过', '待审核', '退回', '逾期', '完成率', '红灯', '黄灯', '蓝灯', '绿灯']);
    expect(byOffice.slice(1)).toEqual([[`${round.city.code} 产改办`, '4', '12', '3', '1', '1', '1', '25.0%', '1', '1', '1', '1']]);
    expect(byUnit.slice(1).map((r) => [r[0], r[2]])).toEqual([
      [round.units.red.name, '红灯'],
      [round.units.yellow.name, '黄灯'],
      [round.units.blue.name, '蓝灯'],
      [round.units.green.name, '绿灯'],
    ]);
    expect(byUnit[1]).toEqual([round.units.red.name, `${round.city.code} 产改办`, '红灯', '3', '0', '0', '0', '1', '1', '催办']);
    expect(redList.slice(1)).toEqual([['1', round.units.red.name, '1', '催办']]);
    expect(escalations[0]).toEqual(['单位', '任务', '到期日', '层级', '发出日期']);
    expect(escalations.slice(1).map((r) => r[0])).toContain(round.units.red.name);
    expect(doc.text).not.toContain(round.foreign.name);
    expect(doc.text).not.toContain(round.sibling.code);
  });

  it('when the province downloads the bulletin, then both city offices and their units are in it', async () => {
    const doc = await readDocx(await root().get(`/rounds/${round.id}/bulletin.docx`));
    expect(doc.text).toContain(round.foreign.name);
    expect(doc.text).toContain('红灯单位2家');
    expect(doc.tables[0].slice(1).map((r) => r[0])).toEqual(expect.arrayContaining([`${round.city.code} 产改办`, `${round.sibling.code} 产改办`]));
  });
});

describe('the 督办单 for one unit', () => {
  it('when the city office downloads a unit\'s notice, then it lists that unit\'s overdue and returned tasks with due dates, the issuing office and the date', async () => {
    const red = await readDocx(await round.city.api.get(`/rounds/${round.id}/units/${round.units.red.code}/notice.docx`));
    expect(red.text).toContain('督  办  单');
    expect(red.text).toContain(`${round.units.red.name}：`);
    expect(red.text).toContain(`督办单位：${round.city.code} 产改办`);
    expect(red.tables).toHaveLength(1);
    expect(red.tables[0][0]).toEqual(['序号', '任务', '类别', '状态', '到期日', '督办层级']);
    expect(red.tables[0].slice(1)).toEqual([['1', `任务 ${round.templates.overdue}`, '思想引领', '已逾期', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), '催办']]);

    const yellow = await readDocx(await round.city.api.get(`/rounds/${round.id}/units/${round.units.yellow.code}/notice.docx`));
    expect(yellow.tables[0].slice(1).map((r) => [r[1], r[3]])).toEqual([[`任务 ${round.templates.later}`, '退回整改']]);

    const green = await readDocx(await round.city.api.get(`/rounds/${round.id}/units/${round.units.green.code}/notice.docx`));
    expect(green.tables).toEqual([]);
    expect(green.text).toContain('没有逾期或退回整改的任务');
  });

  it('when an office asks for a notice of a unit outside its subtree, or a unit token asks, then it is 404 or 403 and no document', async () => {
    expectProblem(await round.city.api.get(`/rounds/${round.id}/units/${round.foreign.code}/notice.docx`), 404);
    expectProblem(await round.units.red.api.get(`/rounds/${round.id}/units/${round.units.red.code}/notice.docx`), 403);
    expectProblem(await round.city.api.get(`/rounds/00000000-0000-4000-8000-000000000000/bulletin.docx`), 404);
    const sibling = await readDocx(await round.sibling.api.get(`/rounds/${round.id}/bulletin.docx`));
    expect(sibling.text).toContain(round.foreign.name);
    for (const unit of Object.values(round.units)) expect(sibling.text).not.toContain(unit.name);
  });
});

describe('the grades of a closed round in the 督查通报', () => {
  const GRADE_CN: Record<string, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
  interface EvalUnit { unitCode: string; unitName: string; total: number; grade: string; rank: number }
  let city: Office, county: Office;
  let closed: string;

  beforeAll(async () => {
    city = await createOffice(root(), 'city');
    county = await createOffice(city.api, 'county', city.code);
    const [a, b, c] = await Promise.all([createUnitWithToken(city.api, city.code), createUnitWithToken(city.api, city.code), createUnitWithToken(city.api, city.code)]);
    const d = await createUnitWithToken(county.api, county.code);
    const [t1, t2] = (await Promise.all([createTaskTemplate(city.api), createTaskTemplate(city.api)])).map((t) => t.code);
    closed = await launchRound(city.api, [a.code, b.code, c.code, d.code], [t1, t2]);
    await waitUntilIssued(city.api, closed);
    // Both tasks done well, one task done, nothing done, both done poorly: the grades differ.
    await submitAndAccept(a.api, city.api, closed, t1, 100);
    await submitAndAccept(a.api, city.api, closed, t2, 98);
    await submitAndAccept(b.api, city.api, closed, t1, 90);
    await submitAndAccept(d.api, city.api, closed, t1, 62);
    await submitAndAccept(d.api, city.api, closed, t2, 60);
    expectStatus(await city.api.post(`/rounds/${closed}/close`), 202);
    await waitForRound(city.api, closed, (r) => r.status === 'closed', 'closed');
  }, 120_000);

  it.each([
    ['city', () => city],
    ['county', () => county],
  ])('when the %s office downloads the bulletin of the closed round, then its grade counts and ranked table match GET /evaluation as that office reads it', async (_, office) => {
    const evaluation: { status: string; units: EvalUnit[] } = expectStatus(await office().api.get(`/rounds/${closed}/evaluation`), 200);
    expect(evaluation.status).toBe('final');
    const doc = await readDocx(await office().api.get(`/rounds/${closed}/bulletin.docx`));

    expect(doc.text).toContain('五、考核结果');
    const count = (g: string) => evaluation.units.filter((u) => u.grade === g).length;
    expect(doc.text).toContain(`本轮考核优秀${count('excellent')}家、良好${count('good')}家、合格${count('pass')}家、不合格${count('fail')}家。`);

    const grades = doc.tables.find((t) => t[0].join() === '排名,单位,总分,等次')!;
    expect(grades).toBeDefined();
    const expected = [...evaluation.units].sort((x, y) => x.rank - y.rank).map((u) => [String(u.rank), u.unitName, u.total.toFixed(2), GRADE_CN[u.grade]]);
    expect(grades.slice(1)).toEqual(expected);
  });

  it('when the city reads it, then the round has units in more than one grade, ranked 1 to 4', async () => {
    const evaluation: { units: EvalUnit[] } = expectStatus(await city.api.get(`/rounds/${closed}/evaluation`), 200);
    expect(new Set(evaluation.units.map((u) => u.grade)).size).toBeGreaterThan(1);
    expect(evaluation.units.map((u) => u.rank).sort()).toEqual([1, 2, 3, 4]);
    const countyDoc = await readDocx(await county.api.get(`/rounds/${closed}/bulletin.docx`));
    expect(countyDoc.tables.find((t) => t[0].join() === '排名,单位,总分,等次')!.slice(1)).toHaveLength(1);
  });

  it('when the round is still open, then the bulletin has no grades section', async () => {
    const open = await readDocx(await round.city.api.get(`/rounds/${round.id}/bulletin.docx`));
    expect(open.text).not.toContain('考核结果');
  });
});
