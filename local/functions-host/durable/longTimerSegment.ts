/** Schema V3 timer settings, sent to the orchestrator and mirrored here. */
export const maximumShortTimerDuration = '6.00:00:00';
export const longRunningTimerIntervalDuration = '3.00:00:00';

const day = 86_400_000;
const maximumShortTimerMs = 6 * day;
const longRunningTimerIntervalDays = 3;

/**
 * When the next segment of a timer fires, computed exactly as durable-functions' `LongTimerTask` does from the
 * orchestration's `currentUtcDateTime` (the timestamp of the episode's OrchestratorStarted): while more than
 * `maximumShortTimerDuration` remains, segments are `longRunningTimerIntervalDuration` long; then the final time.
 * A timer is long exactly when its first segment is not the final time.
 * moment adds the interval as calendar days in local time, so we do too (it only differs across a DST change).
 */
export function longTimerSegment(now: number, finalFireAt: number): number {
  if (finalFireAt - now > maximumShortTimerMs) {
    const next = new Date(now);
    next.setDate(next.getDate() + longRunningTimerIntervalDays);
    return next.getTime();
  }
  return finalFireAt;
}
