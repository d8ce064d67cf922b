import { afterEach, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../index';
import { exponentialDelays } from '../../worker/retryPolicy';
import { type CollectingLogger, collectingLogger, fixtureAppDir, fixtureEvents } from '../fixtureSupport';

interface RetryContext {
  retryCount: number;
  maxRetryCount: number;
  exception?: { message?: string };
}

const second = 1000;
/** Monday 2026-01-05 10:00:30 UTC; the fixture's timers run daily at 10:01, 10:02, 10:03 and 10:04. */
const start = Date.UTC(2026, 0, 5, 10, 0, 30);
const at = (minute: number, seconds = 0): number => Date.UTC(2026, 0, 5, 10, minute) + seconds * second;

let host: LocalHost | undefined;
let logger: CollectingLogger;

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function startFixture(): Promise<LocalHost> {
  logger = collectingLogger();
  host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    startTime: new Date(start),
    logger,
    queueTriggers: false,
    loadLocalSettings: false,
    env: { FX_RETRIES: '1' },
  });
  await host.waitForIdle();
  return host;
}

function attempts(kind: string): (RetryContext | null)[] {
  return fixtureEvents(kind).map((event) => event.retryContext as RetryContext | null);
}

/** Advances the host's virtual clock to `time` (epoch ms). */
async function advanceTo(running: LocalHost, time: number): Promise<void> {
  await running.advance(time - running.clock.now());
}

describe('function retry policies on timer triggers', () => {
  it('fixedDelay: retries a failed run maxRetryCount times, delayInterval apart, with the retry context', async () => {
    const running = await startFixture();
    const before = attempts('fxFixedRetry').length;
    const seen = () => attempts('fxFixedRetry').slice(before);

    await advanceTo(running, at(1, 0));
    expect(seen()).toHaveLength(1);
    await advanceTo(running, at(1, 9.999));
    expect(seen()).toHaveLength(1);
    await advanceTo(running, at(1, 10));
    expect(seen()).toHaveLength(2);
    await advanceTo(running, at(1, 20));
    expect(seen()).toHaveLength(3);
    await advanceTo(running, at(1, 59));
    expect(seen()).toHaveLength(3); // two retries, then it gives up until the next occurrence

    expect(seen()).toEqual([
      { retryCount: 0, maxRetryCount: 2 },
      {
        retryCount: 1,
        maxRetryCount: 2,
        exception: expect.objectContaining({ message: 'fxFixedRetry attempt 0 failed' }) as unknown,
      },
      {
        retryCount: 2,
        maxRetryCount: 2,
        exception: expect.objectContaining({ message: 'fxFixedRetry attempt 1 failed' }) as unknown,
      },
    ]);
    expect(logger.lines.map((line) => line.message)).toContain(
      "Function 'fxFixedRetry': execution failed after '2' retries.",
    );
  });

  it('exponentialBackoff: waits the minimum first, then longer, never beyond the maximum', async () => {
    const running = await startFixture();
    const before = attempts('fxExponentialRetry').length;
    const count = () => attempts('fxExponentialRetry').length - before;

    await advanceTo(running, at(2, 0));
    expect(count()).toBe(1);
    await advanceTo(running, at(2, 10)); // the minimum, 10 s
    expect(count()).toBe(2);
    await advanceTo(running, at(2, 27.9)); // then 10 s + 10 s × [0.8, 1.2): 18 to 22 s
    expect(count()).toBe(2);
    await advanceTo(running, at(2, 32));
    expect(count()).toBe(3);
    await advanceTo(running, at(2, 53.9)); // then 10 s + 20 s × [0.8, 1.2), capped at 30 s: 26 to 30 s
    expect(count()).toBe(3);
    await advanceTo(running, at(3, 2));
    expect(count()).toBe(4);
    await advanceTo(running, at(3, 23.9)); // then the maximum, 30 s
    expect(count()).toBe(4);
    await advanceTo(running, at(3, 32));
    expect(count()).toBe(5);
    await advanceTo(running, at(9, 0));
    expect(count()).toBe(5); // four retries, then no more
  });

  it('stops retrying once an attempt succeeds', async () => {
    const running = await startFixture();
    const before = attempts('fxRecoversOnRetry').length;
    await advanceTo(running, at(3, 59));
    expect(
      attempts('fxRecoversOnRetry')
        .slice(before)
        .map((context) => context?.retryCount),
    ).toEqual([0, 1, 2]);
  });

  it('retries without end with maxRetryCount -1, and a stopping host ends the wait', async () => {
    const running = await startFixture();
    const before = attempts('fxEndlessRetry').length;
    await advanceTo(running, at(4, 0) + 10 * 60 * second);
    expect(attempts('fxEndlessRetry').length - before).toBe(11);
    await running.stop(); // resolves although the next retry is a minute away
    host = undefined;
    expect(logger.lines.map((line) => line.message)).toContain(
      "Function 'fxEndlessRetry': invocation cancelled - exiting retry loop.",
    );
  });

  it('warns at start about retry policies that do not run: not on queue triggers, nor on HTTP', async () => {
    await startFixture();
    const warning = logger.lines.find(
      (line) => line.level === 'warn' && line.message.startsWith('The local Functions host does not run'),
    )?.message;
    expect(warning).toMatch(/fxQueueWithRetry: its retry policy is ignored: .*dequeue count/);
    expect(warning).toMatch(/fxHttpWithRetry: its retry policy is ignored: .*not on httpTrigger/);
    expect(warning).not.toMatch(/fxFixedRetry|fxExponentialRetry/);
  });
});

describe('the exponential back-off sequence (WebJobs RandomizedExponentialBackoffStrategy)', () => {
  it('starts at the minimum and grows by the minimum × 2^(n-2) × [0.8, 1.2), up to the maximum', () => {
    const low = exponentialDelays(10_000, 60_000, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(low)).toEqual([10_000, 18_000, 26_000, 42_000, 60_000, 60_000]);
    const high = exponentialDelays(10_000, 60_000, () => 0.5);
    expect([1, 2, 3, 4].map(high)).toEqual([10_000, 20_000, 30_000, 50_000]);
  });
});
