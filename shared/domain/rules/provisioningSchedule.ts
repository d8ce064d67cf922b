const minuteMs = 60_000;

/**
 * When to look at a placed order again while Partner Center provisions it: soon at first (it usually takes
 * seconds to minutes), then less often, never more than every 30 minutes. Counted per poll, so the schedule is the
 * same on every replay.
 */
const pollDelaysMs = [5 / 60, 0.25, 0.5, 1, 2, 5, 10, 15, 30].map((minutes) => minutes * minuteMs);

export function provisioningPollDelayMs(poll: number): number {
  return pollDelaysMs[Math.min(poll, pollDelaysMs.length - 1)] as number;
}

/** How long a placed order may stay unprovisioned before the purchase reports it instead of waiting on. */
export const provisioningDeadlineMs = 48 * 60 * minuteMs;
