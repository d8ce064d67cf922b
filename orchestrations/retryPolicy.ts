import * as df from 'durable-functions';

/**
 * How the workflows retry their activities. Activities are idempotent and return business outcomes as values, so
 * what is retried is only what can be transient (a store or queue error, a crash after a write): 5 attempts,
 * 0.5 s then doubling, at most 10 s apart.
 */
export const storeRetry = new df.RetryOptions(500, 5);
storeRetry.backoffCoefficient = 2;
storeRetry.maxRetryIntervalInMilliseconds = 10_000;
