import { type OrchestrationContext, type Task } from 'durable-functions';

/** What one look at a long-running operation saw. */
export type Look<R> =
  /** It ended (done, refused, failed): the poll ends with this. */
  | { outcome: 'ended'; result: R }
  /** Still under way: the next look follows the back-off schedule, whose position advances. */
  | { outcome: 'pending' }
  /** Partner Center asked to wait until `retryAt` (epoch ms): the schedule's position does not advance. */
  | { outcome: 'throttled'; retryAt: number };

export type PollEnd<R> =
  | { outcome: 'ended'; result: R }
  /** The deadline passed before the operation ended. */
  | { outcome: 'deadlinePassed' }
  /** `looksPerExecution` looks done here: the caller continues as new, carrying `polls` (the schedule position). */
  | { outcome: 'continueAsNew'; polls: number };

export interface PollSchedule {
  /** The position in the back-off schedule this execution starts at (carried across continue-as-new). */
  polls: number;
  /** The wait after a pending look, by schedule position (so a continued execution goes on where it was). */
  delayMs: (poll: number) => number;
  /** Epoch ms, counted from when the operation started, not from this execution. */
  deadline: number;
  /** Looks (throttled ones included) before the execution continues as new; Infinity for one history. */
  looksPerExecution: number;
  /**
   * What the deadline does to the last wait:
   * - `endBeforeOvershoot`: a next look that would fall after the deadline ends the poll now (the purchase);
   * - `lookAtDeadline`: the last wait is cut to the deadline and a look made there; a look at or after the deadline
   *   that is still pending ends the poll (the transition).
   */
  atDeadline: 'endBeforeOvershoot' | 'lookAtDeadline';
}

/**
 * Polls an operation on durable timers with back-off until it ends, or its deadline passes, continuing as new
 * every `looksPerExecution` looks so that no execution's history grows with the length of the wait: the shared
 * pattern of the purchase's wait for provisioning and the transition's wait for the product upgrade. Deterministic
 * (time from `context.df.currentUtcDateTime`); the look is the workflow's own (an activity, read as a `Look`).
 */
export function* pollUntilDeadline<R>(
  context: OrchestrationContext,
  look: () => Generator<Task, Look<R>, unknown>,
  schedule: PollSchedule,
): Generator<Task, PollEnd<R>, unknown> {
  let poll = schedule.polls;
  for (let looks = 0; ; looks += 1) {
    if (looks >= schedule.looksPerExecution) return { outcome: 'continueAsNew', polls: poll };
    const seen = yield* look();
    if (seen.outcome === 'ended') return seen;
    const now = context.df.currentUtcDateTime.getTime();
    const wakeAt = seen.outcome === 'throttled' ? seen.retryAt : now + schedule.delayMs(poll);
    if (schedule.atDeadline === 'endBeforeOvershoot') {
      if (wakeAt > schedule.deadline) return { outcome: 'deadlinePassed' };
      yield context.df.createTimer(new Date(wakeAt));
    } else {
      if (now >= schedule.deadline) return { outcome: 'deadlinePassed' };
      yield context.df.createTimer(new Date(Math.min(wakeAt, schedule.deadline)));
    }
    if (seen.outcome === 'pending') poll += 1;
  }
}
