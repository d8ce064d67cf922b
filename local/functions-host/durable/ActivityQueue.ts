import type { WorkTracker } from '../contracts';

/**
 * Runs activity work items with at most `limit` in flight (`maxConcurrentActivityFunctions`); the rest wait in
 * order. Each item counts as work from the moment it is queued until it has delivered its result, so the
 * harness's `waitForIdle()` never sees a gap between an activity finishing and its completion being processed.
 */
export class ActivityQueue {
  readonly #waiting: { run: () => Promise<void>; done: () => void }[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  constructor(
    private readonly limit: number,
    private readonly tracker: WorkTracker,
  ) {}

  push(label: string, run: () => Promise<void>): void {
    if (this.#stopped) return;
    this.#waiting.push({ run, done: this.tracker.begin(label) });
    this.#pump();
  }

  get running(): number {
    return this.#inFlight.size;
  }

  /** Drops queued items and resolves once running ones have settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const item of this.#waiting.splice(0)) item.done();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #pump(): void {
    while (this.#inFlight.size < this.limit && this.#waiting.length > 0) {
      const item = this.#waiting.shift();
      if (!item) return;
      const running = item
        .run()
        .catch(() => undefined)
        .finally(() => {
          this.#inFlight.delete(running);
          item.done();
          if (!this.#stopped) this.#pump();
        });
      this.#inFlight.add(running);
    }
  }
}
