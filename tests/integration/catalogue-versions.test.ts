import { createOffice, createTaskTemplate, createUnitWithToken, root, uniqueCode, type Office, type Unit } from './support/fixtures';
import { expectProblem, expectStatus, type Api } from './support/http';
import { waitFor } from './support/poll';
import { getRound, roundBody, waitForRound, waitUntilIssued } from './support/rounds';
import { submitAndAccept } from './support/tasks';

// 江苏产改: two versions of one catalogue told in order. 2025 renames, splits, merges and retires
// items of 2024 and adds one; a round runs on each; the trend reads 2024's results into 2025.
type UnitClient = Unit & { api: Api };

let province: Office, child: Office, sibling: Office;
let a: UnitClient, b: UnitClient, outsider: UnitClient;
let code: string;
let round2024: string, round2025: string;

const task = { category: '政治建设', evidence: ['summary'], weight: 10, dueWorkingDays: 10 };
const point = (c: string, parentCode: string, title: string) => ({ code: c, level: 'point', parentCode, title, task });

const V2024 = [
  { code: 'P1', level: 'programme', title: '政治建设工程' },
  { code: 'M1', level: 'measure', parentCode: 'P1', title: '加强思想政治引领' },
  point('p-101', 'M1', '职工思想政治工作进班组'),
  point('p-102', 'M1', '劳模创新工作室“双创双提升”'),
  { code: 'P2', level: 'programme', title: '赋能成长工程' },
  { code: 'M2', level: 'measure', parentCode: 'P2', title: '提升产业工人技能素质' },
  point('p-201', 'M2', '技能竞赛'),
  point('p-202', 'M2', '职业技能等级自主认定'),
  point('p-203', 'M2', '技能津贴与职称挂钩'),
  { code: 'P3', level: 'programme', title: '维权服务工程' },
  { code: 'M3', level: 'measure', parentCode: 'P3', title: '维护产业工人合法权益' },
  point('p-301', 'M3', '区域集体合同'),
  point('p-302', 'M3', '共享职工之家'),
];

const V2025 = [
  { code: 'P1', level: 'programme', title: '政治建设工程' },
  { code: 'M1', level: 'measure', parentCode: 'P1', title: '加强思想政治引领' },
  point('p-101', 'M1', '职工思想政治工作进班组'),
  point('p-102a', 'M1', '劳模创新工作室建设'),
  point('p-102b', 'M1', '“双创双提升”成果推广'),
  { code: 'P2', level: 'programme', title: '赋能成长工程' },
  { code: 'M2', level: 'measure', parentCode: 'P2', title: '提升产业工人技能素质' },
  point('p-201r', 'M2', '劳动和技能竞赛'),
  point('p-2m', 'M2', '技能评价与激励'),
  { code: 'P3', level: 'programme', title: '维权服务工程' },
  { code: 'M3', level: 'measure', parentCode: 'P3', title: '维护产业工人合法权益' },
  point('p-302', 'M3', '共享职工之家'),
  point('p-401', 'M3', '“求学圆梦”学历提升'),
];

const CROSSWALK = [
  { from: 'p-102', to: ['p-102a', 'p-102b'], change: 'split' },
  { from: 'p-201', to: ['p-201r'], change: 'renamed' },
  { from: 'p-202', to: ['p-2m'], change: 'merged' },
  { from: 'p-203', to: ['p-2m'], change: 'merged' },
  { from: 'p-301', to: [], change: 'retired' },
];

const versionsOf = async (by: Api) => (expectStatus(await by.get('/catalogues'), 200) as Array<{ code: string; versions: Array<{ version: string }> }>).find((c) => c.code === code)?.versions.map((v) => v.version);
const pinnedTasks = (version: string, codes: string[]) => codes.map((c) => `${code}/${version}/${c}`);

