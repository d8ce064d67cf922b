/**
 * Runs in a fresh Node process (see measureFirstRequest.ts): starts the local host over the app in `APP_DIR` and
 * asks GET /api/health until it answers, then prints how long that took as JSON on stdout. The stores and settings
 * come from the parent (`APP_SETTINGS`, JSON).
 */
import { performance } from 'node:perf_hooks';

import { silentLogger, startLocalHost } from '@azure-plan-local/functions-host';

async function main(): Promise<void> {
  const appDir = process.env.APP_DIR;
  if (!appDir) throw new Error('APP_DIR is not set.');
  const hostStart = performance.now();
  const host = await startLocalHost({
    appDir,
    port: 0,
    clock: 'real',
    logger: process.env.BENCH_LOGS ? undefined : silentLogger,
    loadLocalSettings: false,
    env: JSON.parse(process.env.APP_SETTINGS ?? '{}') as Record<string, string>,
    queueTriggers: false,
  });
  const response = await fetch(`${host.url}/api/health`);
  const body = await response.text();
  const answered = performance.now();
  await host.stop();
  process.stdout.write(
    `\n${JSON.stringify({
      status: response.status,
      ...(response.ok ? {} : { body }),
      sinceProcessStartMs: answered,
      sinceHostStartMs: answered - hostStart,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
