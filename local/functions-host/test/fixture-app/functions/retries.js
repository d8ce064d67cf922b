'use strict';
/**
 * Function-level retry policies, for test/local-host/retries.test.ts. Registered only when FX_RETRIES=1. Each timer
 * runs once a day, so within a test each runs one occurrence and its retries.
 */
const { app } = require('@azure/functions');
const { record } = require('../lib/recorder');

function failing(kind, failWhile = () => true) {
  return (timer, context) => {
    const retryContext = context.retryContext ?? null;
    record(kind, { retryContext });
    if (failWhile(retryContext)) {
      throw new Error(`${kind} attempt ${retryContext ? retryContext.retryCount : '?'} failed`);
    }
  };
}

if (process.env.FX_RETRIES === '1') {
  /** Daily at 10:01; fails every attempt: the first run and two retries 10 s apart. */
  app.timer('fxFixedRetry', {
    schedule: '0 1 10 * * *',
    retry: { strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 10 } },
    handler: failing('fxFixedRetry'),
  });

  /** Daily at 10:02; fails every attempt: four retries, 10 s, then growing, capped at 30 s. */
  app.timer('fxExponentialRetry', {
    schedule: '0 2 10 * * *',
    retry: {
      strategy: 'exponentialBackoff',
      maxRetryCount: 4,
      minimumInterval: 10_000,
      maximumInterval: 30_000,
    },
    handler: failing('fxExponentialRetry'),
  });

  /** Daily at 10:03; the first two attempts fail, the third succeeds: no more retries. */
  app.timer('fxRecoversOnRetry', {
    schedule: '0 3 10 * * *',
    retry: { strategy: 'fixedDelay', maxRetryCount: 5, delayInterval: { seconds: 5 } },
    handler: failing('fxRecoversOnRetry', (retryContext) => retryContext.retryCount < 2),
  });

  /** Daily at 10:04; retries without end, a minute apart, until the host stops. */
  app.timer('fxEndlessRetry', {
    schedule: '0 4 10 * * *',
    retry: { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { minutes: 1 } },
    handler: failing('fxEndlessRetry'),
  });

  /** Azure ignores a retry policy on a queue trigger (the queue's dequeue count retries it): warned at start. */
  app.storageQueue('fxQueueWithRetry', {
    queueName: 'fx-retry-queue',
    connection: 'AzureWebJobsStorage',
    retry: { strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 1 } },
    handler: () => record('fxQueueWithRetry', {}),
  });

  /** Nor on an HTTP trigger: warned at start. */
  app.http('fxHttpWithRetry', {
    route: 'http-with-retry',
    retry: { strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 1 } },
    handler: () => ({ body: 'ok' }),
  });
}
