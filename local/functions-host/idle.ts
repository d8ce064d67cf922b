import type { WorkTracker } from './contracts';

/** A `WorkTracker` that can also say what is in flight (for timeouts and diagnostics). */
export interface LocalWorkTracker extends WorkTracker {
  /** Labels of the work in flight, oldest first. */
  inFlight(): string[];
}

/** Resolves on the next macrotask: promise chains started by the work that just ended run before it. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Counts work in flight. `whenIdle()` resolves once the count is zero and still zero a macrotask later, so work
 * that a finishing piece of work starts from a promise continuation is seen. Always on real timers
 * (`setImmediate`): it must work the same under the virtual clock.
 */
export function createWorkTracker(): LocalWorkTracker {
  const active = new Map<number, string>();
  let nextId = 0;
  let waiters: (() => void)[] = [];

  function notifyIfIdle(): void {
    if (active.size === 0 && waiters.length > 0) {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) {
        resolve();
      }
    }
  }

  return {
    get busy(): number {
      return active.size;
    },
    begin(label: string): () => void {
      const id = nextId++;
      active.set(id, label);
      let ended = false;
      return () => {
        if (ended) {
          return;
        }
        ended = true;
        active.delete(id);
        notifyIfIdle();
      };
    },
    async whenIdle(): Promise<void> {
      for (;;) {
        if (active.size > 0) {
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
        await nextMacrotask();
        if (active.size === 0) {
          return;
        }
      }
    },
    inFlight(): string[] {
      return [...active.values()];
    },
  };
}
