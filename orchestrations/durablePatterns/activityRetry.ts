import * as df from 'durable-functions';

import { retryPolicy } from '../../shared/platform/retryPolicy';

/**
 * How the workflows retry their activities. Activities are idempotent and return business outcomes as values, so
 * what is retried is only what can be transient (a store or queue error, a crash after a write): the app's one
 * retry policy (shared/platform/retryPolicy.ts), 5 attempts, 0.5 s then doubling, at most 10 s apart.
 */
export const storeRetry = new df.RetryOptions(retryPolicy.firstDelayMs, retryPolicy.maxAttempts);
storeRetry.backoffCoefficient = retryPolicy.backoffCoefficient;
storeRetry.maxRetryIntervalInMilliseconds = retryPolicy.maxDelayMs;
