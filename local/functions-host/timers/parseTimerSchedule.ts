import { Cron } from 'croner';

import { parseTimeSpan } from '../config/parseTimeSpan';

/** A timer trigger's schedule: the next occurrence strictly after a moment. */
export interface TimerSchedule {
  readonly expression: string;
  /** Epoch ms of the first occurrence after `after` (epoch ms); undefined when there is none. */
  next(after: number): number | undefined;
  /** Whether the host keeps a schedule status by default: occurrences at least a minute apart, as the host decides. */
  readonly monitoredByDefault: boolean;
}

const timeSpanPattern = /^\s*(?:\d+\.)?\d{1,2}:\d{1,2}:\d{1,2}\s*$/;

/**
 * Parses a timer trigger's `schedule` as the Functions host does:
 * - an NCRONTAB expression of six fields, `{second} {minute} {hour} {day} {month} {day-of-week}` (NCrontab, which
 *   the host uses, requires the seconds field and matches day AND day-of-week when both are given), evaluated in
 *   `WEBSITE_TIME_ZONE` (an IANA name) or else UTC;
 * - or a TimeSpan `hh:mm:ss` / `d.hh:mm:ss`: a constant interval from the previous occurrence (the host supports it
 *   on App Service plans).
 * Anything else throws, naming the function, as the host refuses to index it.
 */
export function parseTimerSchedule(
  expression: string,
  functionName: string,
  timeZone?: string,
): TimerSchedule {
  if (timeSpanPattern.test(expression)) {
    const intervalMs = parseTimeSpan(expression.trim(), `schedule of timer function "${functionName}"`);
    if (intervalMs <= 0) {
      throw new Error(`Timer function "${functionName}": the interval "${expression}" must be positive.`);
    }
    return {
      expression,
      next: (after) => after + intervalMs,
      monitoredByDefault: intervalMs >= 60_000,
    };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Timer function "${functionName}": "${expression}" is not a valid NCRONTAB expression: it needs six fields ` +
        '"{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. "0 */5 * * * *"), or a TimeSpan "hh:mm:ss".',
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(expression.trim(), {
      mode: '6-part',
      domAndDow: true,
      timezone: timeZone ?? 'Etc/UTC',
      paused: true,
    });
  } catch (error) {
    throw new Error(
      `Timer function "${functionName}": "${expression}" is not a valid NCRONTAB expression: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const next = (after: number): number | undefined => cron.nextRun(new Date(after))?.getTime();
  const first = next(Date.UTC(2025, 0, 1));
  const second = first === undefined ? undefined : next(first);
  return {
    expression,
    next,
    monitoredByDefault: first === undefined || second === undefined || second - first >= 60_000,
  };
}
