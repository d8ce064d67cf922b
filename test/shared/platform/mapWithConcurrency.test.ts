import { describe, expect, it } from 'vitest';

import { mapWithConcurrency } from '../../../shared/platform/mapWithConcurrency';

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('mapWithConcurrency', () => {
  it('returns the results in item order', async () => {
    const results = await mapWithConcurrency([3, 1, 2], 2, async (item) => {
      for (let turn = 0; turn < item; turn += 1) await nextTurn();
      return item * 10;
    });
    expect(results).toEqual([30, 10, 20]);
  });

  it('never runs more calls at once than allowed', async () => {
    let running = 0;
    let mostAtOnce = 0;
    await mapWithConcurrency(
      Array.from({ length: 20 }, (_, index) => index),
      4,
      async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await nextTurn();
        running -= 1;
      },
    );
    expect(mostAtOnce).toBe(4);
  });

  it('rejects with the first failure and starts no new calls after it', async () => {
    const started: number[] = [];
    const attempt = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await nextTurn();
      if (item === 1) throw new Error('item 1 failed');
    });
    await expect(attempt).rejects.toThrow('item 1 failed');
    expect(started.length).toBeLessThan(6);
  });

  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 8, () => Promise.resolve(1))).toEqual([]);
  });
});
