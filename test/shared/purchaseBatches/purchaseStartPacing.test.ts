import { afterEach, describe, expect, it, vi } from 'vitest';

import { createPurchaseStartPacer } from '../../../shared/purchaseBatches/purchaseStartPacing';

afterEach(() => {
  vi.useRealTimers();
});

describe('createPurchaseStartPacer', () => {
  it('lets a burst start at once, then never more than the burst in any burst ÷ rate, and hands back what the start returns', async () => {
    vi.useFakeTimers();
    // 600 a minute = one every 100 ms, bursts of 2.
    const pace = createPurchaseStartPacer({ perMinute: 600, burst: 2 });
    const startedAt: number[] = [];
    const t0 = Date.now();
    const starts = Array.from({ length: 6 }, (_, index) =>
      pace(() => {
        startedAt.push(Date.now() - t0);
        return Promise.resolve(`purchase-${index}`);
      }),
    );

    await vi.advanceTimersByTimeAsync(199);
    expect(startedAt).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(500);
    expect(startedAt).toHaveLength(6);
    // No window of 200 ms (burst ÷ rate) holds more than the burst.
    for (let index = 2; index < startedAt.length; index += 1)
      expect(startedAt[index]! - startedAt[index - 2]!).toBeGreaterThanOrEqual(200);
    await expect(Promise.all(starts)).resolves.toEqual([0, 1, 2, 3, 4, 5].map((i) => `purchase-${i}`));
  });

  it('passes a refused start on to the caller', async () => {
    const pace = createPurchaseStartPacer({ perMinute: 600, burst: 2 });
    await expect(pace(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});
