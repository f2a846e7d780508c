import type { Locator, Page } from 'playwright-core';
import { sql } from '../integration/support/db';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from '../integration/support/fixtures';
import { expectStatus, type Api } from '../integration/support/http';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { eventually, launchBrowser, shot, signIn, type Browser } from './support/browser';

// A unit reports on its tasks in the browser: deadlines, a refused report, then an accepted one.
let browser: Browser;
let page: Page;
let city: Office;
let unit: Unit & { api: Api };
let reportTpl: { code: string };
let laterTpl: { code: string };
let roundId: string;
const title = `2026年产改任务督查（试点单位）${Date.now().toString(36)}`;
// A year the holiday calendar does not cover yet: its deadline is provisional.
const LATER_DUE = '2099-06-15';

const taskItem = (code: string): Locator => page.locator(`li.task-item[data-code="${code}"]`);

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  unit = await createUnitWithToken(city.api, city.code);
  reportTpl = await createTaskTemplate(city.api, { evidence: ['summary', 'documents'], weight: 40 });
  laterTpl = await createTaskTemplate(city.api, { weight: 60 });
  const tasks = [{ templateCode: reportTpl.code }, { templateCode: laterTpl.code, dueDate: LATER_DUE }];
  roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [], { title, tasks })), 202).id;
  await waitUntilIssued(city.api, roundId);
  browser = await launchBrowser();
  page = await browser.open();
});

afterAll(async () => {
  await browser?.close();
});

describe('the unit portal', () => {
  test('when a unit signs in, then it sees its tasks with status, a working-day deadline, and the 临时日历 note where the calendar is provisional', async () => {
    await signIn(page, unit.api.token!);
    expect(page.url()).toMatch(/#\/unit$/);
    const section = page.getByRole('region', { name: title });
    await section.waitFor();
    const [report] = expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200).filter((t: { code: string }) => t.code === reportTpl.code);
    const item = taskItem(reportTpl.code);
    expect(await item.locator('.task-status').textContent()).toBe('已下发');
    expect(await item.locator('.deadline').textContent()).toContain(`截止 ${report.dueDate}`);
    expect(await item.locator('.deadline .workday').textContent()).toBe('工作日');
    // A plan is provisional when any of its ladder steps falls in a year the bundled calendar lacks,
    // which for a due date weeks ahead depends on the day the test runs: the page must follow the API.
    expect(await item.locator('.note-provisional').count()).toBe(report.dueProvisional ? 1 : 0);
    expect(await item.textContent()).toContain('必需材料：有总结、有资料');
    expect(await taskItem(laterTpl.code).locator('.deadline').textContent()).toContain(`截止 ${LATER_DUE}`);
    expect(await taskItem(laterTpl.code).locator('.note-provisional').textContent()).toContain('临时日历');
    await eventually(() => section.locator('.own-evaluation tbody tr').count(), (n) => expect(n).toBe(1));
    expect(await section.locator('.own-evaluation tbody tr th').textContent()).toBe(unit.name);
    await shot(page, 'unit-tasks');
  });

  test('when the unit leaves out a required kind of evidence, then the form shows the 422 naming that evidence and nothing is recorded', async () => {
    const item = taskItem(reportTpl.code);
    await item.getByText('上报完成情况').click();
    const form = item.locator('form');
    await form.getByLabel('完成情况说明').fill('已建立产改工作台账，按季度更新。');
    const rows = form.locator('.evidence-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getByLabel('类别').inputValue()).toBe('summary');
    expect(await rows.nth(1).getByLabel('类别').inputValue()).toBe('documents');
    await rows.nth(1).getByRole('button', { name: '删除此项佐证材料' }).click();
    await rows.nth(0).getByLabel('材料名称').fill('2026年产改工作总结');
    await form.getByRole('button', { name: '提交' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('缺少必需的佐证材料：有资料');
    expect(await item.locator('.task-status').textContent()).toBe('已下发');
    expect(await sql('SELECT s.id FROM submissions s JOIN tasks t ON t.id = s.task_id WHERE t.round_id = $1', [roundId])).toEqual([]);
    await shot(page, 'unit-missing-evidence');
  });

  test('when the unit adds the documents and submits, then the task shows 已提交 and exactly one submission is recorded', async () => {
    const item = taskItem(reportTpl.code);
    const form = item.locator('form');
    await form.getByRole('button', { name: '添加佐证材料' }).click();
    const added = form.locator('.evidence-row').nth(1);
    await added.getByLabel('类别').selectOption('documents');
    await added.getByLabel('材料名称').fill('制度文件汇编');
    await added.getByLabel('链接（可选）').fill('https://example.org/docs.pdf');
    await form.getByRole('button', { name: '提交' }).click();
    await eventually(() => item.locator('.task-status').textContent(), (t) => expect(t).toBe('已提交'));
    expect(await item.locator('.alert-success').textContent()).toContain('已提交');
    await shot(page, 'unit-submitted');

    const rows = await sql<{ summary: string; evidence: unknown }>('SELECT s.summary, s.evidence FROM submissions s JOIN tasks t ON t.id = s.task_id WHERE t.round_id = $1', [roundId]);
    expect(rows).toEqual([{ summary: '已建立产改工作台账，按季度更新。', evidence: [{ kind: 'summary', title: '2026年产改工作总结' }, { kind: 'documents', title: '制度文件汇编', uri: 'https://example.org/docs.pdf' }] }]);
    await page.reload();
    await taskItem(reportTpl.code).waitFor();
    expect(await taskItem(reportTpl.code).locator('.task-status').textContent()).toBe('已提交');
    expect(await taskItem(reportTpl.code).locator('form').count()).toBe(0);

    // On a phone the page reflows instead of scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'unit-mobile');
    expect(browser.problems).toEqual([]);
  });
});
