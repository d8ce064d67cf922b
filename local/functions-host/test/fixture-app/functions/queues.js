'use strict';
/**
 * Storage-queue triggers and queue outputs for the local host's conformance tests (test/local-host/queues.test.ts).
 * Every queue name starts with `fx-` so the tests can tell them apart from anything else in Azurite.
 */
const { app, output } = require('@azure/functions');
const { record } = require('../lib/recorder');

const connection = 'AzureWebJobsStorage';
const doneQueue = output.storageQueue({ queueName: 'fx-done', connection });
const workQueue = output.storageQueue({ queueName: 'fx-work', connection });

/** Echoes what it got (message and trigger metadata) and writes one message to fx-done. */
app.storageQueue('fxWork', {
  queueName: 'fx-work',
  connection,
  extraOutputs: [doneQueue],
  handler: (message, context) => {
    record('fxWork', { message, metadata: context.triggerMetadata });
    context.extraOutputs.set(doneQueue, {
      processed: message,
      dequeueCount: context.triggerMetadata.dequeueCount,
    });
  },
});

/** Returns an array: one output message per element. */
app.storageQueue('fxFanOut', {
  queueName: 'fx-fan-out',
  connection,
  return: output.storageQueue({ queueName: 'fx-fan-out-done', connection }),
  handler: (message) => [`text:${message}`, { n: 1 }, 42],
});

/** Never succeeds: after maxDequeueCount tries the message must be in fx-always-fails-poison. */
app.storageQueue('fxAlwaysFails', {
  queueName: 'fx-always-fails',
  connection,
  handler: (message, context) => {
    record('fxAlwaysFails', { message, dequeueCount: context.triggerMetadata.dequeueCount });
    throw new Error(`always fails (try ${context.triggerMetadata.dequeueCount})`);
  },
});

/** Fails on the first try only, so the test can measure when the second try comes. */
app.storageQueue('fxFlaky', {
  queueName: 'fx-flaky',
  connection,
  handler: (message, context) => {
    record('fxFlaky', { message, dequeueCount: context.triggerMetadata.dequeueCount, at: Date.now() });
    if (context.triggerMetadata.dequeueCount === 1) {
      throw new Error('first try fails');
    }
  },
});

/** Slow, so concurrent invocations overlap and the test can see how many run at once. */
let running = 0;
app.storageQueue('fxBatch', {
  queueName: 'fx-batch',
  connection,
  handler: async (message) => {
    running++;
    record('fxBatch', { message, running });
    await new Promise((resolve) => setTimeout(resolve, 200));
    running--;
  },
});

/** An HTTP function with a queue output: the message goes to fx-work, whose trigger picks it up. */
app.http('enqueueWork', {
  route: 'enqueue-work',
  methods: ['POST'],
  extraOutputs: [workQueue],
  handler: async (request, context) => {
    context.extraOutputs.set(workQueue, await request.json());
    return { status: 202 };
  },
});
