import * as df from 'durable-functions';

import { retryPolicy } from '../../shared/platform/retryPolicy';

/**
 * How the workflows retry every activity call, whether it touches the stores, the queue or Partner Center.
 * Activities are idempotent and return business outcomes as values, so what is retried is only what can be
 * transient (a store, queue or Partner Center outage, a crash after a write): the app's one retry policy
 * (shared/platform/retryPolicy.ts), 5 attempts, 0.5 s then doubling, at most 10 s apart.
 */
export const activityRetry = new df.RetryOptions(retryPolicy.firstDelayMs, retryPolicy.maxAttempts);
activityRetry.backoffCoefficient = retryPolicy.backoffCoefficient;
activityRetry.maxRetryIntervalInMilliseconds = retryPolicy.maxDelayMs;
