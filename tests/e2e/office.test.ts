import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { createOffice, createTaskTemplate, createUnitWithToken, mintToken, root, type Office, type Unit } from '../integration/support/fixtures';
import { expectStatus, type Api } from '../integration/support/http';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { eventually, launchBrowser, pasteToken, shot, signIn, type Browser } from './support/browser';

// An office works its round in the browser: the dashboard, the task table with a review, the evaluation.
type UnitClient = Unit & { api: Api };

let browser: Browser;
let page: Page;
let city: Office;
let cityToken: string;
let units: UnitClient[];
let roundId: string;
const title = `2026年第二季度产改督查 ${Date.now().toString(36)}`;

async function submit(unit: UnitClient, code: string): Promise<string> {
  const task = (expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200) as Array<{ id: string; code: string }>).find((t) => t.code === code)!;
  const body = { summary: '已按要求完成', evidence: [{ kind: 'summary', title: '工作总结' }] };
  return expectStatus(await unit.api.post(`/tasks/${task.id}/submissions`, body, { 'Idempotency-Key': `${unit.code}-${code}` }), 201).submissionId;
}

const accept = async (submissionId: string, score: number) => expectStatus(await city.api.post(`/submissions/${submissionId}/review`, { decision: 'accept', score }), 200);

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  cityToken = await mintToken(root(), 'office', city.code);
  units = await Promise.all([1, 2, 3].map(() => createUnitWithToken(city.api, city.code)));
  const t1 = await createTaskTemplate(city.api, { evidence: ['summary'], weight: 40 });
  const t2 = await createTaskTemplate(city.api, { weight: 60 });
  roundId = expectStatus(await city.api.post('/rounds', roundBody(units.map((u) => u.code), [t1.code, t2.code], { title })), 202).id;
  await waitUntilIssued(city.api, roundId);
  // Unit 0 has both tasks accepted, unit 1 one accepted and one awaiting review, unit 2 nothing yet.
  await accept(await submit(units[0], t1.code), 95);
  await accept(await submit(units[0], t2.code), 90);
  await accept(await submit(units[1], t1.code), 70);
  await submit(units[1], t2.code);
  browser = await launchBrowser();
  page = await browser.open();
});

afterAll(async () => {
  await browser?.close();
});

describe('the office dashboard', () => {
  test('when a wrong token is pasted, then the sign-in page says so and keeps the person there', async () => {
    await pasteToken(page, 'dbn_this-is-not-a-token');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('令牌无效');
    expect(page.url()).toMatch(/#\/signin$/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await shot(page, 'signin-wrong-token');
  });

  test('when an office signs in, then it sees its round with status and a progress bar from the counts', async () => {
    await signIn(page, cityToken);
    expect(page.url()).toMatch(/#\/office$/);
    const card = page.locator('.round-card', { hasText: title });
    await eventually(() => card.locator('.badge').textContent(), (t) => expect(t).toBe('进行中'));
    const bar = card.getByRole('img');
    expect(await bar.getAttribute('aria-label')).toBe('共 6 项任务，已下发 6 项；已通过 3，待审核 1，已退回 0，已逾期 0，已免除 0；上报 0');
    expect(await bar.locator('.seg-accepted').getAttribute('style')).toBe('width:50%');
    expect(await card.locator('.progress-legend strong').textContent()).toBe('完成 50%');
    expect(await page.locator('#whoami').textContent()).toContain(`${city.code} 产改办`);
    await shot(page, 'office-rounds');
  });

  test('when the office opens a unit from the board, filters its tasks to 已提交 and accepts one with a score, then the row and the counts show it accepted', async () => {
    await page.locator('.round-card', { hasText: title }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.locator('table.board-units').getByRole('link', { name: units[1].name }).click();
    await page.getByRole('heading', { level: 1, name: units[1].name }).waitFor();
    expect(await page.locator('.stat-submitted dd').textContent()).toBe('1');
    await page.getByLabel('状态', { exact: true }).selectOption('submitted');
    const rows = page.locator('table[aria-describedby="tasks-caption"] tbody tr');
    await eventually(() => rows.count(), (n) => expect(n).toBe(1));
    await rows.first().getByRole('button', { name: /^审核/ }).click();

    const dialog = page.getByRole('dialog', { name: '审核提交' });
    await dialog.getByRole('button', { name: '通过' }).click();
    expect(await dialog.getByRole('alert').textContent()).toContain('评分：通过时必须填写评分');
    await shot(page, 'office-review-error');
    await dialog.getByLabel('评分（0–100）').fill('85');
    await dialog.getByRole('button', { name: '通过' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.alert-success').textContent()).toContain('审核完成：已通过');
    await eventually(() => rows.first().textContent(), (t) => expect(t).toContain('没有符合条件的任务'));
    await page.getByLabel('状态', { exact: true }).selectOption('');
    await eventually(() => rows.count(), (n) => expect(n).toBe(2));
    await eventually(() => rows.allTextContents(), (t) => expect(t.filter((r) => r.includes('已通过'))).toHaveLength(2));
    await shot(page, 'office-round');
  });

  test('when the office opens the evaluation, then it sees the ranking table, an ECharts bar chart of totals with the same figures and the office roll-up', async () => {
    await page.getByRole('link', { name: '考核结果' }).click();
    const ranking = page.locator('table.ranking');
    await ranking.waitFor();
    expect(await ranking.locator('thead th').allTextContents()).toEqual(['单位', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名']);
    const evaluation = expectStatus(await city.api.get(`/rounds/${roundId}/evaluation`), 200);
    const shown = await ranking.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())));
    const GRADE: Record<string, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
    expect(shown).toEqual(evaluation.units.map((u: any) => [u.unitName, ...['completion', 'timeliness', 'quality', 'satisfaction', 'penalty'].map((k) => (u.scores[k] === null ? '—' : u.scores[k].toFixed(2))), u.total.toFixed(2), GRADE[u.grade], String(u.rank)]));
    expect(shown.map((r) => r[0])).toEqual([units[0].name, units[1].name, units[2].name]);

    const chart = page.locator('.echart[data-ready="true"]');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toBe(`${title} 各单位总分：${evaluation.units.map((u: any) => `${u.unitName} ${u.total.toFixed(2)} 分 ${GRADE[u.grade]}`).join('；')}`);
    expect(await chart.locator('svg').count()).toBe(1);

    const rollup = page.getByRole('region', { name: '产改办汇总' }).locator('tbody tr');
    expect(await rollup.count()).toBe(1);
    expect(await rollup.first().textContent()).toContain(`${city.code} 产改办`);
    await shot(page, 'office-evaluation');
    await page.setViewportSize({ width: 390, height: 844 });
    await eventually(() => page.evaluate('document.documentElement.scrollWidth'), (w) => expect(w).toBeLessThanOrEqual(390));
    await shot(page, 'office-evaluation-mobile');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('when the office downloads the CSV, then the browser saves the evaluation with Chinese headers', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^evaluation-[0-9a-f-]{36}-v\d+\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith('\uFEFF单位,完成率,及时率,质量,满意度,扣分,总分,等次,排名')).toBe(true);
    expect(text).toContain(units[0].name);
    await eventually(() => page.locator('.alert-success').textContent(), (t) => expect(t).toContain('已下载'));
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 Excel' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(fs.readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe('PK');
  });

  test('when the office signs out, then the token is gone and the sign-in page shows', async () => {
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
