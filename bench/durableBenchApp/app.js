'use strict';
/**
 * The classic Durable Functions benchmark: an orchestration that calls five activities one after the other (the
 * "function chaining" sample), plus an orchestration that waits (for the resume-at-start figure). Plain CommonJS,
 * like a built app; nothing here does I/O, so the figures measure the durable runtime.
 */
const df = require('durable-functions');

df.app.activity('benchStep', { handler: (input) => input + 1 });

df.app.orchestration('fiveSteps', function* (context) {
  let value = context.df.getInput();
  for (let step = 0; step < 5; step++) {
    value = yield context.df.callActivity('benchStep', value);
  }
  return value;
});

/** Waits a week for an approval: resuming it arms a timer and keeps the event wait. */
df.app.orchestration('waitsForApproval', function* (context) {
  const week = new Date(context.df.currentUtcDateTime.getTime() + 7 * 24 * 60 * 60 * 1000);
  const deadline = context.df.createTimer(week);
  const approved = context.df.waitForExternalEvent('Approved');
  const winner = yield context.df.Task.any([approved, deadline]);
  if (winner === approved) deadline.cancel();
  return winner === approved ? 'approved' : 'expired';
});
