/**
 * The one retry policy of the app. The workflows retry their activities with it (orchestrations/retryPolicy.ts) and
 * the gateways to Microsoft retry transient failures (5xx, network errors, short 429s) with it inside a call.
 * Only what can be transient is retried: a business refusal is an answer, not a failure.
 */
export const retryPolicy = {
  maxAttempts: 5,
  firstDelayMs: 500,
  backoffCoefficient: 2,
  maxDelayMs: 10_000,
} as const;

export type RetryPolicy = typeof retryPolicy;

/** How long to wait after the `failedAttempt`-th attempt (1-based) failed: 0.5 s, 1 s, 2 s, 4 s… at most 10 s. */
export function retryDelayMs(
  failedAttempt: number,
  policy: Pick<RetryPolicy, 'firstDelayMs' | 'backoffCoefficient' | 'maxDelayMs'> = retryPolicy,
): number {
  const delay = policy.firstDelayMs * policy.backoffCoefficient ** Math.max(0, failedAttempt - 1);
  return Math.min(delay, policy.maxDelayMs);
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
