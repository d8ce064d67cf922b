import { type OrchestrationContext, type Task } from 'durable-functions';
import { describe, expect, it } from 'vitest';

import { azurePlanTransitionOrchestrator } from '../../orchestrations/azurePlanTransition/azurePlanTransitionOrchestrator';
import { type TransitionProgress } from '../../shared/domain/rules/azurePlanTransition';
import { transitionActivities, upgradePolling } from '../../shared/transitions/transitionWorkflowContract';

/**
 * Replays the orchestrator as the durable runtime does: every yielded task is answered from a script, and the
 * orchestration clock moves only when a timer fires. Tasks are plain records here, so the test reads what the
 * orchestrator scheduled, in order.
 */
type Scheduled = { kind: 'activity'; name: string; input: unknown } | { kind: 'timer'; fireAt: Date };

function replay(answer: (task: Scheduled, history: Scheduled[]) => unknown) {
  let now = new Date('2026-03-01T10:00:00.000Z');
  const history: Scheduled[] = [];
  const statuses: unknown[] = [];
  const context = {
    df: {
      instanceId: 'transition-1',
      get currentUtcDateTime() {
        return now;
      },
      getInput: () => ({
        transitionId: 'transition-1',
        customerId: 'contoso',
        correlationId: 'corr-1',
        requestedBy: { userId: 'user-1' },
      }),
      newGuid: () => '00000000-0000-5000-8000-000000000000',
      setCustomStatus: (status: unknown) => statuses.push(status),
      callActivityWithRetry: (name: string, _retry: unknown, input: unknown) =>
        ({ kind: 'activity', name, input }) as unknown as Task,
      createTimer: (fireAt: Date) => ({ kind: 'timer', fireAt }) as unknown as Task,
    },
  } as unknown as OrchestrationContext;

  const generator = azurePlanTransitionOrchestrator(context) as Generator<
    unknown,
    TransitionProgress,
    unknown
  >;
  let step = generator.next();
  while (!step.done) {
    const task = step.value as Scheduled;
    history.push(task);
    if (history.length > 2000) throw new Error('the orchestrator does not end');
    if (task.kind === 'timer') {
      expect(task.fireAt.getTime()).toBeGreaterThan(now.getTime());
      now = task.fireAt;
      step = generator.next(undefined);
    } else {
      step = generator.next(answer(task, history));
    }
  }
  return { output: step.value, history, statuses };
}

const sources = [
  { sourceSubscriptionId: 'legacy-a', azureSubscriptionId: 'azure-a', friendlyName: 'A' },
  { sourceSubscriptionId: 'legacy-b', azureSubscriptionId: 'azure-b', friendlyName: 'B' },
];
const completedLines = [
  { azureSubscriptionId: 'azure-a', planSubscriptionId: 'plan-1' },
  { azureSubscriptionId: 'azure-b', planSubscriptionId: 'plan-1' },
];

function happyPath(overrides: { statusPolls?: number; throttleStart?: number } = {}) {
  let polls = 0;
  let throttles = overrides.throttleStart ?? 0;
  return (task: Scheduled) => {
    if (task.kind !== 'activity') return undefined;
    switch (task.name) {
      case transitionActivities.planTransition:
        return { outcome: 'planned', sources };
      case transitionActivities.startUpgrade:
        if (throttles > 0) {
          throttles -= 1;
          return { outcome: 'throttled', retryAfterMs: 120_000 };
        }
        return { outcome: 'started', upgradeId: 'upgrade-1' };
      case transitionActivities.readUpgradeStatus:
        polls += 1;
        return polls > (overrides.statusPolls ?? 0)
          ? { outcome: 'completed', lines: completedLines }
          : { outcome: 'inProgress' };
      case transitionActivities.recordUpgrade:
        return {
          azurePlan: { subscriptionId: 'plan-1', orderId: 'upgrade-1' },
          moved: [
            { sourceSubscriptionId: 'legacy-a', entitlementId: 'azure-a' },
            { sourceSubscriptionId: 'legacy-b', entitlementId: 'azure-b' },
          ],
        };
      default:
        return undefined;
    }
  };
}

const names = (history: Scheduled[]) =>
  history.map((task) => (task.kind === 'timer' ? 'timer' : task.name.replace('azurePlanTransition-', '')));

describe('the transition orchestrator (replayed)', () => {
  it('upgrades, polls on durable timers until Completed, records, suspends each legacy subscription, frees the customer', () => {
    const { output, history } = replay(happyPath({ statusPolls: 2 }));
    expect(names(history)).toEqual([
      'plan',
      'startUpgrade',
      'readUpgradeStatus',
      'timer',
      'readUpgradeStatus',
      'timer',
      'readUpgradeStatus',
      'recordUpgrade',
      'suspendLegacySubscription',
      'suspendLegacySubscription',
      'releaseSlot',
    ]);
    const timers = history.filter((task) => task.kind === 'timer');
    const gaps = timers.map(
      (timer, index) =>
        timer.fireAt.getTime() -
        (index === 0 ? Date.parse('2026-03-01T10:00:00.000Z') : timers[index - 1]!.fireAt.getTime()),
    );
    expect(gaps).toEqual([
      upgradePolling.firstDelayMs,
      upgradePolling.firstDelayMs * upgradePolling.backoffCoefficient,
    ]);
    expect(output).toEqual({
      status: 'completed',
      azurePlan: { subscriptionId: 'plan-1', orderId: 'upgrade-1' },
      lineItems: [
        { sourceSubscriptionId: 'legacy-a', targetEntitlementId: 'azure-a', status: 'completed' },
        { sourceSubscriptionId: 'legacy-b', targetEntitlementId: 'azure-b', status: 'completed' },
      ],
    });
    const record = history.find(
      (task) => task.kind === 'activity' && task.name === transitionActivities.recordUpgrade,
    );
    expect(record).toMatchObject({ input: { upgradeId: 'upgrade-1', lines: completedLines, sources } });
  });

  it('waits out throttling with a durable timer of the asked length, then starts the upgrade once', () => {
    const { history } = replay(happyPath({ throttleStart: 1 }));
    expect(names(history).slice(0, 4)).toEqual(['plan', 'startUpgrade', 'timer', 'startUpgrade']);
    expect(history[2]).toEqual({ kind: 'timer', fireAt: new Date('2026-03-01T10:02:00.000Z') });
  });

  it('ends failed and frees the customer when Partner Center refuses the upgrade; nothing is recorded', () => {
    const { output, history } = replay((task) => {
      if (task.kind === 'activity' && task.name === transitionActivities.startUpgrade) {
        return { outcome: 'rejected', error: { code: 'PartnerCenterRejected', detail: 'no' } };
      }
      return happyPath()(task);
    });
    expect(names(history)).toEqual(['plan', 'startUpgrade', 'releaseSlot']);
    expect(output.status).toBe('failed');
    expect(output.error).toEqual({ code: 'PartnerCenterRejected', detail: 'no' });
  });

  it('reports instead of waiting forever when the upgrade never completes', () => {
    const { output, history } = replay((task) => {
      if (task.kind === 'activity' && task.name === transitionActivities.readUpgradeStatus) {
        return { outcome: 'inProgress' };
      }
      return happyPath()(task);
    });
    expect(output.status).toBe('failed');
    expect(output.error?.code).toBe('PartnerCenterUnavailable');
    expect(names(history)).not.toContain('recordUpgrade');
    expect(names(history).at(-1)).toBe('releaseSlot');
  });
});
