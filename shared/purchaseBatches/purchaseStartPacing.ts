import pThrottle from 'p-throttle';

import { type PartnerCenterPace } from '../partnerCenterPace/partnerCenterPace';
import { type Clock } from '../platform/clock';

/**
 * Partner Center's published rate limit that binds a purchase: 500 requests a minute per partner tenant on the
 * Order resource, and the same on Subscription (PCD `order-resources.md`, `subscription-resources.md`). A purchase
 * reads its order and its plan's Azure entitlements at least once each, so at most this many purchases a minute
 * can finish, however fast they start.
 */
export const partnerCenterPurchasesPerMinute = 500;

/** Starts let through at once before pacing sets in: a batch this small never waits. */
export const purchaseStartBurst = 25;

export type PurchaseStartPacer = <T>(start: () => Promise<T>) => Promise<T>;

/**
 * Paces the starts of batch purchases to the rate Partner Center lets them finish. Started faster, a large batch
 * puts every line's early steps ahead of the first lines' order reads (the durable work queues are first in, first
 * out): Partner Center's order limit then sits idle for the first minutes and is overrun afterwards, and the lines
 * queue behind 429s. Paced, each line reaches its order reads while the limit has room, and the batch finishes at
 * about the limit's rate. One pacer per process: with several instances each paces on its own, and Partner Center's
 * 429s (waited out on durable timers) still have the last word.
 */
export function createPurchaseStartPacer(
  options: { perMinute: number; burst: number } = {
    perMinute: partnerCenterPurchasesPerMinute,
    burst: purchaseStartBurst,
  },
): PurchaseStartPacer {
  // Strict: after the burst, starts are evenly spaced and no window of `interval` holds more than `burst` of them,
  // so no minute holds more than `perMinute`.
  const throttle = pThrottle({
    limit: options.burst,
    interval: (60_000 * options.burst) / options.perMinute,
    strict: true,
  });
  const slot = throttle(() => Promise.resolve());
  return async (start) => {
    await slot();
    return start();
  };
}

/**
 * Today's pacer before the shared pace (PARTNER_CENTER_PACE=perProcess): each instance paces on its own, so N
 * instances start up to N × the limit. Kept for comparison: `npm run bench:batch` runs it beside the shared pace.
 */
export function perProcessPartnerCenterPace(clock: Clock): PartnerCenterPace {
  const pacer = createPurchaseStartPacer();
  let queued = 0;
  const interval = 60_000 / partnerCenterPurchasesPerMinute;
  return {
    // Before the shared pace only batch lines were paced: no turn for other orders, nor for any call.
    reserveTurn: () => Promise.resolve(),
    pacedCalls: (port) => port,
    async awaitTurn() {
      queued += 1;
      try {
        await pacer(() => Promise.resolve());
      } finally {
        queued -= 1;
      }
    },
    describe() {
      // The p-throttle queue of this instance only; other instances are not seen.
      const waitMs = Math.max(0, queued - purchaseStartBurst) * interval;
      return Promise.resolve({
        mode: 'perProcess',
        perMinute: partnerCenterPurchasesPerMinute,
        burst: purchaseStartBurst,
        nextTurnAt: new Date(clock.now().getTime() + waitMs).toISOString(),
        newLineWaitMs: waitMs,
      });
    },
  };
}
