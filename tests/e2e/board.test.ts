import fs from 'node:fs';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { seedBoardRound, type BoardRound } from '../integration/support/board';
import { mintToken, root } from '../integration/support/fixtures';
import { stack } from '../integration/support/stack';
import { eventually, launchBrowser, shot, signIn, type Browser } from './support/browser';

// The office round page is the supervision board: lights, the sub-office roll-up, a unit's drill-down, the bulletin.
let browser: Browser;
let page: Page;
let round: BoardRound;

beforeAll(async () => {
  round = await seedBoardRound();
  browser = await launchBrowser();
  page = await browser.open();
  await signIn(page, await mintToken(root(), 'office', round.city.code));
});

afterAll(async () => {
  await browser?.close();
});

const unitRows = () => page.locator('table.board-units tbody tr');

describe('the supervision board', () => {
  test('when the office opens the round, then the tiles count one unit per light and the units are listed worst first', async () => {
    await page.goto(`/#/office/rounds/${round.id}`);
    await page.getByRole('region', { name: '督查看板' }).waitFor();
    await eventually(() => page.locator('.light-tile').allTextContents(), (t) => expect(t.map((x) => x.slice(0, 3))).toEqual(['1红灯', '1黄灯', '1蓝灯', '1绿灯']));
    await eventually(() => unitRows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-light'))), (l) => expect(l).toEqual(['red', 'yellow', 'blue', 'green']));
    expect(await unitRows().first().textContent()).toContain(round.units.red.name);
    expect(await page.content()).not.toContain(round.foreign.name);
    await shot(page, 'board');
    await page.setViewportSize({ width: 390, height: 844 });
    await eventually(() => page.evaluate('document.documentElement.scrollWidth'), (w) => expect(w).toBeLessThanOrEqual(390));
    await shot(page, 'board-mobile');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('when the office clicks a light\'s tile, then only the units of that light are listed, and a second click shows all again', async () => {
    for (const light of ['red', 'yellow', 'blue', 'green'] as const) {
      await page.locator(`.light-tile[data-light="${light}"]`).click();
      await eventually(() => unitRows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-light'))), (l) => expect(l).toEqual([light]));
      expect(await page.locator(`.light-tile[data-light="${light}"]`).getAttribute('aria-pressed')).toBe('true');
    }
    await page.locator('.light-tile[data-light="green"]').click();
    await eventually(() => unitRows().count(), (n) => expect(n).toBe(4));
  });

  test('when the office opens the red unit, then it sees that unit\'s tasks with the overdue one and its ladder history', async () => {
    await unitRows().first().getByRole('link', { name: round.units.red.name }).click();
    await page.getByRole('heading', { level: 1, name: round.units.red.name }).waitFor();
    expect(await page.locator('h1 + * .light, .page-actions .light').first().textContent()).toBe('红灯');
    const tasks = page.locator('table[aria-describedby="tasks-caption"] tbody tr');
    await eventually(() => tasks.count(), (n) => expect(n).toBe(3));
    expect(await tasks.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('已逾期')]));
    const ladder = page.getByRole('region', { name: '督办记录' }).locator('tbody tr');
    await eventually(() => ladder.allTextContents(), (t) => expect(t.join()).toContain('催办'));
    expect(await ladder.allTextContents()).not.toEqual(expect.arrayContaining([expect.stringContaining(round.units.yellow.name)]));
    await shot(page, 'board-unit');
    expect(await page.getByRole('region', { name: '提交记录' }).textContent()).toContain('该单位尚未提交任何任务');
    const [notice] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载督办单（Word）' }).click()]);
    expect(notice.suggestedFilename()).toBe(`督办单-${round.units.red.code}.docx`);
  });

  test('when the office filters the unit\'s tasks while their whole list is still loading, then the table keeps the filtered list when the whole one arrives late', async () => {
    const tasks = /\/api\/v1\/rounds\/[^/]+\/tasks\?/;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The whole list answers only after the filtered one, as a slow first request does on a busy server.
    await page.route(tasks, async (route) => {
      if (!new URL(route.request().url()).searchParams.has('status')) await held;
      await route.continue();
    });
    try {
      // A fresh visit (the page may still show this unit from the test before).
      await page.goto(`/#/office/rounds/${round.id}`);
      await page.getByRole('region', { name: '督查看板' }).waitFor();
      const wholeRequested = page.waitForRequest((req) => tasks.test(req.url()) && !new URL(req.url()).searchParams.has('status'));
      await page.goto(`/#/office/rounds/${round.id}/units/${round.units.red.code}`);
      await page.getByRole('heading', { level: 1, name: round.units.red.name }).waitFor();
      await wholeRequested;
      await page.getByLabel('状态', { exact: true }).selectOption('overdue');
      const rows = page.locator('table[aria-describedby="tasks-caption"] tbody tr');
      await eventually(() => rows.allTextContents(), (t) => expect(t).toEqual([expect.stringContaining('已逾期')]));
      const whole = page.waitForResponse((res) => tasks.test(res.url()) && !new URL(res.url()).searchParams.has('status'));
      release();
      await (await whole).finished();
      // The late answer is in the page now; for a second, the table must still be the filtered one.
      const until = Date.now() + 1_000;
      while (Date.now() < until) {
        expect(await rows.allTextContents()).toEqual([expect.stringContaining('已逾期')]);
        await page.waitForTimeout(100);
      }
    } finally {
      release();
      await page.unroute(tasks);
    }
  });

  test('when the office opens the yellow unit, then its submissions show with their evidence and the return\'s comment', async () => {
    await page.goto(`/#/office/rounds/${round.id}/units/${round.units.yellow.code}`);
    const submissions = page.getByRole('region', { name: '提交记录' }).locator('li.submission');
    await eventually(() => submissions.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')).sort()), (s) => expect(s).toEqual(['accepted', 'returned']));
    const returned = page.locator('li.submission[data-status="returned"]');
    expect(await returned.textContent()).toContain('佐证材料不全，请补充');
    expect(await returned.locator('.evidence').textContent()).toContain('有总结');
    await shot(page, 'board-unit-submissions');
    await page.setViewportSize({ width: 390, height: 844 });
    await eventually(() => page.evaluate('document.documentElement.scrollWidth'), (w) => expect(w).toBeLessThanOrEqual(390));
    await shot(page, 'board-unit-mobile');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('when the province opens the round, then the sub-offices\' lights show as a chart and a table, and choosing an office narrows the board to it', async () => {
    const province = await browser.context.newPage();
    await signIn(province, stack().rootToken);
    await province.goto(`/#/office/rounds/${round.id}`);
    const offices = province.getByRole('region', { name: '下级产改办' });
    await offices.locator('.echart[data-ready="true"] svg').waitFor();
    const rows = offices.locator('tbody tr');
    await eventually(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-office'))), (codes) => expect(codes).toEqual(expect.arrayContaining([round.city.code, round.sibling.code])));
    expect(await offices.locator('.echart').getAttribute('aria-label')).toContain(`${round.city.code} 产改办 红1 黄1 蓝1 绿1`);
    await shot(province, 'board-province');
    await province.setViewportSize({ width: 390, height: 844 });
    // The chart redraws at the new width on the next frame; nothing may overflow once it has.
    await eventually(() => province.evaluate('document.documentElement.scrollWidth'), (w) => expect(w).toBeLessThanOrEqual(390));
    await shot(province, 'board-province-mobile');
    await province.setViewportSize({ width: 1280, height: 860 });
    await offices.getByRole('button', { name: `${round.sibling.code} 产改办` }).click();
    await eventually(() => province.locator('table.board-units tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit'))), (u) => expect(u).toEqual([round.foreign.code]));
    await province.close();
  });

  test('when the office downloads the bulletin, then the Word document lists its units and not the sibling office\'s', async () => {
    await page.goto(`/#/office/rounds/${round.id}`);
    await page.getByRole('region', { name: '督查看板' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载督查通报（Word）' }).click()]);
    expect(download.suggestedFilename()).toBe('督查通报-2026-11.docx');
    const xml = await (await JSZip.loadAsync(fs.readFileSync((await download.path())!))).file('word/document.xml')!.async('string');
    for (const unit of Object.values(round.units)) expect(xml).toContain(unit.name);
    expect(xml).not.toContain(round.foreign.name);
    await eventually(() => page.locator('.alert-success').textContent(), (t) => expect(t).toContain('已下载'));
    expect(browser.problems).toEqual([]);
  });
});