beforeAll(async () => {
  province = await createOffice(root(), 'city');
  child = await createOffice(province.api, 'county');
  sibling = await createOffice(root(), 'city');
  [a, b] = await Promise.all([1, 2].map(() => createUnitWithToken(province.api, province.code)));
  outsider = await createUnitWithToken(sibling.api, sibling.code);
  code = uniqueCode('js-cg');
});

describe('catalogue versions and crosswalks', () => {
  test('when an office starts a catalogue and publishes its first version, then the version lists its tree and each point\'s task', async () => {
    expect(expectStatus(await province.api.post('/catalogues', { code, title: '新时代江苏产业工人队伍建设改革重点任务清单' }), 201)).toMatchObject({ code, officeCode: province.code, versions: [] });
    expectProblem(await province.api.post('/catalogues', { code, title: '重复' }), 409);
    expectProblem(await province.api.post(`/catalogues/${code}/versions`, { version: '2024', items: V2024, crosswalk: [{ from: 'p-101', to: ['p-101'], change: 'same' }] }), 400, ['crosswalk']);
    const v = expectStatus(await province.api.post(`/catalogues/${code}/versions`, { version: '2024', title: '2024年版', items: V2024 }), 201);
    expect(v).toMatchObject({ catalogueCode: code, version: '2024', seq: 1, previousVersion: null, crosswalk: [] });
    expect(v.items).toHaveLength(V2024.length);
    expect(v.items.find((i: { code: string }) => i.code === 'p-101')).toMatchObject({ level: 'point', parentCode: 'M1', task: { templateCode: `${code}/2024/p-101`, weight: 10 } });
    expect(v.items.find((i: { code: string }) => i.code === 'M1').task).toBeNull();
  });

  test('when the next version leaves out an item that does not survive, points at an unknown item, retires with targets or breaks the tree, then it answers 400 naming each and nothing is published', async () => {
    const missing = await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: V2025, crosswalk: CROSSWALK.filter((e) => e.from !== 'p-301') });
    expectProblem(missing, 400, ['crosswalk']);
    expect(missing.body.errors[0].message).toContain('p-301');
    const wrong = [...CROSSWALK.slice(0, 4), { from: 'p-301', to: ['p-302'], change: 'retired' }, { from: 'p-999', to: ['nowhere'], change: 'renamed' }];
    expectProblem(await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: V2025, crosswalk: wrong }), 400, ['crosswalk.4.to', 'crosswalk.5.from', 'crosswalk.5.to.0']);
    const badTree = [...V2025, point('p-x', 'P1', '挂在工程下的政策点'), { ...point('p-y', 'M1', '措施下的任务'), code: 'M9', level: 'measure', parentCode: 'P1' }];
    expectProblem(await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: badTree, crosswalk: CROSSWALK }), 400, ['items.13.parentCode', 'items.14.task']);
    expectProblem(await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: V2025, crosswalk: [{ from: 'p-201', to: ['p-201r'], change: 'bent' }] }), 400, ['crosswalk.0.change']);
    expect(await versionsOf(province.api)).toEqual(['2024']);
  });

  test('when the office publishes 2025 with renames, a split, a merge and a retirement, then the crosswalk accounts for every 2024 item', async () => {
    const v = expectStatus(await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: V2025, crosswalk: CROSSWALK }), 201);
    expect(v).toMatchObject({ version: '2025', seq: 2, previousVersion: '2024' });
    const walk = expectStatus(await province.api.get(`/catalogues/${code}/versions/2025/crosswalk`), 200);
    expect(walk.entries).toHaveLength(V2024.length);
    expect(walk.entries).toEqual(expect.arrayContaining([
      { from: 'p-102', to: ['p-102a', 'p-102b'], change: 'split', stated: true },
      { from: 'p-301', to: [], change: 'retired', stated: true },
      { from: 'p-302', to: ['p-302'], change: 'same', stated: false },
      { from: 'M2', to: ['M2'], change: 'same', stated: false },
    ]));
    expectProblem(await province.api.post(`/catalogues/${code}/versions`, { version: '2025', items: V2025 }), 409);
    expect(await versionsOf(province.api)).toEqual(['2024', '2025']);
  });

  test('when rounds are launched pinned to each version, then each issues its points and shows the pin; unknown pins and points are refused', async () => {
    expectProblem(await province.api.post('/rounds', roundBody([a.code], ['p-101'], { catalogue: { code, version: '2023' } })), 400, ['catalogue.version']);
    expectProblem(await province.api.post('/rounds', roundBody([a.code], ['p-102a', 'M1'], { catalogue: { code, version: '2024' } })), 400, ['tasks.0.templateCode', 'tasks.1.templateCode']);
    expectProblem(await sibling.api.post('/rounds', roundBody([outsider.code], ['p-101'], { catalogue: { code, version: '2024' } })), 400, ['catalogue.version']);

    const points2024 = V2024.filter((i) => i.level === 'point').map((i) => i.code);
    round2024 = expectStatus(await province.api.post('/rounds', roundBody([a.code, b.code], points2024, { period: '2024', catalogue: { code, version: '2024' } })), 202).id;
    const points2025 = V2025.filter((i) => i.level === 'point').map((i) => i.code);
    round2025 = expectStatus(await province.api.post('/rounds', roundBody([a.code], points2025, { period: '2025', catalogue: { code, version: '2025' } })), 202).id;
    await waitUntilIssued(province.api, round2024);
    await waitUntilIssued(province.api, round2025);
    expect(await getRound(province.api, round2024)).toMatchObject({ catalogue: { code, version: '2024' }, counts: { tasks: 14 } });
    const mine = expectStatus(await a.api.get(`/me/tasks?roundId=${round2025}`), 200) as Array<{ code: string; title: string }>;
    expect(mine.map((t) => t.code).sort()).toEqual(pinnedTasks('2025', points2025).sort());
    expect(mine.find((t) => t.code.endsWith('/p-2m'))?.title).toBe('技能评价与激励');

    for (const [c, score] of [['p-101', 80], ['p-102', 70], ['p-201', 60], ['p-202', 90], ['p-203', 70], ['p-301', 85]] as const) await submitAndAccept(a.api, province.api, round2024, `${code}/2024/${c}`, score);
    await submitAndAccept(b.api, province.api, round2024, `${code}/2024/p-101`, 100);
    for (const [c, score] of [['p-101', 90], ['p-102a', 75], ['p-201r', 65], ['p-2m', 95], ['p-401', 50]] as const) await submitAndAccept(a.api, province.api, round2025, `${code}/2025/${c}`, score);
  });

  test('when a unit reads its trend in 2025\'s terms, then each item compares like for like through renames and says split, merged or noCounterpart', async () => {
    const trend = expectStatus(await a.api.get(`/units/${a.code}/trend?catalogue=${code}`), 200);
    expect(trend).toMatchObject({ catalogueCode: code, version: '2025', unitCode: a.code });
    expect(trend.rounds.map((r: { roundId: string; version: string }) => [r.roundId, r.version])).toEqual([[round2024, '2024'], [round2025, '2025']]);
    const item = (c: string) => trend.items.find((i: { code: string }) => i.code === c).results.map((r: { comparable: string; score: number | null; counterparts: Array<{ code: string }> }) => [r.comparable, r.score, r.counterparts.map((x) => x.code)]);
    expect(item('p-101')).toEqual([['like-for-like', 80, ['p-101']], ['like-for-like', 90, ['p-101']]]);
    expect(item('p-201r')).toEqual([['like-for-like', 60, ['p-201']], ['like-for-like', 65, ['p-201r']]]);
    expect(item('p-102a')).toEqual([['split', 70, ['p-102']], ['like-for-like', 75, ['p-102a']]]);
    expect(item('p-102b')).toEqual([['split', 70, ['p-102']], ['like-for-like', null, ['p-102b']]]);
    expect(item('p-2m')).toEqual([['merged', 80, ['p-202', 'p-203']], ['like-for-like', 95, ['p-2m']]]);
    expect(item('p-401')).toEqual([['noCounterpart', null, []], ['like-for-like', 50, ['p-401']]]);
    // A measure rolls up the points below it in each round's own version: 2024's M2 is p-201, p-202, p-203.
    expect(item('M2')[0]).toEqual(['like-for-like', 73.33, ['M2']]);
    const retired = trend.retired.find((r: { code: string }) => r.code === 'p-301');
    expect(retired).toMatchObject({ version: '2024' });
    expect(retired.results.map((r: { comparable: string; score: number | null }) => [r.comparable, r.score])).toEqual([['like-for-like', 85], ['noCounterpart', null]]);
    expect(trend.items.find((i: { code: string }) => i.code === 'p-401').results[0].note).toContain('no counterpart in 2024');
  });

  test('when the trend is read in 2024\'s terms, then 2025\'s split parts combine and the merged item stands for each part', async () => {
    const trend = expectStatus(await province.api.get(`/units/${a.code}/trend?catalogue=${code}&version=2024`), 200);
    const later = (c: string) => trend.items.find((i: { code: string }) => i.code === c).results[1];
    expect(later('p-102')).toMatchObject({ comparable: 'split', score: 75, counterparts: [{ code: 'p-102a' }, { code: 'p-102b' }] });
    expect(later('p-202')).toMatchObject({ comparable: 'merged', score: 95 });
    expect(later('p-301')).toMatchObject({ comparable: 'noCounterpart', score: null });
    expect(trend.retired.map((r: { code: string }) => r.code)).toEqual(['p-401']);
  });

  test('when the office reads the catalogue\'s results, then each item is the mean over its units per round, through the same crosswalks', async () => {
    const results = expectStatus(await province.api.get(`/catalogues/${code}/results`), 200);
    const p101 = results.items.find((i: { code: string }) => i.code === 'p-101').results;
    expect(p101.map((r: { score: number | null }) => r.score)).toEqual([90, 90]);
    const p1 = results.items.find((i: { code: string }) => i.code === 'P1').results;
    expect(p1[0]).toMatchObject({ comparable: 'like-for-like', score: 83.33 });
    expectProblem(await province.api.get(`/catalogues/${code}/results?version=1999`), 404);
  });

  test('when offices elsewhere, a child office and units ask, then they see only what is theirs', async () => {
    expectProblem(await sibling.api.get(`/catalogues/${code}/versions/2024`), 404);
    expectProblem(await sibling.api.post(`/catalogues/${code}/versions`, { version: '2026', items: V2025 }), 404);
    expect(await versionsOf(sibling.api)).toBeUndefined();
    expectProblem(await sibling.api.get(`/units/${a.code}/trend?catalogue=${code}`), 404);
    expectProblem(await sibling.api.get(`/catalogues/${code}/results`), 404);

    expect(expectStatus(await child.api.get(`/catalogues/${code}/versions/2025`), 200).version).toBe('2025');
    expectProblem(await child.api.post(`/catalogues/${code}/versions`, { version: '2026', items: V2025 }), 403);

    expectProblem(await a.api.get(`/units/${b.code}/trend?catalogue=${code}`), 404);
    expectProblem(await outsider.api.get(`/units/${outsider.code}/trend?catalogue=${code}`), 404);
    expectProblem(await a.api.get('/catalogues'), 403);
    const bTrend = expectStatus(await province.api.get(`/units/${b.code}/trend?catalogue=${code}`), 200);
    expect(bTrend.rounds.map((r: { roundId: string }) => r.roundId)).toEqual([round2024]);
    expect(JSON.stringify(bTrend)).not.toContain(round2025);
    expect(await versionsOf(province.api)).toEqual(['2024', '2025']);
  });

  test('when a pinned round tailors a unit\'s list and adds a task mid-round, then both name points of the pinned version', async () => {
    const body = roundBody([b.code], ['p-101', 'p-302'], { period: '2025Q2', catalogue: { code, version: '2025' }, unitTasks: { [b.code]: { add: [{ templateCode: 'p-401' }], remove: ['p-302'] } } });
    const id = expectStatus(await province.api.post('/rounds', body), 202).id;
    await waitUntilIssued(province.api, id);
    const codes = async () => (expectStatus(await b.api.get(`/me/tasks?roundId=${id}`), 200) as Array<{ code: string }>).map((t) => t.code).sort();
    expect(await codes()).toEqual(pinnedTasks('2025', ['p-101', 'p-401']).sort());
    expect(expectStatus(await province.api.post(`/rounds/${id}/units/${b.code}/tasks`, { templateCode: 'p-302' }), 201)).toMatchObject({ code: `${code}/2025/p-302` });
    expectProblem(await province.api.post(`/rounds/${id}/units/${b.code}/tasks`, { templateCode: 'p-301' }), 400, ['templateCode']);
    expect(await codes()).toEqual(pinnedTasks('2025', ['p-101', 'p-302', 'p-401']).sort());
  });

  test('when the 2024 round closes, then a task it left unaccepted counts 0 in the results instead of nothing', async () => {
    expect(expectStatus(await province.api.post(`/rounds/${round2024}/close`), 202)).toMatchObject({ status: 'closing' });
    await waitForRound(province.api, round2024, (r) => r.status === 'closed', 'closed');
    const results = expectStatus(await province.api.get(`/catalogues/${code}/results`), 200);
    const first = (c: string) => results.items.find((i: { code: string }) => i.code === c).results[0];
    // P1 in 2024: p-101 (a 80, b 100) and p-102 (a 70, b never accepted).
    expect(first('P1')).toMatchObject({ roundId: round2024, score: 62.5 });
    expect(first('p-101').score).toBe(90);
  });

  test('when a programme\'s rounds are pinned to a version, then each run launches on that version', async () => {
    expectProblem(await province.api.post('/programmes', { title: '江苏产改年度督查', every: 'year', round: { unitCodes: [a.code], tasks: [{ templateCode: 'p-301' }], catalogue: { code, version: '2025' } } }), 400, ['tasks.0.templateCode']);
    const programme = expectStatus(await province.api.post('/programmes', { title: '江苏产改年度督查', every: 'year', round: { unitCodes: [a.code], tasks: [{ templateCode: 'p-2m' }], catalogue: { code, version: '2025' }, closesAfterDays: 30 } }), 201);
    expectStatus(await province.api.post(`/programmes/${programme.id}/trigger`), 202);
    const rounds = async () => expectStatus(await province.api.get(`/programmes/${programme.id}/results`), 200).rounds as Array<{ id: string }>;
    const [run] = await waitFor(rounds, (r) => r.length === 1, `programme ${programme.id} to launch a round`);
    expect(await waitUntilIssued(province.api, run.id)).toMatchObject({ catalogue: { code, version: '2025' }, counts: { tasks: 1 } });
    await province.api.post(`/programmes/${programme.id}/pause`);
  });

  test('when task templates are added and listed as before, then they work unchanged and the versions\' points are not among them', async () => {
    const plain = await createTaskTemplate(province.api);
    const listed = expectStatus(await province.api.get('/task-templates'), 200) as Array<{ code: string }>;
    expect(listed.map((t) => t.code)).toContain(plain.code);
    expect(listed.some((t) => t.code.startsWith(`${code}/`))).toBe(false);
    expectProblem(await province.api.post('/rounds', roundBody([a.code], [`${code}/2025/p-101`])), 400, ['tasks.0.templateCode']);
  });
});
