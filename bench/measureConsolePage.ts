/**
 * Issue 17: the console's customer page (Account), interactive in a real browser on `npm start`'s stack (goal within
 * 1 s), beside the API time it waits for. The stack is the one `npm start` runs (scripts/start.ts on free ports and
 * a fresh state folder, through scripts/crash-test/localStack.ts, as the browser tests do), the browser Debian's
 * Chromium (or CHROME_PATH, or Playwright's own) driven by playwright-core.
 *
 * Per load: a fresh navigation to `/customers/{id}` of a signed-in tab; interactive is the moment, in the page's
 * own clock (ms since the navigation started), when the customer's heading and its first action ("Update") are
 * both on screen (a MutationObserver installed before the page's scripts, so no polling latency is counted); the
 * API time is how long at least one `/api/` request was in flight before that moment (Resource Timing), so that
 * interactive − API is the front end's own share (loading the bundle, rendering).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type Browser, type Page } from 'playwright-core';

import { freeStackPorts, type LocalStack, startLocalStack } from '../scripts/crash-test/localStack';
import { findChrome } from '../scripts/findChrome';
import { aCustomerRegistration } from './benchClient';
import { atMost, type BenchRow } from './benchRow';
import { type BenchOptions, measuredRounds, measuredRow } from './runBench';

/** The customer page's goal (issue 17): interactive within a second. */
export const customerPageGoalMs = 1_000;

const rowIds = {
  interactive: 'console.customerPage.interactiveMs',
  api: 'console.customerPage.apiMs',
} as const;
const labels = {
  interactive: '(8) console: customer page interactive (browser)',
  api: '(8) console: API time the customer page waits for',
} as const;

