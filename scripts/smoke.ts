/**
 * The post-deploy smoke: `npm run smoke -- --base-url https://<app>.azurewebsites.net [--token <jwt>] [--wait 180]`.
 *
 * 1. `GET /api/health` answers 200 with every check `ok` (Cosmos DB, Storage, Partner Center, ARM); with `--wait`
 *    it is asked again until then (a fresh deploy warms up), and the last answer is the reason;
 * 2. `GET /api/openapi.json` is an OpenAPI 3.1 document with paths;
 * 3. an authenticated read: `GET /api/customers/<random id>` with the token (`--token` or `SMOKE_TOKEN`) reaches
 *    the store and answers 404 CustomerNotFound (problem+json), and without a token answers 401.
 *
 * Exits 0 when all pass; otherwise 1, printing each failure's reason.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface SmokeOptions {
  baseUrl: string;
  token?: string;
  /** Keep asking health for up to this long (ms) before reporting it. */
  waitMs?: number;
  log?: (line: string) => void;
}

export interface SmokeResult {
  ok: boolean;
  failures: string[];
}

const requestTimeoutMs = 15_000;

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(requestTimeoutMs) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

async function checkHealth(base: string, waitMs: number): Promise<string | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let reason: string;
    try {
      const health = await get(`${base}/api/health`);
      const checks = (health.body as { checks?: Record<string, string> } | undefined)?.checks ?? {};
      const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
      if (health.status === 200 && Object.keys(checks).length > 0 && failing.length === 0) return undefined;
      reason =
        `health answered ${health.status}` +
        (failing.length > 0 ? `: ${failing.map(([name, state]) => `${name} ${state}`).join(', ')}` : '') +
        ` ${JSON.stringify(health.body)}`;
    } catch (error) {
      reason = `health did not answer: ${describeError(error)}`;
    }
    if (Date.now() >= deadline) return reason;
    await new Promise((done) => setTimeout(done, Math.min(5_000, Math.max(0, deadline - Date.now()))));
  }
}

async function checkOpenApi(base: string): Promise<string | undefined> {
  try {
    const document = await get(`${base}/api/openapi.json`);
    const body = document.body as { openapi?: string; paths?: Record<string, unknown> } | undefined;
    if (document.status !== 200) return `openapi.json answered ${document.status}`;
    if (!body?.openapi?.startsWith('3.1')) return `openapi.json is not an OpenAPI 3.1 document`;
    if (Object.keys(body.paths ?? {}).length === 0) return 'openapi.json lists no paths';
    return undefined;
  } catch (error) {
    return `openapi.json did not answer: ${describeError(error)}`;
  }
}

async function checkAuthenticatedRead(base: string, token: string | undefined): Promise<string[]> {
  const url = `${base}/api/customers/${randomUUID()}`;
  const failures: string[] = [];
  try {
    const anonymous = await get(url);
    if (anonymous.status !== 401)
      failures.push(`a read without a token answered ${anonymous.status}, not 401`);
    if (!token) {
      failures.push('no token for the authenticated read: pass --token or set SMOKE_TOKEN');
      return failures;
    }
    const read = await get(url, { authorization: `Bearer ${token}` });
    const code = (read.body as { code?: string } | undefined)?.code;
    if (read.status !== 404 || code !== 'CustomerNotFound') {
      failures.push(
        `the authenticated read of an unknown customer answered ${read.status} ${code ?? ''} (expected 404 ` +
          `CustomerNotFound): ${JSON.stringify(read.body)}`,
      );
    }
  } catch (error) {
    failures.push(`the authenticated read did not answer: ${describeError(error)}`);
  }
  return failures;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const log = options.log ?? (() => {});
  const failures: string[] = [];
  const health = await checkHealth(base, options.waitMs ?? 0);
  log(`${health ? '✗' : '✓'} health: every check ok${health ? ` — ${health}` : ''}`);
  if (health) failures.push(health);
  const openApi = await checkOpenApi(base);
  log(`${openApi ? '✗' : '✓'} OpenAPI document${openApi ? ` — ${openApi}` : ''}`);
  if (openApi) failures.push(openApi);
  const read = await checkAuthenticatedRead(base, options.token);
  log(`${read.length > 0 ? '✗' : '✓'} authenticated read${read.length > 0 ? ` — ${read.join('; ')}` : ''}`);
  failures.push(...read);
  return { ok: failures.length === 0, failures };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      wait: { type: 'string', default: '0' },
    },
  });
  const baseUrl = values['base-url'];
  if (!baseUrl) {
    console.error('Usage: npm run smoke -- --base-url <url> [--token <jwt>] [--wait <seconds>]');
    process.exit(2);
  }
  runSmoke({
    baseUrl,
    token: values.token ?? process.env.SMOKE_TOKEN,
    waitMs: Number(values.wait) * 1000,
    log: (line) => console.log(line),
  }).then(
    (result) => {
      if (!result.ok) console.error(`smoke failed against ${baseUrl}:\n- ${result.failures.join('\n- ')}`);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
