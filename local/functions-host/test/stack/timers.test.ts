import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../index';
import { parseTimerSchedule } from '../../timers/parseTimerSchedule';
import { collectingLogger, fixtureAppDir, type FixtureEvent, fixtureEvents } from '../fixtureSupport';

interface TimerArgument {
  isPastDue: boolean;
  schedule: { adjustForDST: boolean };
  scheduleStatus?: { last: string; next: string; lastUpdated: string } | null;
}

const monday = Date.UTC(2026, 0, 5, 10, 0, 30);
let host: LocalHost | undefined;

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function startFixture(startTime: number, timerStateDirectory?: string) {
  const logger = collectingLogger();
  host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    startTime: new Date(startTime),
    logger,
    queueTriggers: false,
    env: { FX_TIMERS: '1' },
    ...(timerStateDirectory ? { timerStateDirectory } : {}),
  });
  await host.waitForIdle();
  return { host, logger };
}

/** The timer argument of each run of `name` since `from` events were recorded. */
function runs(name: string, from = 0): TimerArgument[] {
  return fixtureEvents(name)
    .slice(from)
    .map((event: FixtureEvent) => event.timer as TimerArgument);
}

describe('timer triggers', () => {
  it('run on their NCRONTAB and TimeSpan schedules on the host clock, with the Timer object the host passes', async () => {
    const { host: started, logger } = await startFixture(monday);
    expect(logger.lines.map((line) => line.message).join('\n')).toContain(
      'fxEveryMinute: timerTrigger (0 * * * * *)',
    );
    expect(
      logger.lines.some(
        (line) => line.level === 'error' && line.message.includes("'fxBadSchedule' function is in error"),
      ),
    ).toBe(true);

    // runOnStartup: once at start, not past due; its (yearly) schedule is monitored.
    expect(runs('fxOnStartup')).toEqual([
      {
        isPastDue: false,
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: '0001-01-01T00:00:00',
          next: '2027-01-01T00:00:00+00:00',
          lastUpdated: '2026-01-05T10:00:30+00:00',
        },
      },
    ]);
    expect(runs('fxEveryMinute')).toEqual([]);

    await started.advance(30_000); // 10:01:00
    expect(runs('fxEveryMinute')).toEqual([
      {
        isPastDue: false,
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: '0001-01-01T00:00:00',
          next: '2026-01-05T10:01:00+00:00',
          lastUpdated: '2026-01-05T10:00:30+00:00',
        },
      },
    ]);
    // Seconds in the schedule: 10:00:40 and 10:01:00; under a minute apart, so no schedule status by default.
    expect(runs('fxEveryTwentySeconds').map((timer) => timer.scheduleStatus ?? null)).toEqual([null, null]);

    await started.advance(120_000); // 10:03:00
    const everyMinute = runs('fxEveryMinute');
    expect(everyMinute).toHaveLength(3);
    expect(everyMinute[1]?.scheduleStatus).toMatchObject({
      last: '2026-01-05T10:01:00+00:00',
      next: '2026-01-05T10:02:00+00:00',
    });
    expect(runs('fxEveryTwentySeconds')).toHaveLength(8);
    // A failing run does not stop the schedule: 10:01:30 and 10:02:30.
    expect(fixtureEvents('fxFailingTimer')).toHaveLength(2);
    // TimeSpan: every 90 s from the start (10:02:00), no DST adjustment.
    expect(runs('fxInterval')).toHaveLength(1);
    expect(runs('fxInterval')[0]?.schedule).toEqual({ adjustForDST: false });
    expect(fixtureEvents('fxBadSchedule')).toEqual([]);
  });

  it('runs a monitored timer once as past due after a restart that missed an occurrence, when its status is kept', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'timer-state-'));
    const first = await startFixture(monday, stateDir);
    await first.host.advance(140_000); // 10:02:50: runs at 10:01 and 10:02; next expected 10:03
    await first.host.stop();
    const before = runs('fxEveryMinute').length;

    // Down from 10:03:00 to 10:10:00: the 10:03 occurrence (and later ones) were missed.
    const second = await startFixture(Date.UTC(2026, 0, 5, 10, 10, 0), stateDir);
    expect(runs('fxEveryMinute', before)).toEqual([
      {
        isPastDue: true,
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: '2026-01-05T10:02:00+00:00',
          next: '2026-01-05T10:03:00+00:00',
          lastUpdated: '2026-01-05T10:02:00+00:00',
        },
      },
    ]);
    await second.host.advance(60_000);
    expect(runs('fxEveryMinute', before).map((timer) => timer.isPastDue)).toEqual([true, false]);
    // As the host records it: the past-due run stands for the occurrence it replaced.
    expect(runs('fxEveryMinute', before)[1]?.scheduleStatus).toMatchObject({
      last: '2026-01-05T10:03:00+00:00',
      next: '2026-01-05T10:11:00+00:00',
    });
    await second.host.stop();

    // Without a kept status the host cannot know it missed anything.
    const countBefore = runs('fxEveryMinute').length;
    await startFixture(Date.UTC(2026, 0, 5, 11, 0, 0));
    expect(runs('fxEveryMinute').length).toBe(countBefore);
  });
});

describe('parseTimerSchedule', () => {
  const at = (iso: string): number => Date.parse(iso);
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();

  it('reads six-field NCRONTAB (seconds first) in UTC, day-of-month AND day-of-week', () => {
    const weekdays = parseTimerSchedule('0 30 9 * * 1-5', 'f');
    expect(iso(weekdays.next(at('2026-01-09T09:30:00Z')))).toBe('2026-01-12T09:30:00.000Z'); // Friday → Monday
    // NCrontab matches both fields: the 13th that is also a Friday.
    const fridayThe13th = parseTimerSchedule('0 0 0 13 * 5', 'f');
    expect(iso(fridayThe13th.next(at('2026-01-01T00:00:00Z')))).toBe('2026-02-13T00:00:00.000Z');
    expect(parseTimerSchedule('0 */5 * * * *', 'f').monitoredByDefault).toBe(true);
    expect(parseTimerSchedule('*/10 * * * * *', 'f').monitoredByDefault).toBe(false);
  });

  it('reads a TimeSpan as a constant interval, and honours WEBSITE_TIME_ZONE', () => {
    expect(parseTimerSchedule('01:00:00', 'f').next(at('2026-01-01T00:00:00Z'))).toBe(
      at('2026-01-01T01:00:00Z'),
    );
    const berlin = parseTimerSchedule('0 0 9 * * *', 'f', 'Europe/Berlin');
    expect(iso(berlin.next(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T08:00:00.000Z');
  });

  it('refuses five fields and nonsense with a message naming the function', () => {
    expect(() => parseTimerSchedule('0 * * * *', 'cleanup')).toThrow(/"cleanup".*six fields/);
    expect(() => parseTimerSchedule('0 99 * * * *', 'cleanup')).toThrow(/"cleanup".*not a valid NCRONTAB/);
  });
});
