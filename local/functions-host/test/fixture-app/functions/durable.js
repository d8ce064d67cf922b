'use strict';
/**
 * Durable orchestrations, activities and HTTP starters for the local host's durable conformance tests
 * (test/local-host/durable*.test.ts). Plain CommonJS on durable-functions 3.x, like a built app.
 */
const { app, HttpResponse } = require('@azure/functions');
const df = require('durable-functions');
const { record } = require('../lib/recorder');

const day = 24 * 60 * 60 * 1000;
const hour = 60 * 60 * 1000;

// ---- activities ------------------------------------------------------------------------------------------------

/** Fails `failTimes` times per key, then succeeds: the attempt counter lives in the worker, like a flaky service. */
const flakyAttempts = new Map();
df.app.activity('flaky', {
  handler: (input) => {
    const attempt = (flakyAttempts.get(input.key) ?? 0) + 1;
    flakyAttempts.set(input.key, attempt);
    record('flaky', { key: input.key, attempt });
    if (attempt <= input.failTimes) {
      throw new Error(`flaky ${input.key} failed attempt ${attempt}`);
    }
    return `${input.key}:ok:${attempt}`;
  },
});

df.app.activity('alwaysFails', {
  handler: (input) => {
    record('alwaysFails', { input });
    throw new Error(`cannot process ${input}`);
  },
});

df.app.activity('echoActivity', { handler: (input) => ({ echoed: input, type: typeof input }) });

df.app.activity('noResult', { handler: () => undefined });

/** Counts how many instances of itself run at once, to check the activity concurrency cap. */
const concurrency = { now: 0, max: 0 };
df.app.activity('concurrent', {
  handler: async (input) => {
    concurrency.now++;
    concurrency.max = Math.max(concurrency.max, concurrency.now);
    await new Promise((resolve) => setTimeout(resolve, 5));
    concurrency.now--;
    return { index: input, maxSeen: concurrency.max };
  },
});

df.app.activity('remind', {
  handler: (input) => {
    record('remind', input);
    return `reminded ${input.day}`;
  },
});

/**
 * Records each call, then waits until the test opens the gate (`globalThis[gateKey].open()`): an activity that is
 * still running when the host crashes.
 */
const gateKey = Symbol.for('local-host-fixture.gate');
df.app.activity('gated', {
  handler: async (input) => {
    record('gated', { input });
    const gate = globalThis[gateKey];
    if (gate) {
      await gate.opened;
    }
    return `passed ${input}`;
  },
});

// ---- orchestrations --------------------------------------------------------------------------------------------

/** Three retryable activities at once: their attempts, retry timers and re-attempts interleave on one id counter. */
df.app.orchestration('retryAll', function* (context) {
  const { prefix, failTimes } = context.df.getInput();
  const retry = new df.RetryOptions(1000, 4);
  retry.backoffCoefficient = 2;
  const tasks = ['a', 'b', 'c'].map((key, index) =>
    context.df.callActivityWithRetry('flaky', retry, {
      key: `${prefix}-${key}`,
      failTimes: failTimes[index],
    }),
  );
  const results = yield context.df.Task.all(tasks);
  return results;
});

/** Retries run out; the orchestrator catches the activity's error and completes. */
df.app.orchestration('retryExhaustedCaught', function* (context) {
  try {
    yield context.df.callActivityWithRetry('alwaysFails', new df.RetryOptions(500, 3), 'order-7');
    return { caught: null };
  } catch (error) {
    return { caught: error.message };
  }
});

df.app.orchestration('retryExhaustedUncaught', function* (context) {
  yield context.df.callActivityWithRetry('alwaysFails', new df.RetryOptions(500, 2), 'order-8');
  return 'unreachable';
});

/** Inputs and results crossing the activity boundary keep their types. */
df.app.orchestration('passThrough', function* (context) {
  const asString = yield context.df.callActivity('echoActivity', '42');
  const asObject = yield context.df.callActivity('echoActivity', { n: 1 });
  const asNothing = yield context.df.callActivity('noResult');
  return { asString, asObject, asNothing: asNothing === undefined ? 'undefined' : asNothing };
});

df.app.orchestration('shortTimer', function* (context) {
  const started = context.df.currentUtcDateTime;
  yield context.df.createTimer(new Date(started.getTime() + hour));
  return { started: started.toISOString(), woke: context.df.currentUtcDateTime.toISOString() };
});

