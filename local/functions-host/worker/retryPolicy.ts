import type { RegisteredFunction } from '../contracts';

/**
 * A function-level retry policy (`retry: { strategy, maxRetryCount, … }` in `app.timer(...)` and friends), as the
 * host runs it (WebJobs `FunctionExecutorExtensions.TryExecuteAsync`): a failed execution is run again after
 * `nextDelay(retryCount)` until it succeeds or `maxRetryCount` retries have failed (-1: without end); the worker sees
 * `context.retryContext` `{ retryCount, maxRetryCount, exception }` on each attempt.
 *
 * On Azure the runtime honours these policies only on timer, Kafka, Event Hubs and Azure Cosmos DB triggers
 * (learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages, "Retries"); queue triggers retry
 * through the queue itself (the message's dequeue count against `maxDequeueCount`, then the poison queue). Of those
 * four the local host runs the timer trigger only.
 */
export interface RetryPolicy {
  readonly strategy: 'fixedDelay' | 'exponentialBackoff';
  /** -1: retry without end. */
  readonly maxRetryCount: number;
  /** A fresh delay sequence for one execution and its retries (the exponential one keeps state, as WebJobs' does). */
  delays(): (retryCount: number) => number;
  /** For the start-up listing: `fixedDelay, 3 retries, 10 s apart`. */
  readonly summary: string;
}

/** The trigger types whose retry policy the local host runs (lower case). */
export const retryingTriggers: ReadonlySet<string> = new Set(['timertrigger']);

/** Trigger types on which Azure runs a retry policy but the local host runs no trigger at all. */
const retryingOnAzureOnly = new Set(['kafkatrigger', 'eventhubtrigger', 'cosmosdbtrigger']);

/** WebJobs' `RandomizedExponentialBackoffStrategy.RandomizationFactor`. */
const randomizationFactor = 0.2;

/**
 * The function's retry policy as `@azure/functions` hands it over (`retryOptions`: `retryStrategy`,
 * `maxRetryCount`, and durations as `{ seconds }`, already rounded to whole seconds by the library, as the real host
 * receives them); undefined without one. A policy the host would refuse throws, naming the function.
 */
export function readRetryPolicy(fn: RegisteredFunction): RetryPolicy | undefined {
  const options = fn.retryOptions as Record<string, unknown> | undefined;
  if (options === undefined || options === null) return undefined;
  const strategy = options.retryStrategy ?? options.strategy;
  const maxRetryCount = options.maxRetryCount;
  if (typeof maxRetryCount !== 'number' || !Number.isInteger(maxRetryCount) || maxRetryCount < -1) {
    throw new Error(`Function "${fn.name}": retry.maxRetryCount must be an integer of -1 or more.`);
  }
  const retries = maxRetryCount === -1 ? 'retries without end' : `${maxRetryCount} retries`;
  if (strategy === 'fixedDelay') {
    const delay = durationMs(options.delayInterval, fn.name, 'delayInterval');
    return {
      strategy,
      maxRetryCount,
      delays: () => () => delay,
      summary: `fixedDelay, ${retries}, ${delay / 1000} s apart`,
    };
  }
  if (strategy === 'exponentialBackoff') {
    const minimum = durationMs(options.minimumInterval, fn.name, 'minimumInterval');
    const maximum = durationMs(options.maximumInterval, fn.name, 'maximumInterval');
    if (minimum > maximum) {
      throw new Error(
        `Function "${fn.name}": retry.minimumInterval must not be greater than maximumInterval.`,
      );
    }
    return {
      strategy,
      maxRetryCount,
      delays: () => exponentialDelays(minimum, maximum),
      summary: `exponentialBackoff, ${retries}, ${minimum / 1000} s to ${maximum / 1000} s apart`,
    };
  }
  throw new Error(
    `Function "${fn.name}": retry strategy "${String(strategy)}" is neither fixedDelay nor exponentialBackoff.`,
  );
}

/**
 * WebJobs' `RandomizedExponentialBackoffStrategy(minimum, maximum, deltaBackoff: minimum)`: the first retry waits
 * the minimum, retry n waits minimum + minimum × 2^(n-2) × a random factor in [0.8, 1.2), until the maximum is
 * reached; from then on always the maximum.
 */
export function exponentialDelays(
  minimum: number,
  maximum: number,
  random = Math.random,
): (retryCount: number) => number {
  let current = 0;
  let exponent = 0;
  return () => {
    if (current === maximum) return current;
    let next = minimum;
    if (exponent > 0) {
      const factor = 1 - randomizationFactor + random() * 2 * randomizationFactor;
      next += factor * 2 ** (exponent - 1) * minimum;
    }
    if (next < maximum) {
      current = next;
      exponent++;
    } else {
      current = maximum;
    }
    return current;
  };
}

function durationMs(value: unknown, functionName: string, name: string): number {
  const seconds = (value as { seconds?: unknown } | undefined)?.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`Function "${functionName}": retry.${name} is missing or not a duration.`);
  }
  return seconds * 1000;
}

/**
 * The start-up warning's lines for retry policies that will not run here: on a trigger Azure does not retry
 * (queue, HTTP, durable: the policy is ignored there too) or on one the local host does not run at all.
 */
export function describeIgnoredRetryPolicies(functions: Iterable<RegisteredFunction>): string[] {
  const lines: string[] = [];
  for (const fn of functions) {
    if (fn.retryOptions === undefined || fn.retryOptions === null) continue;
    const trigger = fn.trigger.type.toLowerCase();
    if (retryingTriggers.has(trigger) || retryingOnAzureOnly.has(trigger)) continue;
    const why =
      trigger === 'queuetrigger'
        ? 'a failed queue message is retried by the queue (its dequeue count against maxDequeueCount, then ' +
          'the poison queue), here as on Azure'
        : `Azure runs retry policies on timer, Kafka, Event Hubs and Cosmos DB triggers only, not on ${fn.trigger.type}`;
    lines.push(`${fn.name}: its retry policy is ignored: ${why}.`);
  }
  return lines;
}
