import path from 'node:path';
import type { Page } from 'playwright-core';
import { createOffice, createTaskTemplate, createUnitWithToken, mintToken, root, type Office, type Unit } from '../integration/support/fixtures';
import { expectStatus, type Api } from '../integration/support/http';
import { roundBody, waitForRound, waitUntilIssued } from '../integration/support/rounds';
import { submitAndAccept } from '../integration/support/tasks';
import { eventually, launchBrowser, signIn, type Browser } from './support/browser';

// A unit's totals over three closed rounds, as a chart and a table, on the unit's own page and
// on the office's view of that unit in a round.
const SHOTS = process.env.DUBAN_TREND_SHOTS ?? path.join('/tmp', 'duban-trend-shots');
const ROUNDS = [
  { title: '2026年第二季度产改督查', period: '2026Q2', scores: [70, 60] },
  { title: '2026年第三季度产改督查', period: '2026Q3', scores: [95, 92] },
  { title: '2026年第四季度产改督查', period: '2026Q4', scores: [85] },
];

let browser: Browser;
let city: Office;
let unit: Unit & { api: Api };
const roundIds: string[] = [];

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  const other = await createUnitWithToken(city.api, city.code);
  unit = await createUnitWithToken(city.api, city.code);
  const templates = (await Promise.all([createTaskTemplate(city.api), createTaskTemplate(city.api)])).map((t) => t.code);
  for (const r of ROUNDS) {
    const { id } = expectStatus(await city.api.post('/rounds', roundBody([unit.code, other.code], templates, { title: r.title, period: r.period })), 202);
    roundIds.push(id);
    await waitUntilIssued(city.api, id);
    for (const [i, score] of r.scores.entries()) await submitAndAccept(unit.api, city.api, id, templates[i], score);
    await submitAndAccept(other.api, city.api, id, templates[0], 80);
    expectStatus(await city.api.post(`/rounds/${id}/close`), 202);
    await waitForRound(city.api, id, (x) => x.status === 'closed', 'closed');
  }
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** The trend section's chart (drawn) and its table's rows as [round, period, total, grade, rank, change]. */
async function readTrend(page: Page) {
  const region = page.getByRole('region', { name: '历次考核走势' });
  await region.locator('.echart[data-ready="true"] svg').waitFor();
  const rows = await eventually(
    () => region.locator('table.trend tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? ''))),
    (r) => expect(r).toHaveLength(ROUNDS.length),
  );
  return { region, rows };
}

async function shots(page: Page, name: string) {
  const region = page.getByRole('region', { name: '历次考核走势' });
  await region.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await eventually(() => page.evaluate('document.documentElement.scrollWidth'), (w) => expect(w).toBeLessThanOrEqual(390));
  await region.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 860 });
}

describe('a unit\'s trend across rounds', () => {
  test('when the unit opens its page, then its totals over the three closed rounds show as a chart and a table, oldest first, matching GET /units/{code}/evaluations', async () => {
    const history: Array<{ title: string; period: string; total: number; rank: number; change: number | null }> = expectStatus(await unit.api.get(`/units/${unit.code}/evaluations`), 200);
    expect(history.map((h) => h.period)).toEqual(ROUNDS.map((r) => r.period));
    const page = await browser.open();
    await signIn(page, await mintToken(city.api, 'unit', unit.code));
    const { region, rows } = await readTrend(page);
    expect(rows.map((r) => r.slice(0, 3))).toEqual(history.map((h) => [h.title, h.period, h.total.toFixed(2)]));
    expect(rows.map((r) => r[4])).toEqual(history.map((h) => String(h.rank)));
    expect(rows[0][5]).toBe('—');
    expect(rows[1][5]).toBe(`${history[1].change! > 0 ? '+' : ''}${history[1].change!.toFixed(2)}`);
    const summary = await region.locator('.echart').getAttribute('aria-label');
    for (const r of ROUNDS) expect(summary).toContain(r.period);
    // One point per round in the drawn line.
    expect(await region.locator('.echart svg path').count()).toBeGreaterThan(ROUNDS.length);
    await shots(page, 'trend-unit');
    expect(browser.problems).toEqual([]);
  });

  test('when the office opens the unit in the latest round, then the same trend shows below the unit\'s tasks', async () => {
    const page = await browser.context.newPage();
    await signIn(page, await mintToken(root(), 'office', city.code));
    await page.goto(`/#/office/rounds/${roundIds[2]}/units/${unit.code}`);
    const { rows } = await readTrend(page);
    expect(rows.map((r) => r[0])).toEqual(ROUNDS.map((r) => r.title));
    await shots(page, 'trend-office');
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