/** Seven days exceed maximumShortTimerDuration (6 days): the JS side splits it into 3-day segments. */
df.app.orchestration('longTimer', function* (context) {
  const started = context.df.currentUtcDateTime;
  yield context.df.createTimer(new Date(started.getTime() + 7 * day));
  return { started: started.toISOString(), woke: context.df.currentUtcDateTime.toISOString() };
});

/** Approval or timeout; the losing timer is canceled, as all pending timers must be before the function ends. */
df.app.orchestration('approval', function* (context) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + hour);
  const timeout = context.df.createTimer(deadline);
  const approved = context.df.waitForExternalEvent('Approved');
  const winner = yield context.df.Task.any([approved, timeout]);
  if (winner === approved) {
    timeout.cancel();
    return { approvedBy: approved.result.by };
  }
  return { approvedBy: null, timedOut: true };
});

/** A 10-day deadline (three segments: 3 + 3 + 4 days) that a `Stop` event can cut short. */
df.app.orchestration('longDeadline', function* (context) {
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * day));
  const stop = context.df.waitForExternalEvent('Stop');
  const winner = yield context.df.Task.any([stop, deadline]);
  if (winner === stop) {
    deadline.cancel();
    return 'stopped';
  }
  return 'deadline';
});

/** Waits for a timer first, then for an event: an event raised during the timer is buffered until the wait. */
df.app.orchestration('timerThenEvent', function* (context) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + hour));
  const data = yield context.df.waitForExternalEvent('Go');
  return { go: data };
});

df.app.orchestration('child', function* (context) {
  const input = context.df.getInput();
  if (input && input.fail) {
    throw new Error(`child refuses ${input.name}`);
  }
  const echoed = yield context.df.callActivity('echoActivity', input.name);
  return { child: context.df.instanceId, parent: context.df.parentInstanceId, echoed };
});

df.app.orchestration('parent', function* (context) {
  const ok = yield context.df.callSubOrchestrator('child', { name: 'first' });
  let failure = null;
  try {
    yield context.df.callSubOrchestrator(
      'child',
      { name: 'second', fail: true },
      `${context.df.instanceId}-kid`,
    );
  } catch (error) {
    failure = error.message;
  }
  return { ok, failure };
});

/** Fails on its first run for a key (the activity is not retried here), succeeds after. */
df.app.orchestration('flakyChild', function* (context) {
  const result = yield context.df.callActivity('flaky', { key: context.df.getInput(), failTimes: 1 });
  return { result, instanceId: context.df.instanceId };
});

df.app.orchestration('parentWithRetry', function* (context) {
  const retry = new df.RetryOptions(1000, 3);
  return yield context.df.callSubOrchestratorWithRetry('flakyChild', retry, `sub-${context.df.instanceId}`);
});

/** Schedules a different activity on replay than on the first run: the engine's name check must catch it. */
const nondeterministicRuns = new Map();
df.app.orchestration('nondeterministic', function* (context) {
  const runs = (nondeterministicRuns.get(context.df.instanceId) ?? 0) + 1;
  nondeterministicRuns.set(context.df.instanceId, runs);
  yield context.df.callActivity(runs === 1 ? 'echoActivity' : 'noResult', 'x');
  yield context.df.callActivity('echoActivity', 'y');
  return 'should not complete';
});

/** Forty activities at once: at most maxConcurrentActivities (16) may run together. */
df.app.orchestration('fanOut', function* (context) {
  const results = yield context.df.Task.all(
    [...Array(40).keys()].map((i) => context.df.callActivity('concurrent', i)),
  );
  return { count: results.length, maxSeen: Math.max(...results.map((r) => r.maxSeen)) };
});

/** Sums `Add` events across executions: each execution takes one event, then continues as new. */
df.app.orchestration('accumulator', function* (context) {
  const total = context.df.getInput() ?? 0;
  if (total >= 10) {
    return { total };
  }
  const add = yield context.df.waitForExternalEvent('Add');
  context.df.continueAsNew(total + add);
  return undefined;
});

df.app.orchestration('stages', function* (context) {
  context.df.setCustomStatus({ stage: 'waiting-for-go' });
  yield context.df.waitForExternalEvent('Continue');
  context.df.setCustomStatus({ stage: 'done' });
  return 'finished';
});

df.app.orchestration('crash', function* (context) {
  yield context.df.callActivity('echoActivity', 'before the crash');
  throw new Error('boom at step 2');
});

/**
 * A month-long wait with a reminder each day, ended early by a `Paid` event. Deadlines come from the orchestration
 * clock, never from the wall clock, so they replay identically.
 */
