import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { someAddress } from '../../integration/support/people';
import { ROOT } from '../../integration/support/processes';
import { stack } from '../../integration/support/stack';

/** Debian's chromium; `npm test` installs it when it runs as root on Debian. */
export const CHROMIUM = process.env.DUBAN_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SHOTS = path.join(ROOT, '.data', 'e2e-shots');

export interface Browser {
  context: BrowserContext;
  /** A new tab on the app; its console errors and CSP violations are collected in `problems`. */
  open(): Promise<Page>;
  /** Console errors, page errors and failed scripts seen so far in any tab. */
  problems: string[];
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, pointed at the API under test. Fails, never skips, without chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}, which is missing: install it with \`apt-get install chromium\` (npm test does this itself when run as root on Debian) or set DUBAN_CHROMIUM`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    baseURL: stack().baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    // A client address of its own (the API trusts X-Forwarded-For from loopback), so failed sign-ins
    // by other suites on the same API, which the per-address limit counts, never lock this browser out.
    extraHTTPHeaders: { 'x-forwarded-for': someAddress() },
  });
  context.setDefaultTimeout(20_000);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      // A 4xx answer the page handles (e.g. 409, 422) is logged by Chromium as a failed resource; that is expected.
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    context,
    problems,
    open: async () => {
      const [blank] = context.pages().filter((p) => p.url() === 'about:blank');
      return blank ?? context.newPage();
    },
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot to .data/e2e-shots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Opens the sign-in page's token form, folded under the username and password. */
export async function pasteToken(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByText('使用访问令牌登录').click();
  await page.getByLabel('访问令牌').fill(token);
  await page.getByRole('button', { name: '用令牌登录' }).click();
}

/** Pastes the token on the sign-in page as a program's operator would, and waits for the portal of its role. */
export async function signIn(page: Page, token: string): Promise<void> {
  await pasteToken(page, token);
  await page.waitForURL(/#\/(office|unit|observer)$/);
  await page.locator('h1#page-title').waitFor();
}

/**
 * Reads until `check` (jest assertions) passes, as a person waits for a page to settle;
 * after `timeoutMs` it fails with the last assertion's message.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
