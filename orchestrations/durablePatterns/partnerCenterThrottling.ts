import { type OrchestrationContext, type Task } from 'durable-functions';

/** How an activity reports Partner Center's 429: the wait it asked for (`Retry-After`). */
export interface Throttled {
  outcome: 'throttled';
  retryAfterMs: number;
}

/**
 * How both workflows wait out Partner Center's throttling (docs/batches.md, "Throttling ends a step by time"):
 * each wait is a durable timer of the asked `Retry-After` (at least `minWaitMs`), and a step gives up only after
 * Partner Center has throttled it without a break for `giveUpAfterMs`. Time, not a count of answers: under
 * contention Partner Center answers more 429s with shorter `Retry-After`s, which must slow a batch, not fail it.
 * Partner Center documents no figure for how long a throttling episode lasts (PCD `api-throttling-guidance.md` says
 * "for a period of time"); an hour is far beyond its one-minute windows (500 a minute on orders and
 * subscriptions) and short enough that a purchase that cannot start says so the same day.
 */
export const partnerCenterThrottling = {
  giveUpAfterMs: 3_600_000,
  minWaitMs: 1_000,
  /** Waits of one step grow at least this fast (1 s, 2 s, 4 s … ), the guidance's "then exponential back-off". */
  backoffCeilingMs: 60_000,
} as const;

/** The least wait before the next try, by how many waits the step had: 1 s doubling to a minute. */
export function throttlingBackoffMs(waits: number): number {
  return Math.min(partnerCenterThrottling.minWaitMs * 2 ** waits, partnerCenterThrottling.backoffCeilingMs);
}

export type ThrottlingEnd<R> =
  /** Partner Center answered something other than 429 (or the step was not answered at all). */
  | { outcome: 'answered'; result: R }
  /** Throttled without a break for `giveUpAfterMs`, counted from `since` (or `giveUpAfterWaits` times). */
  | { outcome: 'gaveUp'; since: string; throttledForMs: number }
  /** `waitsPerExecution` waits done here: the caller continues as new, carrying `since`. */
  | { outcome: 'continueAsNew'; since: string };

function isThrottled(result: unknown): result is Throttled {
  return (
    typeof result === 'object' && result !== null && (result as { outcome?: unknown }).outcome === 'throttled'
  );
}

/**
 * Runs a Partner Center step until it is not throttled, waiting on durable timers, and ends it by time: the shared
 * pattern of the purchase and the transition. `since` carries the start of the throttling across a continue-as-new;
 * `minWaitMs` is the least wait after the given number of waits in this execution.
 */
export function* waitOutThrottling<R>(
  context: OrchestrationContext,
  step: () => Generator<Task, R | Throttled, unknown>,
  options: {
    since?: string | undefined;
    waitsPerExecution?: number;
    giveUpAfterMs?: number;
    /** Only for the purchase's inputs before version 4, which ended a step after this many waits. */
    giveUpAfterWaits?: number;
    minWaitMs?: (waits: number) => number;
  } = {},
): Generator<Task, ThrottlingEnd<Exclude<R, Throttled>>, unknown> {
  let since = options.since;
  const minWaitMs = options.minWaitMs ?? (() => partnerCenterThrottling.minWaitMs);
  const giveUpAfterMs = options.giveUpAfterMs ?? partnerCenterThrottling.giveUpAfterMs;
  for (let waits = 0; ;) {
    const result = yield* step();
    if (!isThrottled(result)) return { outcome: 'answered', result: result as Exclude<R, Throttled> };
    const now = context.df.currentUtcDateTime.getTime();
    since ??= context.df.currentUtcDateTime.toISOString();
    const throttledForMs = now - Date.parse(since);
    if (throttledForMs >= giveUpAfterMs || waits >= (options.giveUpAfterWaits ?? Infinity)) {
      return { outcome: 'gaveUp', since, throttledForMs };
    }
    yield context.df.createTimer(new Date(now + Math.max(result.retryAfterMs, minWaitMs(waits))));
    waits += 1;
    if (options.waitsPerExecution !== undefined && waits >= options.waitsPerExecution) {
      return { outcome: 'continueAsNew', since };
    }
  }
}