df.app.orchestration('paymentReminders', function* (context) {
  const start = context.df.currentUtcDateTime.getTime();
  const deadline = start + 30 * day;
  let reminders = 0;
  for (let next = start + day; next <= deadline; next += day) {
    const timer = context.df.createTimer(new Date(next));
    const paid = context.df.waitForExternalEvent('Paid');
    const winner = yield context.df.Task.any([paid, timer]);
    if (winner === paid) {
      timer.cancel();
      return { paid: true, reminders };
    }
    if (next < deadline) {
      reminders++;
      yield context.df.callActivity('remind', { day: reminders });
    }
  }
  return { paid: false, reminders, finishedAt: context.df.currentUtcDateTime.toISOString() };
});

/** Waits for an event forever (for terminate, status and list tests). */
df.app.orchestration('waitForever', function* (context) {
  context.df.setCustomStatus('idle');
  const data = yield context.df.waitForExternalEvent('Never');
  return data;
});

/** One activity that may still be running when the host crashes. */
df.app.orchestration('throughGate', function* (context) {
  return yield context.df.callActivity('gated', context.df.getInput());
});

/** A sub-orchestration that waits for an event, under a parent that waits for it. */
df.app.orchestration('waitingChild', function* (context) {
  const data = yield context.df.waitForExternalEvent('Go');
  return { child: context.df.instanceId, got: data };
});

df.app.orchestration('parentOfWaiting', function* (context) {
  const result = yield context.df.callSubOrchestrator('waitingChild', null, `${context.df.instanceId}-child`);
  return { fromChild: result };
});

// ---- HTTP starters: the way app code drives orchestrations, through the real DurableClient --------------------

const clientInput = df.input.durableClient();

app.http('durableStart', {
  route: 'durable/orchestrators/{name}/{instanceId?}',
  methods: ['POST'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const body = await request.text();
    const options = { input: body ? JSON.parse(body) : undefined };
    if (request.params.instanceId) {
      options.instanceId = request.params.instanceId;
    }
    try {
      const instanceId = await client.startNew(request.params.name, options);
      return client.createCheckStatusResponse(request, instanceId);
    } catch (error) {
      const conflict = /status code: 409/.test(error.message);
      return { status: conflict ? 409 : 500, jsonBody: { error: error.message } };
    }
  },
});

app.http('durableRaiseEvent', {
  route: 'durable/instances/{instanceId}/events/{eventName}',
  methods: ['POST'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const body = await request.text();
    try {
      await client.raiseEvent(
        request.params.instanceId,
        request.params.eventName,
        body ? JSON.parse(body) : null,
      );
      return { status: 202 };
    } catch (error) {
      return { status: 404, jsonBody: { error: error.message } };
    }
  },
});

app.http('durableStatus', {
  route: 'durable/instances/{instanceId}',
  methods: ['GET'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    try {
      const status = await client.getStatus(request.params.instanceId, {
        showHistory: request.query.get('showHistory') === 'true',
        showHistoryOutput: request.query.get('showHistory') === 'true',
      });
      return { jsonBody: status };
    } catch (error) {
      return { status: 404, jsonBody: { error: error.message } };
    }
  },
});

app.http('durableList', {
  route: 'durable/instances',
  methods: ['GET'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const runtimeStatus = request.query.get('runtimeStatus');
    const statuses = runtimeStatus
      ? await client.getStatusBy({ runtimeStatus: runtimeStatus.split(',') })
      : await client.getStatusAll();
    return { jsonBody: statuses };
  },
});

app.http('durableTerminate', {
  route: 'durable/instances/{instanceId}/terminate',
  methods: ['POST'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    await client.terminate(request.params.instanceId, request.query.get('reason') ?? 'stopped by test');
    return { status: 202 };
  },
});

app.http('durablePurge', {
  route: 'durable/instances/{instanceId}',
  methods: ['DELETE'],
  extraInputs: [clientInput],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const result = await client.purgeInstanceHistory(request.params.instanceId);
    return { jsonBody: result };
  },
});

/** createHttpManagementPayload uses the binding's webhook URLs (origin from WEBSITE_HOSTNAME, see the doc). */
app.http('durablePayload', {
  route: 'durable/payload/{instanceId}',
  methods: ['GET'],
  extraInputs: [clientInput],
  handler: (request, context) => {
    const client = df.getClient(context);
    return new HttpResponse({ jsonBody: client.createHttpManagementPayload(request.params.instanceId) });
  },
});
