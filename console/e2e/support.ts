/**
 * The console as a person uses it: Debian's Chromium (or CHROME_PATH, or Playwright's own browser) driven by
 * playwright-core against the real `npm start` stack (scripts/start.ts on free ports, a fresh state folder), with
 * axe-core on every screen and a screenshot of every screen in English and French (console/test-results/, git-ignored).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

import { freeStackPorts, type LocalStack, startLocalStack } from '../../scripts/crash-test/localStack';
import { findChrome } from '../../scripts/findChrome';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');
export const screenshotsDir = path.join(repositoryRoot, 'console', 'test-results', 'screens');

export interface ConsoleStack {
  url: string;
  stack: LocalStack;
  browser: Browser;
  /** The Azurite connection string of this stack (for `npm run notifications`). */
  storage: string;
  stop(): Promise<void>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  if (!existsSync(path.join(repositoryRoot, 'console', 'dist', 'index.html'))) {
    throw new Error('The console is not built: run `npm run build:console` (npm run test:console does).');
  }
  const stateDir = mkdtempSync(path.join(tmpdir(), 'console-e2e-'));
  const ports = await freeStackPorts();
  const stack = await startLocalStack({
    stateDir,
    ports,
    env: { LOCAL_STATE: '', SIMULATOR_PROVISIONING_SECONDS: '1' },
  });
  const browser = await chromium.launch({ executablePath: await findChrome(), args: ['--no-sandbox'] });
  mkdirSync(screenshotsDir, { recursive: true });
  const storage =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `QueueEndpoint=http://127.0.0.1:${ports.queue}/devstoreaccount1;`;
  return {
    url: stack.url,
    stack,
    browser,
    storage,
    async stop() {
      await browser.close();
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Pages opened by the tests: screenshotted into test-results/failures/ when a test fails, for the review. */
export const openPages = new Set<Page>();

export async function screenshotFailure(testName: string): Promise<void> {
  const folder = path.join(repositoryRoot, 'console', 'test-results', 'failures');
  mkdirSync(folder, { recursive: true });
  let index = 0;
  for (const page of openPages) {
    if (page.isClosed()) continue;
    index += 1;
    const file = `${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${index}.png`;
    await page.screenshot({ path: path.join(folder, file), fullPage: true }).catch(() => undefined);
  }
  openPages.clear();
}

/** A new browser tab in English, signed in (through the sign-in page) with one role. */
export async function signedInPage(
  running: ConsoleStack,
  role: 'GlobalAdmin' | 'UserAdmin' | 'AdminAgent' | 'SalesAgent',
  name: string,
): Promise<Page> {
  const context = await running.browser.newContext({ locale: 'en-GB', baseURL: running.url });
  const page = await context.newPage();
  openPages.add(page);
  await page.goto('/customers');
  await page.getByRole('heading', { name: 'Sign in (local development)' }).waitFor();
  await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  return page;
}

/** No serious or critical axe violation (WCAG 2.1 A and AA rules) on what the page shows now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Colours mid-transition (a button just disabled, a message fading in) are not what the screen shows: let every
  // finite CSS transition and animation end first (a spinner's infinite one never does, and is not waited for).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations
    .map((violation) => ({
      ...violation,
      // Fluent's focus manager (tabster) puts `<i data-tabster-dummy aria-hidden tabindex=0>` sentinels around
      // arrow-key groups (TabList): they only pass the focus on and must stay hidden from screen readers. A known
      // false positive of aria-hidden-focus (microsoft/tabster#288), suppressed the same way by Microsoft's
      // Accessibility Insights (accessibility-insights-web#7605). Only those nodes are dropped.
      nodes:
        violation.id === 'aria-hidden-focus'
          ? violation.nodes.filter((node) => !node.html.includes('data-tabster-dummy'))
          : violation.nodes,
    }))
    .filter(
      (violation) =>
        violation.nodes.length > 0 && (violation.impact === 'serious' || violation.impact === 'critical'),
    );
  if (blocking.length > 0) {
    const summary = blocking
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.nodes
            .slice(0, 3)
            .map((node) => node.target.join(' '))
            .join('\n    ')}`,
      )
      .join('\n  ');
    throw new Error(`Accessibility violations on "${screen}":\n  ${summary}`);
  }
}

/**
 * Checks the screen as it is in both languages: axe and a screenshot in English, then switched to French with the
 * language switch (a French word of this screen must appear), axe and a screenshot, and back to English.
 */
export async function checkScreen(page: Page, screen: string, frenchText: string | RegExp): Promise<void> {
  await expectAccessible(page, `${screen} (en)`);
  await page.screenshot({ path: path.join(screenshotsDir, `${screen}.en.png`), fullPage: true });
  await page.locator('#language').selectOption('fr');
  await page.getByText(frenchText).first().waitFor();
  await expectAccessible(page, `${screen} (fr)`);
  await page.screenshot({ path: path.join(screenshotsDir, `${screen}.fr.png`), fullPage: true });
  await page.locator('#language').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

/** Presses Tab until `target` has the focus (keyboard only: no click), at most `max` times. */
export async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target.toString()} within ${max} presses.`);
}

/** What `npm run notifications -- --purchase <id>` prints: the messages an email sender would send. */
export async function notificationsOf(
  running: ConsoleStack,
  purchaseId: string,
): Promise<{ type: string; acceptUrl: string; email: string }[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(repositoryRoot, 'scripts', 'notifications.ts'), '--purchase', purchaseId],
    { cwd: repositoryRoot, env: { ...process.env, AzureWebJobsStorage: running.storage } },
  );
  return JSON.parse(stdout) as { type: string; acceptUrl: string; email: string }[];
}

/** Calls the API directly (set-up that is not what a test is about), with a token from the local sign-in. */
export async function callApi(
  running: ConsoleStack,
  role: string,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { token } = (await (
    await fetch(`${running.url}/.local-auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: [role], name: 'set-up' }),
    })
  ).json()) as { token: string };
  const response = await fetch(`${running.url}${apiPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
