/**
 * Scale-out at Partner Center's limit, on a virtual clock (issue 21). N instances consume one `purchase-requests`
 * queue, each with what an Azure instance has of its own: its queue poller's concurrency (host.json: 32 a fetch,
 * the next fetch when 16 are left, so at most 48 in flight) and its pacer state (a pace client with its own take in
 * flight, or today's per-process p-throttle). Each message goes through the real `handlePurchaseRequest`; a started
 * purchase then makes the calls that Partner Center's published limits count (its look at the order, then at the
 * plan's Azure subscriptions, repeated after `Retry-After` when throttled, as the workflow does), judged by the
 * Partner Center simulator's own limit enforcement (500 a minute per partner on orders and on subscriptions).
 *
 * Why a virtual clock and not the running service: a 1,000-line batch needs two minutes of real time at the limit,
 * and 16 instances are 16 processes (that is `npm run bench:batch -- --instances 16`, the full-size run over HTTP).
 * Here the same batch, the same limits and the same pacing code run in well under a second of CPU per N, so the
 * test keeps the real sizes instead of scaled ones.
 */
import { createThrottle, publishedThrottleRules } from '@azure-plan-local/simulators';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { partnerCenterThrottling } from '../../../orchestrations/durablePatterns/partnerCenterThrottling';
import { createPartnerCenterPace } from '../../../shared/partnerCenterPace/partnerCenterPace';
import { type Clock } from '../../../shared/platform/clock';
import { handlePurchaseRequest } from '../../../shared/purchaseBatches/handlePurchaseRequest';
import { perProcessPartnerCenterPace } from '../../../shared/purchaseBatches/purchaseStartPacing';
import { createInMemoryBatchRepository } from '../../support/inMemory/inMemoryBatchRepository';
import { createInMemoryPaceStore } from '../../support/inMemory/inMemoryPaceStore';

afterEach(() => {
  vi.useRealTimers();
});

const lines = 1000;
/** host.json `extensions.queues`: what one instance fetches and when it fetches again. */
const batchSize = 32;
const newBatchThreshold = 16;
const pollMs = 500;
/** The simulator provisions in 3 s; the workflow's first look at the order is 5 s after the checkout. */
const firstLookMs = 5_000;
const storeLatencyMs = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clock: Clock = { now: () => new Date() };
const quietLogger = { log: () => undefined, warn: () => undefined };

interface Run {
  seconds: number;
  minimumSeconds: number;
  ratio: number;
  failed: number;
  calls: number;
  throttled: number;
  lostRaces: number;
}

async function runBatch(instances: number, pacer: 'shared' | 'perProcess'): Promise<Run> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const throttle = createThrottle(publishedThrottleRules);
  const batches = createInMemoryBatchRepository();
  const paceStore = createInMemoryPaceStore({ latencyMs: storeLatencyMs });
  const queue = Array.from({ length: lines }, (_, index) => ({
    batchId: 'batch-1',
    lineId: String(index),
    customerId: `customer-${index}`,
    requestedBy: { userId: 'alice' },
  }));
  const counted = { calls: 0, throttled: 0, acceptedOrders: 0 };
  const finals: number[] = [];
  /** Messages whose handling threw (e.g. the pace could not be taken): the host would retry, then poison them. */
  let handlingFailures = 0;

  /** One look at the order (orders), then at the plan's Azure subscriptions (subscriptions): the readProvisioning activity. */
  const lookAtOrder = (): number | undefined => {
    for (const resource of ['orders', 'subscriptions']) {
      counted.calls += 1;
      const wait = throttle.admit({ resource, partnerTenantId: 'partner', nowMs: Date.now() });
      if (wait !== undefined) {
        counted.throttled += 1;
        return wait * 1000;
      }
      if (resource === 'orders') counted.acceptedOrders += 1;
    }
    return undefined;
  };
  /** The purchase after its start, as the workflow waits: a throttled look waits Retry-After and looks again. */
  const runPurchase = async (): Promise<void> => {
    await sleep(firstLookMs);
    for (;;) {
      const retryAfterMs = lookAtOrder();
      if (retryAfterMs === undefined) break;
      await sleep(Math.max(retryAfterMs, partnerCenterThrottling.minWaitMs));
    }
    finals.push(Date.now());
  };

  const consume = async (awaitTurn: Parameters<typeof handlePurchaseRequest>[0]['awaitTurn']) => {
    let inFlight = 0;
    const handling: Promise<unknown>[] = [];
    while (queue.length > 0) {
      if (inFlight <= newBatchThreshold) {
        for (const message of queue.splice(0, batchSize)) {
          inFlight += 1;
          handling.push(
            handlePurchaseRequest(
              {
                batches,
                ...(awaitTurn ? { awaitTurn } : {}),
                startPurchase: ({ purchaseId }) => {
                  handling.push(runPurchase());
                  return Promise.resolve({ purchaseId });
                },
                clock,
                logger: quietLogger,
              },
              message,
            )
              .catch(() => {
                handlingFailures += 1;
              })
              .finally(() => {
                inFlight -= 1;
              }),
          );
        }
      }
      await sleep(pollMs);
    }
    await Promise.all(handling);
  };

  const startedAt = Date.now();
  const consumers = Array.from({ length: instances }, () => {
    const pace =
      pacer === 'shared'
        ? createPartnerCenterPace({ store: paceStore.store, clock, sleep })
        : perProcessPartnerCenterPace(clock);
    return consume((onWait) => pace.awaitTurn(onWait));
  });
  let finished = false;
  void Promise.all(consumers).then(() => {
    finished = true;
  });
  while (!finished || finals.length < lines - handlingFailures) {
    await vi.advanceTimersByTimeAsync(250);
    if (Date.now() - startedAt > 3_600_000) throw new Error('the batch did not finish within an hour');
  }
  await Promise.all(consumers);
  const seconds = (Math.max(...finals) - startedAt) / 1000;
  const notStarted = batches.lines('batch-1').filter((line) => line.status !== 'accepted').length;
  const [ordersRule] = publishedThrottleRules;
  const minimumSeconds = counted.acceptedOrders / (ordersRule!.limit / ordersRule!.windowSeconds);
  return {
    seconds,
    minimumSeconds,
    ratio: seconds / minimumSeconds,
    failed: handlingFailures + notStarted,
    calls: counted.calls,
    throttled: counted.throttled,
    lostRaces: paceStore.stats.lostRaces,
  };
}

describe("a 1,000-line batch on N instances at Partner Center's published limit", () => {
  it.each([1, 4, 16])(
    'shared pace, %i instance(s): no line fails, within 1.1× of the minimum, 429s under 1 %',
    async (instances) => {
      const run = await runBatch(instances, 'shared');

      expect(run.failed).toBe(0);
      // 1,000 order looks at 500 a minute: two minutes.
      expect(run.minimumSeconds).toBeCloseTo(120, 0);
      expect(run.ratio).toBeLessThanOrEqual(1.1);
      expect(run.throttled / run.calls).toBeLessThan(0.01);
    },
    // About a second of CPU per N; the margin is for a machine shared by many test workers.
    60_000,
  );

  it("today's per-process pacer on 16 instances overruns the limit: most of the batch meets 429s", async () => {
    const run = await runBatch(16, 'perProcess');

    expect(run.throttled / run.calls).toBeGreaterThan(0.1);
  }, 60_000);
});
