import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  burstWindowMs,
  callPacingHoldMs,
  partnerCenterPaceRule,
} from '../../../shared/domain/rules/partnerCenterPace';
import { createPartnerCenterPace, withTurns } from '../../../shared/partnerCenterPace/partnerCenterPace';
import { type Clock } from '../../../shared/platform/clock';
import { perProcessPartnerCenterPace } from '../../../shared/purchaseBatches/purchaseStartPacing';
import { createInMemoryPaceStore } from '../../support/inMemory/inMemoryPaceStore';

afterEach(() => {
  vi.useRealTimers();
});

const clock: Clock = { now: () => new Date() };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('createPartnerCenterPace', () => {
  it('instances racing for the one pace document each get distinct turns, and none beyond the rule', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const shared = createInMemoryPaceStore({ latencyMs: 3 });
    const instances = Array.from({ length: 8 }, () =>
      createPartnerCenterPace({ store: shared.store, clock, sleep }),
    );
    const t0 = Date.now();
    const turns: number[] = [];
    const all = instances.flatMap((pace) =>
      Array.from({ length: 20 }, () =>
        pace.awaitTurn().then(() => {
          turns.push(Date.now() - t0);
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(10 * burstWindowMs(partnerCenterPaceRule));
    await Promise.all(all);

    expect(turns).toHaveLength(160);
    // 160 turns: the burst at once (after the store's round trips), then groups of 25 a burst window apart.
    const window = burstWindowMs(partnerCenterPaceRule);
    for (let group = 0; group * 25 < 160; group += 1) {
      const inGroup = turns.filter((at) => at >= group * window && at < (group + 1) * window);
      expect(inGroup.length).toBeLessThanOrEqual(25);
    }
    expect(Math.max(...turns)).toBeLessThan(7 * window);
    expect(shared.stats.lostRaces).toBeGreaterThan(0);
  });

  it('a long wait is announced with its end before the caller sleeps; a short one is not', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const pace = createPartnerCenterPace({ store: createInMemoryPaceStore().store, clock, sleep });
    const announced: Date[] = [];
    const onWait = (until: Date) => {
      announced.push(until);
      return Promise.resolve();
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 25 }, () => pace.awaitTurn(onWait)));
    expect(announced).toEqual([]);

    const late = pace.awaitTurn(onWait);
    await vi.advanceTimersByTimeAsync(0);
    expect(announced.map((until) => until.getTime() - t0)).toEqual([burstWindowMs(partnerCenterPaceRule)]);
    await vi.advanceTimersByTimeAsync(burstWindowMs(partnerCenterPaceRule));
    await late;
  });

  it('describes the pace and what a new line would wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const pace = createPartnerCenterPace({ store: createInMemoryPaceStore().store, clock, sleep });
    await expect(pace.describe()).resolves.toMatchObject({ mode: 'shared', burst: 25, newLineWaitMs: 0 });
    await Promise.all(Array.from({ length: 25 }, () => pace.awaitTurn()));
    await expect(pace.describe()).resolves.toMatchObject({
      perMinute: 483,
      newLineWaitMs: burstWindowMs(partnerCenterPaceRule),
    });
  });

  it('withTurns: the named calls (an order placed outside a batch) take a turn first, without waiting; others do not', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const shared = createInMemoryPaceStore();
    const pace = createPartnerCenterPace({ store: shared.store, clock, sleep });
    // A batch holds the next minute of turns.
    await Promise.all(Array.from({ length: 25 }, () => pace.awaitTurn()));
    const calls: string[] = [];
    const port = {
      checkout: (cartId: string) => {
        calls.push(`checkout ${cartId}`);
        return Promise.resolve({ orderId: 'o-1' });
      },
      getOrder: () => {
        calls.push('getOrder');
        return Promise.resolve('order');
      },
    };
    const paced = withTurns(port, pace, ['checkout']);
    const writesBefore = shared.stats.writes;

    await expect(paced.checkout('cart-1')).resolves.toEqual({ orderId: 'o-1' });
    await expect(paced.getOrder()).resolves.toBe('order');
    expect(calls).toEqual(['checkout cart-1', 'getOrder']);
    // The checkout's turn is counted: a batch line asking now comes after it.
    expect(shared.current()?.recent).toHaveLength(25);
    await expect(pace.describe()).resolves.toMatchObject({
      newLineWaitMs: burstWindowMs(partnerCenterPaceRule),
    });
    expect(shared.stats.writes - writesBefore).toBe(1);
  });

  it('pacedCalls: while batch lines take turns, calls on a limited resource wait for theirs; the 501st of a minute waits a minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const callStores = { orders: createInMemoryPaceStore(), subscriptions: createInMemoryPaceStore() };
    const pace = createPartnerCenterPace({
      store: createInMemoryPaceStore().store,
      clock,
      sleep,
      callStores: { orders: callStores.orders.store, subscriptions: callStores.subscriptions.store },
    });
    const calledAt: Record<string, number[]> = { getOrder: [], listAzureEntitlements: [], createCart: [] };
    const port = {
      getOrder: () => Promise.resolve(calledAt.getOrder!.push(Date.now())),
      listAzureEntitlements: () => Promise.resolve(calledAt.listAzureEntitlements!.push(Date.now())),
      createCart: () => Promise.resolve(calledAt.createCart!.push(Date.now())),
    };
    const t0 = Date.now();
    await pace.awaitTurn();
    const paced = pace.pacedCalls(port);

    const orders = Array.from({ length: 501 }, () => paced.getOrder());
    await Promise.all([paced.listAzureEntitlements(), paced.createCart()]);
    await vi.advanceTimersByTimeAsync(61_000);
    await Promise.all(orders);

    // 500 at once (the whole window), the 501st a window and its second of margin later.
    expect(calledAt.getOrder!.filter((at) => at === t0)).toHaveLength(500);
    expect(calledAt.getOrder!.at(-1)! - t0).toBe(61_000);
    // Each resource has its own turns; a call on no limited resource takes none.
    expect(calledAt.listAzureEntitlements).toEqual([t0]);
    expect(callStores.subscriptions.current()?.recent).toHaveLength(1);
    expect(calledAt.createCart).toEqual([t0]);
  });

  it('pacedCalls: with no batch line taking turns (a single purchase over HTTP), calls take none and cost no store request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const orders = createInMemoryPaceStore();
    const pace = createPartnerCenterPace({
      store: createInMemoryPaceStore().store,
      clock,
      sleep,
      callStores: { orders: orders.store, subscriptions: createInMemoryPaceStore().store },
    });
    const paced = pace.pacedCalls({ getOrder: () => Promise.resolve('order') });

    await expect(paced.getOrder()).resolves.toBe('order');
    expect(orders.stats.reads).toBe(0);

    // A batch line's turn: its calls are paced from now on, for callPacingHoldMs, then no longer.
    await pace.awaitTurn();
    await paced.getOrder();
    expect(orders.stats.writes).toBe(1);
    await vi.advanceTimersByTimeAsync(callPacingHoldMs);
    await paced.getOrder();
    expect(orders.stats.writes).toBe(1);
  });

  it("pacedCalls: today's per-process pacer paces no call", () => {
    const port = { getOrder: () => Promise.resolve('order') };
    expect(perProcessPartnerCenterPace(clock).pacedCalls(port)).toBe(port);
  });
});
