import { describe, expect, it } from 'vitest';

import { RealClock, VirtualClock } from '../clock';
import { createWorkTracker } from '../idle';
import { eventually } from './fixtureSupport';

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const start = Date.UTC(2025, 0, 1);

describe('VirtualClock', () => {
  it('moves only on advance(), firing due items in time order (ties in scheduling order)', async () => {
    const tracker = createWorkTracker();
    const clock = new VirtualClock({ startTime: start, tracker });
    const fired: string[] = [];
    clock.schedule(start + 300, () => fired.push(`c@${clock.now() - start}`));
    clock.schedule(start + 100, () => fired.push(`a@${clock.now() - start}`));
    clock.schedule(start + 100, () => fired.push(`b@${clock.now() - start}`));
    const cancel = clock.schedule(start + 200, () => fired.push('canceled'));
    clock.schedule(start + 10_000, () => fired.push('later'));
    cancel();

    // A turn of the event loop: anything a real timer or a promise chain would fire by now has fired.
    await nextTurn();
    expect(clock.now()).toBe(start);
    expect(fired).toEqual([]);

    await clock.advance(1000);
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
    expect(clock.now()).toBe(start + 1000);
    expect(clock.pending()).toEqual([start + 10_000]);
  });

  it('sees chained timers created by fired work within the same advance, after the host settles', async () => {
    const tracker = createWorkTracker();
    const clock = new VirtualClock({ startTime: start, tracker });
    const fired: number[] = [];
    // Each firing starts async work (as an orchestration episode would) that schedules the next timer.
    const step = (n: number): void => {
      fired.push(clock.now() - start);
      const end = tracker.begin(`work ${n}`);
      void new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
        if (n < 4) {
          clock.schedule(clock.now() + 1000, () => step(n + 1));
        }
        end();
      });
    };
    clock.schedule(start + 1000, () => step(1));
    await clock.advance(3500);
    expect(fired).toEqual([1000, 2000, 3000]);
    await clock.advance(10_000);
    expect(fired).toEqual([1000, 2000, 3000, 4000]);
  });

  it('fires items already due without an advance, counted as work for waitForIdle', async () => {
    const tracker = createWorkTracker();
    const clock = new VirtualClock({ startTime: start, tracker });
    let fired = false;
    clock.schedule(start - 5, () => {
      fired = true;
    });
    expect(tracker.busy).toBe(1);
    await tracker.whenIdle();
    expect(fired).toBe(true);
    expect(clock.now()).toBe(start);
  });

  it('jumps 30 days without waiting for them', async () => {
    const tracker = createWorkTracker();
    const clock = new VirtualClock({ startTime: start, tracker });
    let firedAt = 0;
    clock.schedule(start + 30 * 86_400_000, () => {
      firedAt = clock.now();
    });
    await clock.advanceTo(new Date(start + 31 * 86_400_000));
    expect(firedAt).toBe(start + 30 * 86_400_000);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('RealClock', () => {
  it('fires at wall-clock time and can be canceled', async () => {
    const clock = new RealClock();
    const fired: string[] = [];
    clock.schedule(Date.now() + 30, () => fired.push('late'));
    clock.schedule(Date.now() + 10, () => fired.push('early'));
    const cancel = clock.schedule(Date.now() + 20, () => fired.push('canceled'));
    cancel();
    await eventually(() => fired.includes('late'));
    expect(fired).toEqual(['early', 'late']);
    clock.dispose();
  });
});

describe('WorkTracker', () => {
  it('is idle only when nothing is in flight, including work chained from finishing work', async () => {
    const tracker = createWorkTracker();
    let idle = false;
    const first = tracker.begin('first');
    const waiting = tracker.whenIdle().then(() => {
      idle = true;
    });
    // The first piece of work starts a second one from a promise continuation as it ends.
    let second: (() => void) | undefined;
    void Promise.resolve().then(() => {
      first();
      void Promise.resolve().then(() => {
        second = tracker.begin('second');
      });
    });
    await nextTurn();
    expect(idle).toBe(false);
    expect(tracker.busy).toBe(1);
    second?.();
    second?.(); // ending twice is harmless
    await waiting;
    expect(idle).toBe(true);
    expect(tracker.busy).toBe(0);
  });
});
