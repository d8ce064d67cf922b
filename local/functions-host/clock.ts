import type { HostClock, WorkTracker } from './contracts';

/** Node's timers overflow above 2^31-1 ms (~24.8 days) and then fire at once; longer waits are chained. */
const maxTimerDelay = 2_147_483_647;

/** Wall-clock time, for `npm start`. Scheduled items run on Node timers that do not keep the process alive. */
export class RealClock implements HostClock {
  readonly kind = 'real' as const;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #onError: (error: unknown) => void;

  constructor(options: { onError?: (error: unknown) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  now(): number {
    return Date.now();
  }

  schedule(at: number, fn: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const delay = Math.max(0, at - Date.now());
      timer = setTimeout(
        () => {
          if (timer) {
            this.#timers.delete(timer);
          }
          if (cancelled) {
            return;
          }
          if (at > Date.now()) {
            arm();
            return;
          }
          try {
            fn();
          } catch (error) {
            this.#onError(error);
          }
        },
        Math.min(delay, maxTimerDelay),
      );
      timer.unref();
      this.#timers.add(timer);
    };
    arm();
    return () => {
      cancelled = true;
      if (timer) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
    };
  }

  /** Cancels everything still scheduled (host stop). */
  dispose(): void {
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
  }
}

interface ScheduledItem {
  at: number;
  seq: number;
  fn: () => void;
}

export interface VirtualClockOptions {
  /** Epoch ms the clock starts at; defaults to the wall clock at creation. */
  startTime?: number;
  /** The host's tracker: `advance` waits for it after each fired item. */
  tracker: WorkTracker;
  onError?: (error: unknown) => void;
}

/**
 * Time that only moves when a test says so. `advance(ms)` fires the items that come due in time order (ties in
 * scheduling order) and, after each, waits until the host is idle, so a timer created by work that a fired timer
 * started is seen within the same `advance` (a retry's next timer, a long timer's next segment). Items scheduled
 * at or before `now()` fire on the next macrotask without an advance, counted as work so `waitForIdle()` sees them.
 *
 * Only the host's scheduled work follows this clock (durable timers, `currentUtcDateTime`); the app's own
 * `Date.now()`, Azurite's visibility timeouts and queue polling stay on wall-clock time.
 */
export class VirtualClock implements HostClock {
  readonly kind = 'virtual' as const;
  #now: number;
  #seq = 0;
  #items: ScheduledItem[] = [];
  #flushQueued = false;
  #advancing: Promise<void> = Promise.resolve();
  readonly #tracker: WorkTracker;
  readonly #onError: (error: unknown) => void;

  constructor(options: VirtualClockOptions) {
    this.#now = options.startTime ?? Date.now();
    this.#tracker = options.tracker;
    this.#onError = options.onError ?? (() => {});
  }

  now(): number {
    return this.#now;
  }

  schedule(at: number, fn: () => void): () => void {
    const item: ScheduledItem = { at, seq: this.#seq++, fn };
    // Sorted insert by (at, seq): fire order is time order, then scheduling order.
    let index = this.#items.length;
    while (index > 0 && (this.#items[index - 1] as ScheduledItem).at > at) {
      index--;
    }
    this.#items.splice(index, 0, item);
    if (at <= this.#now) {
      this.#queueFlush();
    }
    return () => {
      const position = this.#items.indexOf(item);
      if (position >= 0) {
        this.#items.splice(position, 1);
      }
    };
  }

  /** Moves time forward by `ms`, firing due items one by one and letting the host settle after each. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`advance(ms) needs a finite, non-negative number, got ${ms}`));
    }
    // Serialised: two overlapping advances would otherwise interleave their fire order.
    const run = this.#advancing.then(() => this.#advanceTo(this.#now + ms));
    this.#advancing = run.catch(() => {});
    return run;
  }

  /** Moves time forward to `at` (epoch ms or Date); never backwards. */
  advanceTo(at: number | Date): Promise<void> {
    const target = typeof at === 'number' ? at : at.getTime();
    return this.advance(Math.max(0, target - this.#now));
  }

  /** When the scheduled items are due, earliest first (diagnostics and tests). */
  pending(): number[] {
    return this.#items.map((item) => item.at);
  }

  dispose(): void {
    this.#items = [];
  }

  async #advanceTo(target: number): Promise<void> {
    await this.#tracker.whenIdle();
    for (;;) {
      const next = this.#items[0];
      if (!next || next.at > target) {
        break;
      }
      this.#items.shift();
      this.#now = Math.max(this.#now, next.at);
      this.#fire(next);
      await this.#tracker.whenIdle();
    }
    this.#now = Math.max(this.#now, target);
    await this.#tracker.whenIdle();
  }

  #fire(item: ScheduledItem): void {
    try {
      item.fn();
    } catch (error) {
      this.#onError(error);
    }
  }

  #queueFlush(): void {
    if (this.#flushQueued) {
      return;
    }
    this.#flushQueued = true;
    const end = this.#tracker.begin('virtual clock: items already due');
    setImmediate(() => {
      this.#flushQueued = false;
      try {
        // Only what is due now: later items wait for an advance.
        while (this.#items[0] && this.#items[0].at <= this.#now) {
          this.#fire(this.#items.shift() as ScheduledItem);
        }
      } finally {
        end();
      }
    });
  }
}
