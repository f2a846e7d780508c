import type { Page } from 'playwright-core';
import { freePort } from '../../scripts/stack/ports';
import { createOffice, createTaskTemplate, createUnitWithToken, root, uniqueCode, type Office } from '../integration/support/fixtures';
import { expectStatus, request } from '../integration/support/http';
import { GOOD_PASSWORD, acceptInvitation, invitePerson } from '../integration/support/people';
import { spawnNode, stopService, type Spawned } from '../integration/support/processes';
import { roundBody, waitUntilIssued } from '../integration/support/rounds';
import { runDir, startApi, untilReady } from '../integration/support/stack';
import { eventually, launchBrowser, shot, type Browser } from './support/browser';

// People sign in as themselves in the browser: an invitation, a password, a wrong one, a lockout,
// signing out, a viewer who may only read, and single sign-on through a real OpenID provider.
let browser: Browser;
let city: Office;
let roundId: string;
let unitName: string;

async function passwordSignIn(page: Page, username: string, password: string) {
  await page.goto('/#/signin');
  await page.getByLabel('用户名').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

beforeAll(async () => {
  city = await createOffice(root(), 'city');
  const unit = await createUnitWithToken(city.api, city.code);
  unitName = unit.name;
  const template = await createTaskTemplate(city.api, { evidence: ['summary'] });
  roundId = expectStatus(await city.api.post('/rounds', roundBody([unit.code], [template.code], { title: `登录测试轮次 ${uniqueCode('r')}` })), 202).id;
  await waitUntilIssued(city.api, roundId);
  const [task] = expectStatus(await unit.api.get(`/me/tasks?roundId=${roundId}`), 200);
  expectStatus(await unit.api.post(`/tasks/${task.id}/submissions`, { summary: '已完成', evidence: [{ kind: 'summary', title: '工作总结' }] }), 201);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('signing in as oneself', () => {
  beforeEach(async () => {
    await browser.context.clearCookies();
  });

  test('when an admin invites a supervisor, the supervisor sets a password from the link and signs in, then the header names them and their office; signing out ends the session', async () => {
    const invited = await invitePerson(city.api, { role: 'supervisor', officeCode: city.code, name: '李督办' });
    const page = await browser.context.newPage();
    await page.goto(invited.invitationUrl);
    await page.getByRole('heading', { name: '设置登录密码' }).waitFor();
    await page.getByLabel('新密码').fill('123456');
    await page.getByLabel('再次输入').fill('123456');
    await page.getByRole('button', { name: '设置密码' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('至少 10 位');
    await page.getByLabel('新密码').fill(GOOD_PASSWORD);
    await page.getByLabel('再次输入').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: '设置密码' }).click();
    await page.getByText('密码已设置，请用新密码登录。').waitFor();
    await shot(page, 'signin-after-invitation');

    // The link works once.
    expect((await acceptInvitation(invited.token, GOOD_PASSWORD)).status).toBeGreaterThanOrEqual(400);

    await passwordSignIn(page, invited.username, GOOD_PASSWORD);
    await page.waitForURL(/#\/office$/);
    const who = page.locator('#whoami');
    await eventually(() => who.textContent(), (t) => expect(t).toContain('李督办'));
    expect(await who.textContent()).toContain('督办');
    expect(await who.textContent()).toContain(`${city.code} 产改办`);
    await shot(page, 'signin-supervisor');

    const cookies = await browser.context.cookies();
    const cookie = cookies.find((c) => c.name === 'duban_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByText('您已退出登录。').waitFor();
    // The server ended it: the old cookie no longer works anywhere.
    await eventually(async () => (await request('GET', '/api/v1/me', { headers: { cookie: `duban_session=${cookie.value}` } })).status, (s) => expect(s).toBe(401));
    expect(browser.problems).toEqual([]);
  });

  test('when a wrong password is typed, then the page says so; after repeated failures it asks the person to wait', async () => {
    const invited = await invitePerson(city.api, { role: 'viewer', officeCode: city.code });
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
    const page = await browser.context.newPage();
    await passwordSignIn(page, invited.username, 'not-the-password');
    const alert = page.getByRole('alert');
    await eventually(() => alert.textContent(), (t) => expect(t).toBe('用户名或密码错误。'));
    await shot(page, 'signin-wrong-password');
    let locked = false;
    for (let i = 0; i < 30 && !locked; i++) {
      await page.locator('input[name="password"]').fill(`wrong-${i}`);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await eventually(() => page.getByRole('button', { name: '登录', exact: true }).isDisabled(), (d) => expect(d).toBe(false));
      locked = ((await alert.textContent()) ?? '').includes('登录失败次数过多');
    }
    expect(locked).toBe(true);
    expect(await alert.textContent()).toMatch(/请 \d+ 分钟后再试/);
    await shot(page, 'signin-locked');
    // Locked means locked: the right password waits too.
    await page.locator('input[name="password"]').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await eventually(() => alert.textContent(), (t) => expect(t).toContain('登录失败次数过多'));
    expect(page.url()).toMatch(/#\/signin$/);
  });

  test('when a viewer opens a unit with a submission to review, then no review button is offered and the server refuses the review all the same', async () => {
    const invited = await invitePerson(city.api, { role: 'viewer', officeCode: city.code, name: '王查看' });
    expectStatus(await acceptInvitation(invited.token, GOOD_PASSWORD), 204);
    const page = await browser.context.newPage();
    await passwordSignIn(page, invited.username, GOOD_PASSWORD);
    await page.waitForURL(/#\/office$/);
    await page.goto(`/#/office/rounds/${roundId}`);
    await page.locator('table.board-units').getByRole('link', { name: unitName }).click();
    await page.getByRole('heading', { level: 1, name: unitName }).waitFor();
    await page.locator('table[aria-describedby="tasks-caption"] tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: /^审核/ }).count()).toBe(0);
    await shot(page, 'signin-viewer-unit');
    // The same session trying anyway, as a crafted request from the page would.
    const refused = await page.evaluate(async (round) => {
      const csrf = ((await (await fetch('/api/v1/auth/csrf')).json()) as { token: string }).token;
      const res = await fetch(`/api/v1/rounds/${round}/close`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    }, roundId);
    expect(refused).toEqual({ status: 403, code: 'ROLE_FORBIDDEN' });
  });
});

describe('single sign-on through a real OpenID provider', () => {
  let provider: Spawned;
  let api: Spawned;
  let baseUrl: string;

  beforeAll(async () => {
    const [apiPort, providerPort] = [await freePort(), await freePort()];
    baseUrl = `http://127.0.0.1:${apiPort}`;
    const issuer = `http://127.0.0.1:${providerPort}`;
    const secret = `secret-${uniqueCode('oidc')}`;
    provider = spawnNode(['scripts/stack/oidc-provider.mjs'], { OIDC_PORT: String(providerPort), OIDC_CLIENT_ID: 'duban', OIDC_CLIENT_SECRET: secret, OIDC_REDIRECT_URI: `${baseUrl}/api/v1/auth/oidc/callback` }, `${runDir()}/oidc-provider.log`);
    await untilReady('oidc-provider', provider, async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok);
    ({ process: api } = await startApi({ DUBAN_OIDC_ISSUER: issuer, DUBAN_OIDC_CLIENT_ID: 'duban', DUBAN_OIDC_CLIENT_SECRET: secret, DUBAN_PASSWORD_SIGNIN: 'false' }, apiPort));
  });

  afterAll(async () => {
    if (api) await stopService(api.pid, 5000);
    if (provider) await stopService(provider.pid, 5000);
  });

  // A fresh browser for each: cookies are per host, not per port, so neither the other API's
  // session nor the provider's own sign-in of an earlier test may carry over.
  beforeEach(async () => {
    await browser.context.clearCookies();
  });

  async function throughProvider(page: Page, login: string) {
    await page.goto(`${baseUrl}/#/signin`);
    await page.getByRole('link', { name: '统一身份认证登录' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = page.getByRole('button', { name: 'Continue' });
    if (await consent.isVisible().catch(() => false)) await consent.click();
    else await page.waitForURL((u) => u.origin === baseUrl).catch(() => consent.click());
  }

  test('when a person known here signs in at the provider, then they arrive signed in as themselves; password sign-in is switched off', async () => {
    const invited = await invitePerson(city.api, { role: 'supervisor', officeCode: city.code, name: '赵统一' });
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}/#/signin`);
    // The page draws its form once it has asked the API which ways of signing in are offered.
    await page.getByRole('link', { name: '统一身份认证登录' }).waitFor();
    expect(await page.getByLabel('用户名').count()).toBe(0);
    expect(await page.getByText('不再使用密码登录').count()).toBe(1);
    await shot(page, 'signin-sso');
    await throughProvider(page, invited.username);
    await page.waitForURL(`${baseUrl}/#/office`);
    await eventually(() => page.locator('#whoami').textContent(), (t) => expect(t).toContain('赵统一'));
    const refused = await request('POST', '/api/v1/auth/login', { baseUrl, body: { username: invited.username, password: GOOD_PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PASSWORD_SIGNIN_OFF');
  });

  test('when someone the provider knows but this office does not signs in, then no session is made and the page says why', async () => {
    const page = await browser.context.newPage();
    await throughProvider(page, `stranger-${uniqueCode('x')}`);
    await page.waitForURL(/#\/signin$/);
    await page.getByText('本系统没有您的账号').waitFor();
    expect(page.url()).not.toContain('signin=');
  });
});

describe("an admin's people page", () => {
  beforeEach(async () => {
    await browser.context.clearCookies();
  });

  test('when an admin invites a unit contact, sends a new link and deactivates a viewer, then the list shows each and the deactivated session ends', async () => {
    const admin = await invitePerson(city.api, { role: 'admin', officeCode: city.code, name: '孙管理' });
    expectStatus(await acceptInvitation(admin.token, GOOD_PASSWORD), 204);
    const viewer = await invitePerson(city.api, { role: 'viewer', officeCode: city.code, name: '钱查看' });
    expectStatus(await acceptInvitation(viewer.token, GOOD_PASSWORD), 204);
    const viewerSession = (await request('POST', '/api/v1/auth/login', { body: { username: viewer.username, password: GOOD_PASSWORD }, headers: { 'x-forwarded-for': '10.9.8.7' } })).headers.getSetCookie()[0].split(';')[0];

    const problemsBefore = browser.problems.length;
    const page = await browser.context.newPage();
    await passwordSignIn(page, admin.username, GOOD_PASSWORD);
    await page.waitForURL(/#\/office$/);
    await page.getByRole('link', { name: '人员' }).click();
    await page.getByRole('heading', { level: 1, name: '人员与权限' }).waitFor();

    const username = uniqueCode('contact').toLowerCase();
    await page.getByLabel('姓名').fill('周联络');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('角色').selectOption('unit_contact');
    await page.getByLabel('所属单位').selectOption({ label: unitName });
    await page.getByRole('button', { name: '发送邀请' }).click();
    const link = page.getByRole('textbox', { name: '邀请链接' });
    await link.waitFor();
    expect(await link.inputValue()).toMatch(/#\/invitation\/[\w-]+$/);
    const row = page.locator(`tr[data-username="${username}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('单位联络人');
    expect(await row.textContent()).toContain('待设置密码');
    await shot(page, 'people-invited');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'people-invited-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    page.once('dialog', (d) => void d.accept());
    await page.locator(`tr[data-username="${viewer.username}"]`).getByRole('button', { name: '停用' }).click();
    await eventually(() => page.locator(`tr[data-username="${viewer.username}"]`).textContent(), (t) => expect(t).toContain('已停用'));
    expect((await request('GET', '/api/v1/me', { headers: { cookie: viewerSession } })).status).toBe(401);
    expect(browser.problems.slice(problemsBefore)).toEqual([]);
  });
});
