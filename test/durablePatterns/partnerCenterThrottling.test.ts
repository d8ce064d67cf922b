import { type OrchestrationContext, type OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';

import {
  partnerCenterThrottling,
  type Throttled,
  throttlingBackoffMs,
  waitOutThrottling,
} from '../../orchestrations/durablePatterns/partnerCenterThrottling';
import { runOrchestrator } from '../support/orchestrationHarness';

const start = new Date('2026-01-01T00:00:00Z');
const second = 1_000;
const minute = 60 * second;

type Answer = { outcome: 'done' } | Throttled;

/** A workflow with one Partner Center step, the activity `step`, whose answers the test gives in order. */
function oneStep(options: Parameters<typeof waitOutThrottling>[2]): OrchestrationHandler {
  return function* (context: OrchestrationContext) {
    return yield* waitOutThrottling(
      context,
      function* () {
        return (yield context.df.callActivity('step', null)) as Answer;
      },
      options,
    );
  };
}

const throttled = (retryAfterMs: number): Throttled => ({ outcome: 'throttled', retryAfterMs });

function answering(first: Answer[], then: Answer) {
  return { step: () => first.shift() ?? then };
}

describe('waitOutThrottling, replayed', () => {
  it('waits each asked Retry-After (at least the least wait) on a durable timer, then hands over the answer', () => {
    const result = runOrchestrator(oneStep({}), {
      input: null,
      startTime: start,
      activities: answering([throttled(5 * second), throttled(200)], { outcome: 'done' }),
    });

    expect(result.output).toEqual({ outcome: 'answered', result: { outcome: 'done' } });
    expect(result.timers.map((at) => at.getTime() - start.getTime())).toEqual([5 * second, 6 * second]);
  });

  it('ends a step by time, not by a count of answers: 50 minutes of 2 s waits go on, an hour gives up', () => {
    // 1,500 throttled answers in 50 minutes, then an answer: the step is answered.
    const fifty = runOrchestrator(oneStep({}), {
      input: null,
      startTime: start,
      activities: answering(Array<Answer>(1_500).fill(throttled(2 * second)), { outcome: 'done' }),
      maxSteps: 20_000,
    });
    expect(fifty.output).toEqual({ outcome: 'answered', result: { outcome: 'done' } });

    const hour = runOrchestrator(oneStep({}), {
      input: null,
      startTime: start,
      activities: answering([], throttled(2 * second)),
      maxSteps: 20_000,
    });
    expect(hour.output).toEqual({
      outcome: 'gaveUp',
      since: start.toISOString(),
      throttledForMs: partnerCenterThrottling.giveUpAfterMs,
    });
  });

  it('backs off: each wait is at least 1 s doubling to a minute, whatever Retry-After says', () => {
    const result = runOrchestrator(oneStep({ minWaitMs: throttlingBackoffMs }), {
      input: null,
      startTime: start,
      activities: answering(Array<Answer>(8).fill(throttled(0)), { outcome: 'done' }),
    });

    const waits = result.timers.map(
      (at, index) => at.getTime() - (result.timers[index - 1] ?? start).getTime(),
    );
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60].map((s) => s * second));
  });

  it('hands back since when it is throttled for continue-as-new, and counts the hour from there', () => {
    const first = runOrchestrator(oneStep({ waitsPerExecution: 3 }), {
      input: null,
      startTime: start,
      activities: answering([], throttled(minute)),
    });
    expect(first.output).toEqual({ outcome: 'continueAsNew', since: start.toISOString() });
    expect(first.timers).toHaveLength(3);

    const since = new Date(start.getTime() - partnerCenterThrottling.giveUpAfterMs).toISOString();
    const next = runOrchestrator(oneStep({ since, waitsPerExecution: 3 }), {
      input: null,
      startTime: start,
      activities: answering([], throttled(minute)),
    });
    expect(next.output).toMatchObject({ outcome: 'gaveUp', since });
    expect(next.timers).toEqual([]);
  });
});
