'use strict';
/**
 * Timer triggers for the local host's conformance tests (test/local-host/timers.test.ts). Registered only when
 * FX_TIMERS=1, so the other tests' virtual days do not run thousands of timer invocations.
 */
const { app } = require('@azure/functions');
const { record } = require('../lib/recorder');

if (process.env.FX_TIMERS === '1') {
  /** Every minute on the minute: monitored by default (occurrences a minute apart). */
  app.timer('fxEveryMinute', {
    schedule: '0 * * * * *',
    handler: (timer) => record('fxEveryMinute', { timer }),
  });

  /** Every 20 seconds: not monitored by default, so no schedule status. */
  app.timer('fxEveryTwentySeconds', {
    schedule: '*/20 * * * * *',
    handler: (timer) => record('fxEveryTwentySeconds', { timer }),
  });

  /** Once a year, and at every start. */
  app.timer('fxOnStartup', {
    schedule: '0 0 0 1 1 *',
    runOnStartup: true,
    handler: (timer) => record('fxOnStartup', { timer }),
  });

  /** A TimeSpan schedule: every 90 seconds from the previous run. */
  app.timer('fxInterval', {
    schedule: '00:01:30',
    handler: (timer) => record('fxInterval', { timer }),
  });

  /** Fails every time: the schedule goes on. */
  app.timer('fxFailingTimer', {
    schedule: '30 * * * * *',
    handler: () => {
      record('fxFailingTimer', {});
      throw new Error('fxFailingTimer always fails');
    },
  });

  /** Not a valid NCRONTAB expression (five fields): the host reports it and runs the others. */
  app.timer('fxBadSchedule', {
    schedule: '0 * * * *',
    handler: () => record('fxBadSchedule', {}),
  });
}