/** Page-side: records when the customer's heading and its "Update" button are both shown. */
const interactiveProbe = `(() => {
  const shown = () =>
    [...document.querySelectorAll('h1, h2')].some((h) => (h.textContent || '').startsWith('Account —')) &&
    [...document.querySelectorAll('button')].some((b) => (b.textContent || '').trim() === 'Update' && !b.disabled);
  new MutationObserver((_, observer) => {
    if (window.__interactiveAt === undefined && shown()) {
      window.__interactiveAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

/** Page-side: the time at least one /api/ request was in flight before `until` (ms), and the paths asked. */
function apiTimeBefore(until: number): { inFlightMs: number; paths: string[] } {
  const requests = performance
    .getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
    // Resource Timing entries (the bench is compiled without the DOM types).
    .map((entry) => entry as unknown as { name: string; startTime: number; responseEnd: number })
    .filter((entry) => entry.responseEnd <= until)
    .map((entry) => ({
      start: entry.startTime,
      end: entry.responseEnd,
      path: new URL(entry.name).pathname,
    }))
    .sort((a, b) => a.start - b.start);
  let inFlightMs = 0;
  let coveredUntil = -Infinity;
  for (const { start, end } of requests) {
    if (end <= coveredUntil) continue;
    inFlightMs += end - Math.max(start, coveredUntil);
    coveredUntil = end;
  }
  return { inFlightMs, paths: requests.map((request) => request.path) };
}

const probed = new WeakSet<object>();

export interface CustomerPageLoad {
  interactiveMs: number;
  apiMs: number;
  apiPaths: string[];
}

/**
 * One fresh load of the customer's Account page in a signed-in tab (`page` is a playwright-core Page). Also used
 * by the browser suite (console/e2e/purchase.test.ts), so the bench and the test time the same thing.
 */
export async function loadCustomerPage(
  page: Page,
  customerId: string,
  companyName: string,
): Promise<CustomerPageLoad> {
  if (!probed.has(page)) {
    await page.addInitScript(interactiveProbe);
    probed.add(page);
  }
  await page.goto('about:blank');
  await page.goto(`/customers/${encodeURIComponent(customerId)}`);
  await page.getByRole('heading', { name: `Account — ${companyName}` }).waitFor();
  await page.getByRole('button', { name: 'Update' }).waitFor();
  const interactiveMs = await page.evaluate(
    () => (globalThis as unknown as { __interactiveAt?: number }).__interactiveAt ?? performance.now(),
  );
  const api = await page.evaluate(apiTimeBefore, interactiveMs);
  return { interactiveMs, apiMs: api.inFlightMs, apiPaths: api.paths };
}

/** A tab of `browser` signed in through the local sign-in page as a Sales agent. */
export async function signedInSalesAgent(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  const page = await context.newPage();
  await page.goto('/customers');
  await page.getByRole('heading', { name: 'Sign in (local development)' }).waitFor();
  await page.getByLabel('Role').selectOption('SalesAgent');
  await page.getByLabel('Name').fill('Bench');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  return page;
}

function unavailable(reason: string): BenchRow[] {
  return [
    { id: rowIds.interactive, label: labels.interactive, unavailable: reason },
    { id: rowIds.api, label: labels.api, unavailable: reason },
  ];
}

async function registerCustomer(baseUrl: string, customerId: string): Promise<void> {
  const tokenResponse = await fetch(`${baseUrl}/.local-auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: ['SalesAgent'], name: 'bench' }),
  });
  const { token } = (await tokenResponse.json()) as { token: string };
  const response = await fetch(`${baseUrl}/api/customers/${customerId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(aCustomerRegistration()),
  });
  if (response.status >= 300)
    throw new Error(`PUT customer answered ${response.status}: ${await response.text()}`);
}

/** Rows (8): skipped with a reason when asked to (`--quick`), when no Chromium is installed or the console is not built. */
export async function measureConsolePageRows(options: BenchOptions): Promise<BenchRow[]> {
  if (options.consolePageLoads === 0)
    return unavailable('skipped in --quick (it starts `npm start` and a browser, ~20 s)');
  if (!existsSync(path.join(options.appDir, 'console', 'dist', 'index.html')))
    return unavailable('the console is not built: run `npm run build:console` (npm run bench does)');
  let executablePath: string;
  try {
    executablePath = await findChrome();
  } catch (error) {
    return unavailable(error instanceof Error ? error.message : String(error));
  }
  const { chromium } = await import('playwright-core');
  const stateDir = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startLocalStack({ stateDir, ports: await freeStackPorts(), env: { LOCAL_STATE: '' } });
    const customerId = 'bench-console';
    await registerCustomer(stack.url, customerId);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const page = await signedInSalesAgent(browser, stack.url);
    const { companyName } = aCustomerRegistration();
    const loads = await measuredRounds(options, async () => {
      const round: CustomerPageLoad[] = [];
      for (let load = 0; load < options.consolePageLoads; load += 1)
        round.push(await loadCustomerPage(page, customerId, companyName));
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      return {
        interactiveMs: median(round.map((each) => each.interactiveMs)),
        apiMs: median(round.map((each) => each.apiMs)),
        apiPaths: round[0]!.apiPaths,
      };
    });
    const note = `median of ${options.consolePageLoads} fresh loads per round, signed in, on npm start's stack; API: ${[
      ...new Set(loads[0]?.apiPaths ?? []),
    ].join(', ')}`;
    return [
      measuredRow(
        {
          id: rowIds.interactive,
          label: labels.interactive,
          unit: 'ms',
          values: loads.map((load) => load.interactiveMs),
          note: `${note}; from navigation start to the customer and its "Update" shown`,
        },
        (median) => atMost(customerPageGoalMs, median),
      ),
      measuredRow({
        id: rowIds.api,
        label: labels.api,
        unit: 'ms',
        values: loads.map((load) => load.apiMs),
        note: `${note}; time with an /api/ request in flight before interactive (Resource Timing)`,
      }),
    ];
  } catch (error) {
    return unavailable(`failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  }
}
