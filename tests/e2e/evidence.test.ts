import type { Page } from 'playwright-core';
import { createOffice, createTaskTemplate, createUnitWithToken, root, type Office, type Unit } from '../integration/support/fixtures';
import { sampleElf, samplePdf, samplePng } from '../integration/support/files';
import { expectStatus, type Api } from '../integration/support/http';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { eventually, launchBrowser, shot, signIn, type Browser } from './support/browser';

// A unit attaches evidence files in the browser; the office sees them when it reviews.
let browser: Browser;
let page: Page;
let city: Office;
let unit: Unit & { api: Api };
let tpl: { code: string };
const title = `2026年佐证材料上传督查 ${Date.now().toString(36)}`;

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  unit = await createUnitWithToken(city.api, city.code);
  tpl = await createTaskTemplate(city.api, { evidence: ['site', 'documents'] });
  const roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [tpl.code], { title })), 202).id;
  await waitUntilIssued(city.api, roundId);
  browser = await launchBrowser();
  page = await browser.open();
});

afterAll(async () => {
  await browser?.close();
});

describe('evidence files in the pages', () => {
  test('when a unit attaches a photo and a PDF, and tries an executable, then the files show as uploaded, the executable is refused, and the report is recorded', async () => {
    await signIn(page, unit.api.token!);
    const item = page.locator(`li.task-item[data-code="${tpl.code}"]`);
    await item.getByText('上报完成情况').click();
    const rows = item.locator('.evidence-row');
    await rows.nth(0).locator('input.file-input').setInputFiles({ name: '车间现场.png', mimeType: 'image/png', buffer: samplePng() });
    await eventually(() => rows.nth(0).locator('.file-status').textContent(), (t) => expect(t).toContain('车间现场.png'));
    await eventually(() => rows.nth(0).locator('.file-status').textContent(), (t) => expect(t).toContain('已上传'));
    expect(await rows.nth(0).locator('input[capture]').getAttribute('accept')).toBe('image/*');

    await rows.nth(1).locator('input.file-input').setInputFiles({ name: '制度.pdf', mimeType: 'application/pdf', buffer: sampleElf() });
    await eventually(() => rows.nth(1).locator('.file-status .error').textContent(), (t) => expect(t).toContain('文件类型不允许'));
    await shot(page, 'evidence-refused');
    await rows.nth(1).locator('input.file-input').setInputFiles({ name: '制度汇编.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await eventually(() => rows.nth(1).locator('.file-status').textContent(), (t) => expect(t).toMatch(/^制度汇编\.pdf（.+）已上传$/));
    expect(await rows.nth(1).locator('input[name=title]').inputValue()).toBe('制度汇编');

    await item.locator('textarea[name=summary]').fill('车间班组现场照片与制度汇编');
    await shot(page, 'evidence-attached');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'evidence-attached-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    await item.getByRole('button', { name: '提交' }).click();
    await eventually(() => item.locator('.task-status').textContent(), (t) => expect(t).toBe('已提交'));
    await page.getByRole('button', { name: '退出' }).click();
  });

  test('when the office reviews the submission, then it sees the photo as a thumbnail and the PDF inline', async () => {
    await signIn(page, city.api.token!);
    await page.locator('.round-card', { hasText: title }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    // The round page is the board; a unit's tasks, with their reviews, are one click further.
    await page.locator('table.board-units').getByRole('link', { name: unit.name }).click();
    await page.getByRole('heading', { level: 1, name: unit.name }).waitFor();
    await page.getByRole('button', { name: /^审核/ }).first().click();
    const dialog = page.getByRole('dialog', { name: '审核提交' });
    const thumb = dialog.locator('img.thumb');
    await thumb.waitFor();
    await eventually(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), (w) => expect(w).toBe(1));
    expect(await dialog.locator('iframe.pdf').count()).toBe(1);
    expect(await dialog.locator('.file-preview').count()).toBe(2);
    await shot(page, 'evidence-review');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'evidence-review-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
