import type { Page } from 'playwright-core';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from '../integration/support/fixtures';
import { expectStatus, type Api } from '../integration/support/http';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { eventually, launchBrowser, shot, signIn, type Browser } from './support/browser';

// The root office publishes a year's schedule in the browser, and a unit's provisional note goes.
// A year of its own: no other test publishes it, and no calendar covers it until this one does.
const YEAR = 2095;
const DUE = '2095-09-16';

let browser: Browser;
let city: Office;
let unit: Unit & { api: Api };

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  unit = await createUnitWithToken(city.api, city.code);
  const template = await createTaskTemplate(city.api);
  const roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [], { tasks: [{ templateCode: template.code, dueDate: DUE }], closesAt: `${YEAR}-12-31T18:00:00+08:00` })), 202).id;
  await waitUntilIssued(city.api, roundId);
  browser = await launchBrowser();
});

/** A tab of its own per person: the pages keep the sign-in per tab. */
async function signedInTab(token: string): Promise<Page> {
  const page = await browser.context.newPage();
  await signIn(page, token);
  return page;
}
let unitTab: Page;

afterAll(async () => {
  await browser?.close();
});

describe('the working-day calendar page', () => {
  test('when a unit has a task due in an unpublished year, then its portal shows the 临时日历 note', async () => {
    unitTab = await signedInTab(unit.api.token!);
    await eventually(() => unitTab.locator('li.task-item .note-provisional').count(), (n) => expect(n).toBe(1));
  });

  test('when a city office opens the calendar, then it reads the year as provisional and has no form to publish', async () => {
    const page = await signedInTab(city.api.token!);
    await page.goto(`/#/office/calendar/${YEAR}`);
    await page.getByRole('heading', { name: '工作日历' }).waitFor();
    expect(await page.getByText('临时日历', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator('form.calendar-form').count()).toBe(0);
  });

  test('when the root office publishes with a make-up day on a weekday, then the form names it; once corrected, the year is published', async () => {
    const page = await signedInTab(root().token!);
    await page.goto(`/#/office/calendar/${YEAR}`);
    await page.getByLabel('放假日期').fill(`${YEAR}-10-01\n${YEAR}-10-02\n${YEAR}-10-03`);
    await page.getByLabel('调休上班日期').fill(`${YEAR}-09-28`);
    await page.getByRole('button', { name: `发布 ${YEAR} 年安排` }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('调休上班日期第 1 项：调休上班日只能是周六或周日');
    await shot(page, 'calendar-refused');

    await page.getByLabel('调休上班日期').fill(`${YEAR}-09-24`);
    await page.getByRole('button', { name: `发布 ${YEAR} 年安排` }).click();
    await page.getByRole('status').waitFor();
    expect(await page.locator('.calendar-lists .holidays').textContent()).toBe(`${YEAR}-10-01、${YEAR}-10-02、${YEAR}-10-03`);
    expect(await page.getByText('已发布').count()).toBeGreaterThan(0);
    await shot(page, 'calendar-published');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'calendar-published-phone');
  });

  test('when the unit opens its portal after publishing, then the 临时日历 note is gone', async () => {
    await eventually(
      async () => {
        await unitTab.reload();
        await unitTab.locator('li.task-item').first().waitFor();
        return unitTab.locator('li.task-item .note-provisional').count();
      },
      (n) => expect(n).toBe(0),
      30_000,
    );
    await shot(unitTab, 'calendar-unit-firm');
  });
});
