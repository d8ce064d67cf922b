import { type OrchestrationContext, type OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';

import {
  type Look,
  type PollSchedule,
  pollUntilDeadline,
} from '../../orchestrations/durablePatterns/pollUntilDeadline';
import { runOrchestrator } from '../support/orchestrationHarness';

const start = new Date('2026-01-01T00:00:00Z');
const minute = 60_000;

/** A workflow that only polls: each look is the activity `look`, whose answers the test gives in order. */
function pollingWorkflow(schedule: Omit<PollSchedule, 'delayMs'>): OrchestrationHandler {
  return function* (context: OrchestrationContext) {
    return yield* pollUntilDeadline(
      context,
      function* () {
        return (yield context.df.callActivity('look', null)) as Look<string>;
      },
      // 1, 2, 4 … minutes by schedule position.
      { ...schedule, delayMs: (poll) => minute * 2 ** poll },
    );
  };
}

function answers(...looks: Look<string>[]) {
  return { look: () => looks.shift() ?? { outcome: 'pending' } };
}

const relative = (timers: Date[]) => timers.map((at) => (at.getTime() - start.getTime()) / minute);

describe('pollUntilDeadline, replayed', () => {
  const schedule = {
    polls: 0,
    deadline: start.getTime() + 60 * minute,
    looksPerExecution: 10,
    atDeadline: 'endBeforeOvershoot',
  } as const;

  it('looks again on the back-off schedule until the operation ends, and ends with what the look saw', () => {
    const result = runOrchestrator(pollingWorkflow(schedule), {
      input: null,
      startTime: start,
      activities: answers(
        { outcome: 'pending' },
        { outcome: 'pending' },
        { outcome: 'ended', result: 'done' },
      ),
    });

    expect(result.output).toEqual({ outcome: 'ended', result: 'done' });
    expect(relative(result.timers)).toEqual([1, 3]);
    expect(result.calls).toHaveLength(3);
  });

  it('waits until a throttled look says, without moving the schedule on', () => {
    const retryAt = start.getTime() + 5 * minute;
    const result = runOrchestrator(pollingWorkflow(schedule), {
      input: null,
      startTime: start,
      activities: answers(
        { outcome: 'pending' },
        { outcome: 'throttled', retryAt },
        { outcome: 'pending' },
        { outcome: 'ended', result: 'done' },
      ),
    });

    // 1 minute (position 0), then the asked time, then 2 minutes (position 1, not 2).
    expect(relative(result.timers)).toEqual([1, 5, 7]);
    expect(result.output).toEqual({ outcome: 'ended', result: 'done' });
  });

  it('hands back the schedule position for continue-as-new after its looks, throttled ones counted', () => {
    const result = runOrchestrator(pollingWorkflow({ ...schedule, polls: 2, looksPerExecution: 3 }), {
      input: null,
      startTime: start,
      activities: answers(
        { outcome: 'pending' },
        { outcome: 'throttled', retryAt: start.getTime() + 10 * minute },
        { outcome: 'pending' },
      ),
    });

    expect(result.output).toEqual({ outcome: 'continueAsNew', polls: 4 });
    expect(result.calls).toHaveLength(3);
    // 4 minutes (position 2), the asked time, 8 minutes (position 3); no timer after the third look.
    expect(relative(result.timers)).toEqual([4, 10, 18]);
  });

  it('endBeforeOvershoot: ends as soon as the next look would fall after the deadline', () => {
    const result = runOrchestrator(pollingWorkflow({ ...schedule, looksPerExecution: Infinity }), {
      input: null,
      startTime: start,
      activities: answers(),
    });

    expect(result.output).toEqual({ outcome: 'deadlinePassed' });
    // 1, 3, 7, 15, 31 minutes; the next (63) is past the 60-minute deadline.
    expect(relative(result.timers)).toEqual([1, 3, 7, 15, 31]);
    expect(result.timers.every((at) => at.getTime() <= schedule.deadline)).toBe(true);
  });

  it('endBeforeOvershoot: a throttled wait past the deadline ends the poll too', () => {
    const result = runOrchestrator(pollingWorkflow(schedule), {
      input: null,
      startTime: start,
      activities: answers({ outcome: 'throttled', retryAt: start.getTime() + 61 * minute }),
    });

    expect(result.output).toEqual({ outcome: 'deadlinePassed' });
    expect(result.timers).toEqual([]);
  });

  it('lookAtDeadline: cuts the last wait to the deadline, looks there, then ends', () => {
    const result = runOrchestrator(
      pollingWorkflow({ ...schedule, looksPerExecution: Infinity, atDeadline: 'lookAtDeadline' }),
      { input: null, startTime: start, activities: answers() },
    );

    expect(result.output).toEqual({ outcome: 'deadlinePassed' });
    expect(relative(result.timers)).toEqual([1, 3, 7, 15, 31, 60]);
    expect(result.calls).toHaveLength(7);
  });

  it('lookAtDeadline: an operation that ends at the last look at the deadline ends with its result', () => {
    const looks: Look<string>[] = [...Array<Look<string>>(6).fill({ outcome: 'pending' })];
    looks.push({ outcome: 'ended', result: 'done' });
    const result = runOrchestrator(
      pollingWorkflow({ ...schedule, looksPerExecution: Infinity, atDeadline: 'lookAtDeadline' }),
      { input: null, startTime: start, activities: answers(...looks) },
    );

    expect(result.output).toEqual({ outcome: 'ended', result: 'done' });
  });
});
