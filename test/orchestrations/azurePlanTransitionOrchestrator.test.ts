import { describe, expect, it } from 'vitest';

import { azurePlanTransitionOrchestrator } from '../../orchestrations/azurePlanTransition/azurePlanTransitionOrchestrator';
import { type TransitionProgress } from '../../shared/domain/rules/azurePlanTransition';
import { transitionActivities, upgradePolling } from '../../shared/transitions/transitionWorkflowContract';
import { runOrchestrator, type Scheduled } from '../support/orchestrationHarness';

const startTime = new Date('2026-03-01T10:00:00.000Z');

/**
 * Replays the orchestrator on the shared harness: every activity is answered from a script, and the orchestration
 * clock moves only when a timer fires. `history` is what the orchestrator scheduled, in order.
 */
function replay(answer: (task: Scheduled) => unknown) {
  const activities = Object.fromEntries(
    Object.values(transitionActivities).map((name) => [
      name,
      (input: unknown) => answer({ kind: 'activity', name, input }),
    ]),
  );
  const result = runOrchestrator(azurePlanTransitionOrchestrator, {
    input: {
      transitionId: 'transition-1',
      customerId: 'contoso',
      correlationId: 'corr-1',
      requestedBy: { userId: 'user-1' },
    },
    instanceId: 'transition-1',
    startTime,
    activities,
    maxSteps: 2000,
  });
  // Every timer is due after the clock it was created at (the clock moves only when a timer fires).
  let now = startTime.getTime();
  for (const fireAt of result.timers) {
    expect(fireAt.getTime()).toBeGreaterThan(now);
    now = fireAt.getTime();
  }
  return {
    output: result.output as TransitionProgress,
    history: result.scheduled,
    statuses: result.customStatuses,
  };
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
      case transitionActivities.selectTransitionSources:
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
        timer.fireAt.getTime() - (index === 0 ? startTime.getTime() : timers[index - 1]!.fireAt.getTime()),
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
