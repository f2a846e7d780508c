import type { Page } from 'playwright-core';
import { createOffice, createTaskTemplate, createUnit, mintToken, root, uniqueCode, type Office } from '../integration/support/fixtures';
import { api, expectStatus } from '../integration/support/http';
import { waitFor } from '../integration/support/poll';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { launchBrowser, shot, signIn, type Browser } from './support/browser';

// An observer answers the open questionnaire in the browser; a second answer to the same window is refused.
let browser: Browser;
let city: Office;
let observerToken: string;
let windowId: string;
let cityToken: string;
let unitCode: string;
let observerCode: string;
const questionnaireTitle = `改革观察员季度问卷 ${Date.now().toString(36)}`;

const QUESTIONS = [
  { id: 'sat', text: '您对本单位产改工作的总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true },
  { id: 'heard', text: '职工意见是否能反映到企业决策中？', kind: 'single', options: ['能', '部分能', '不能'], dimension: 'hear', required: true },
  { id: 'seen', text: '您看到了哪些改革措施？', kind: 'multi', options: ['技能培训', '职称评定', '薪酬激励', '劳模工作室'] },
  { id: 'trained', text: '今年参加技能培训的次数', kind: 'number' },
  { id: 'advice', text: '其他意见和建议', kind: 'text' },
];

async function answer(page: Page) {
  const form = page.locator('form.questionnaire-form');
  await form.getByRole('radio', { name: '4 满意' }).check();
  await form.getByRole('radio', { name: '部分能' }).check();
  await form.getByRole('checkbox', { name: '技能培训' }).check();
  await form.getByRole('checkbox', { name: '劳模工作室' }).check();
  await form.getByRole('spinbutton', { name: /参加技能培训的次数/ }).fill('3');
  await form.getByRole('textbox', { name: /其他意见和建议/ }).fill('希望增加一线职工培训名额');
  return form;
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  cityToken = city.api.token!;
  const unit = await createUnit(city.api, city.code);
  unitCode = unit.code;
  const observer = uniqueCode('obs');
  observerCode = observer;
  expectStatus(await city.api.post('/observers', { code: observer, name: '王建国', role: 'model_worker', unitCode: unit.code }), 201);
  observerToken = await mintToken(city.api, 'observer', observer);
  const questionnaire = uniqueCode('q');
  expectStatus(await city.api.post('/questionnaire-templates', { code: questionnaire, title: questionnaireTitle, questions: QUESTIONS }), 201);
  const template = await createTaskTemplate(city.api);
  const now = Date.now();
  const windows = [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 86_400_000).toISOString() }];
  const roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [template.code], { questionnaire: { templateCode: questionnaire, windows } })), 202).id;
  await waitUntilIssued(city.api, roundId);
  const open = await waitFor(async () => expectStatus(await api(observerToken).get('/me/questionnaires'), 200) as Array<{ windowId: string }>, (ws) => ws.length === 1, 'the questionnaire window to open');
  windowId = open[0].windowId;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('the observer questionnaire', () => {
  test('when an observer answers every kind of question and submits, then the page shows 已提交 and the office sees exactly those answers', async () => {
    // A second tab opened before the first answer is sent, as a person with two windows might.
    const [first, second] = [await browser.open(), await browser.context.newPage()];
    await signIn(first, observerToken);
    await signIn(second, observerToken);
    expect(first.url()).toMatch(/#\/observer$/);
    const card = first.getByRole('region', { name: questionnaireTitle });
    await card.waitFor();
    expect(await card.locator('legend').allTextContents()).toEqual([
      '1. 您对本单位产改工作的总体满意度 *（必答）满意度',
      '2. 职工意见是否能反映到企业决策中？ *（必答）能听',
      '3. 您看到了哪些改革措施？',
      '4. 今年参加技能培训的次数',
      '5. 其他意见和建议',
    ]);
    expect(await card.getByRole('radio').count()).toBe(8);
    expect(await card.locator('.choices-likert5 label').allTextContents()).toEqual(['1 很不满意', '2 不满意', '3 一般', '4 满意', '5 很满意']);
    const form = await answer(first);
    await shot(first, 'observer-form');
    await form.getByRole('button', { name: '提交问卷' }).click();
    await card.locator('.alert-success').waitFor();
    expect(await card.locator('.round-card-head .badge').textContent()).toBe('已提交');
    await shot(first, 'observer-submitted');

    const responses = expectStatus(await city.api.get(`/questionnaires/${windowId}/responses`), 200);
    expect(responses.map((r: { answers: unknown }) => r.answers)).toEqual([{ sat: 4, heard: '部分能', seen: ['技能培训', '劳模工作室'], trained: 3, advice: '希望增加一线职工培训名额' }]);

    // The second tab still shows the form; its attempt is refused with a message a person understands.
    const again = await answer(second);
    await again.getByRole('button', { name: '提交问卷' }).click();
    const alert = again.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('您已提交过本期问卷');
    expect(await again.getByRole('button', { name: '提交问卷' }).isDisabled()).toBe(true);
    await shot(second, 'observer-second-attempt');
    expect(expectStatus(await city.api.get(`/questionnaires/${windowId}/responses`), 200)).toHaveLength(1);

    await first.reload();
    await card.waitFor();
    expect(await card.locator('form').count()).toBe(0);
    expect(await card.textContent()).toContain('已提交');
    expect(browser.problems).toEqual([]);
  });

  test("when an office prints a unit's personal links and the observer opens theirs, then the questionnaire opens with no token to type, and an older link says it has been replaced", async () => {
    const office = await browser.open();
    await signIn(office, cityToken);
    await office.goto(`/#/office/units/${encodeURIComponent(unitCode)}/links`);
    await office.getByRole('button', { name: '生成二维码' }).click();
    const card = office.locator(`.link-card[data-observer="${observerCode}"]`);
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe('王建国');
    // The QR code is an image the browser could decode and lay out.
    expect(await card.locator('img.qr').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const url = (await card.locator('.link-url').textContent())!;
    expect(url).toMatch(/#\/o\/dbn_[\w-]+$/);
    await shot(office, 'observer-links-sheet');
    await office.setViewportSize({ width: 390, height: 844 });
    await shot(office, 'observer-links-sheet-phone');
    await office.setViewportSize({ width: 1280, height: 860 });

    // The observer's phone: a tab of its own, nothing typed.
    const phone = await browser.context.newPage();
    await phone.goto(url);
    await phone.waitForURL(/#\/observer$/);
    await phone.getByRole('region', { name: questionnaireTitle }).waitFor();
    expect(phone.url()).not.toContain('dbn_');

    // A new link replaces it: opening the old one again explains why it no longer works.
    expectStatus(await city.api.post(`/observers/${observerCode}/link`), 201);
    const later = await browser.context.newPage();
    await later.goto(url);
    await later.getByRole('heading', { name: '登录' }).waitFor();
    expect(await later.locator('.alert').first().textContent()).toContain('此链接已失效');
    expect(browser.problems).toEqual([]);
  });
});
