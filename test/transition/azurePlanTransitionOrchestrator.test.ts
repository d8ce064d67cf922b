import { describe, expect, it } from 'vitest';

import { azurePlanTransitionOrchestrator } from '../../orchestrations/transition/azurePlanTransitionOrchestrator';
import {
  throttling,
  transitionActivityNames,
  type TransitionInput,
  transitionInputVersion,
  upgradePolling,
} from '../../orchestrations/transition/transitionWorkflowContract';
import { type TransitionProgress } from '../../shared/domain/api/azurePlanTransition';
import { type HarnessResult, runOrchestrator, type Scheduled } from '../support/orchestrationHarness';

const startTime = new Date('2026-03-01T10:00:00.000Z');

const transitionInput: TransitionInput = {
  version: transitionInputVersion,
  transitionId: 'transition-1',
  customerId: 'contoso',
  correlationId: 'corr-1',
  requestedBy: { userId: 'user-1' },
};

/**
 * Replays the orchestrator on the shared harness, execution after execution until one does not continue as new:
 * every activity is answered from a script, and the orchestration clock moves only when a timer fires. `history`
 * is what the orchestrator scheduled, in order, across executions.
 */
function replay(answer: (task: Scheduled) => unknown, input: TransitionInput = transitionInput) {
  const activities = Object.fromEntries(
    Object.values(transitionActivityNames).map((name) => [
      name,
      (input: unknown) => answer({ kind: 'activity', name, input }),
    ]),
  );
  const executions: HarnessResult[] = [];
  let next: unknown = input;
  let now = startTime;
  for (;;) {
    const execution = runOrchestrator(azurePlanTransitionOrchestrator, {
      input: next,
      instanceId: 'transition-1',
      startTime: now,
      activities,
      maxSteps: 2000,
    });
    executions.push(execution);
    now = execution.now;
    if (execution.continuedAsNew === undefined) break;
    if (executions.length > 500) throw new Error('too many executions');
    next = execution.continuedAsNew;
  }
  const timers = executions.flatMap((execution) => execution.timers);
  // Every timer is due after the clock it was created at (the clock moves only when a timer fires).
  let clock = startTime.getTime();
  for (const fireAt of timers) {
    expect(fireAt.getTime()).toBeGreaterThan(clock);
    clock = fireAt.getTime();
  }
  return {
    output: executions.at(-1)!.output as TransitionProgress,
    history: executions.flatMap((execution) => execution.scheduled),
    statuses: executions.flatMap((execution) => execution.customStatuses),
    executions,
    now,
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
      case transitionActivityNames.selectTransitionSources:
        return { outcome: 'planned', sources };
      case transitionActivityNames.startUpgrade:
        if (throttles > 0) {
          throttles -= 1;
          return { outcome: 'throttled', retryAfterMs: 120_000 };
        }
        return { outcome: 'started', upgradeId: 'upgrade-1' };
      case transitionActivityNames.readUpgradeStatus:
        polls += 1;
        return polls > (overrides.statusPolls ?? 0)
          ? { outcome: 'completed', lines: completedLines }
          : { outcome: 'inProgress' };
      case transitionActivityNames.recordUpgrade:
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
      (task) => task.kind === 'activity' && task.name === transitionActivityNames.recordUpgrade,
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
      if (task.kind === 'activity' && task.name === transitionActivityNames.startUpgrade) {
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
      if (task.kind === 'activity' && task.name === transitionActivityNames.readUpgradeStatus) {
        return { outcome: 'inProgress' };
      }
      return happyPath()(task);
    });
    expect(output.status).toBe('failed');
    expect(output.error?.code).toBe('PartnerCenterUnavailable');
    expect(names(history)).not.toContain('recordUpgrade');
    expect(names(history).at(-1)).toBe('releaseSlot');
  });

  it('a long upgrade continues as new every few polls: the status stays placingOrder, no execution over 100 history events', () => {
    const { output, executions, history } = replay(happyPath({ statusPolls: 100 }));

    expect(output.status).toBe('completed');
    expect(executions.length).toBeGreaterThan(5);
    for (const execution of executions) {
      expect(execution.historyEvents).toBeLessThanOrEqual(100);
    }
    for (const execution of executions.slice(1)) {
      expect(execution.calls[0]).toMatchObject({
        name: transitionActivityNames.readUpgradeStatus,
        customStatus: { status: 'placingOrder', lineItems: [{ status: 'pending' }, { status: 'pending' }] },
      });
    }
    const continuedStatuses = executions.slice(1).flatMap((execution) => execution.customStatuses);
    expect(continuedStatuses).not.toContainEqual(expect.objectContaining({ status: 'validating' }));
    expect(executions[1]?.calls).not.toContainEqual(
      expect.objectContaining({ name: transitionActivityNames.selectTransitionSources }),
    );
    const once = (name: string) => history.filter((task) => task.kind === 'activity' && task.name === name);
    expect(once(transitionActivityNames.selectTransitionSources)).toHaveLength(1);
    expect(once(transitionActivityNames.startUpgrade)).toHaveLength(1);
    expect(once(transitionActivityNames.recordUpgrade)).toMatchObject([
      { input: { upgradeId: 'upgrade-1', sources } },
    ]);
    const timers = history.filter((task) => task.kind === 'timer');
    const gaps = timers.map(
      (timer, index) =>
        timer.fireAt.getTime() - (index === 0 ? startTime.getTime() : timers[index - 1]!.fireAt.getTime()),
    );
    // The back-off goes on across executions: 30 s doubling to 10 minutes, never restarting at 30 s.
    expect(gaps.slice(0, 7)).toEqual([0.5, 1, 2, 4, 8, 10, 10].map((minutes) => minutes * 60_000));
    expect(Math.min(...gaps.slice(6))).toBe(upgradePolling.maxDelayMs);
  });

  it('the deadline counts from the start of the upgrade, across executions', () => {
    const { output, executions, now } = replay((task) => {
      if (task.kind === 'activity' && task.name === transitionActivityNames.readUpgradeStatus) {
        return { outcome: 'inProgress' };
      }
      return happyPath()(task);
    });
    expect(output.error?.code).toBe('PartnerCenterUnavailable');
    expect(executions.length).toBeGreaterThan(20);
    expect(now.getTime() - startTime.getTime()).toBe(upgradePolling.deadlineMs);
    for (const execution of executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
  });

  it('an execution journaled before the version tag replays as it was written: it polls in one history', () => {
    const { version: _version, ...journaled } = transitionInput;
    const { output, executions } = replay(happyPath({ statusPolls: 30 }), journaled);
    expect(output.status).toBe('completed');
    expect(executions).toHaveLength(1);
  });

  it('an execution started under version 2 replays its unbounded throttling waits as they were written', () => {
    const { output, executions, history } = replay(happyPath({ throttleStart: 15 }), {
      ...transitionInput,
      version: 2,
    });
    expect(output.status).toBe('completed');
    expect(executions).toHaveLength(1);
    expect(names(history).filter((name) => name === 'startUpgrade')).toHaveLength(16);
  });

  it('an input version this build does not know is refused with the reason, not misread', () => {
    expect(() => replay(happyPath(), { ...transitionInput, version: transitionInputVersion + 1 })).toThrow(
      new RegExp(`workflow input version ${transitionInputVersion + 1}`),
    );
  });

  describe('a 429 storm of hours, on the virtual clock', () => {
    const hour = 3_600_000;
    const retryAfterMs = 60_000;
    /** Partner Center answers 429 to `activity` until `stormEndsAt`, and otherwise as on the happy path. */
    function stormOn(activity: string, stormMs: number, happy = happyPath({ statusPolls: 3 })) {
      const stormEndsAt = startTime.getTime() + stormMs;
      const answer = (task: Scheduled, at: Date) =>
        task.kind === 'activity' && task.name === activity && at.getTime() < stormEndsAt
          ? { outcome: 'throttled', retryAfterMs }
          : happy(task);
      return answer;
    }
    /** `replay` with the orchestration clock at each call, which the storm needs. */
    function replayStorm(answer: (task: Scheduled, at: Date) => unknown) {
      const activities = Object.fromEntries(
        Object.values(transitionActivityNames).map((name) => [
          name,
          (input: unknown, call: { at: Date }) => answer({ kind: 'activity', name, input }, call.at),
        ]),
      );
      const executions: HarnessResult[] = [];
      let next: unknown = transitionInput;
      let now = startTime;
      do {
        const execution = runOrchestrator(azurePlanTransitionOrchestrator, {
          input: next,
          instanceId: 'transition-1',
          startTime: now,
          activities,
        });
        executions.push(execution);
        now = execution.now;
        next = execution.continuedAsNew;
        if (executions.length > 1000) throw new Error('too many executions');
      } while (next !== undefined);
      const calls = executions.flatMap((execution) => execution.calls);
      return { output: executions.at(-1)!.output as TransitionProgress, executions, calls, now };
    }
    const named = (calls: readonly { name: string }[], name: string) =>
      calls.filter((call) => call.name === name);

    it('while the upgrade runs: every execution stays under 100 history events, and the transition completes after the storm', () => {
      const { output, executions, calls, now } = replayStorm(
        stormOn(transitionActivityNames.readUpgradeStatus, 6 * hour),
      );
      expect(output.status).toBe('completed');
      expect(executions.length).toBeGreaterThan(30);
      for (const execution of executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
      expect(now.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(6 * hour);
      expect(named(calls, transitionActivityNames.startUpgrade)).toHaveLength(1);
      expect(named(calls, transitionActivityNames.recordUpgrade)).toHaveLength(1);
      expect(named(calls, transitionActivityNames.releaseWorkInProgress)).toHaveLength(1);
      // Each throttled look waited as long as Partner Center asked.
      const gaps = executions[0]!.timers.map((fireAt, index, timers) =>
        index === 0
          ? fireAt.getTime() - startTime.getTime()
          : fireAt.getTime() - timers[index - 1]!.getTime(),
      );
      expect(gaps).toEqual(Array.from({ length: gaps.length }, () => retryAfterMs));
    });

    it('while the upgrade runs past its deadline: ends failed at the deadline, frees the customer', () => {
      const { output, executions, calls, now } = replayStorm(
        stormOn(transitionActivityNames.readUpgradeStatus, 100 * hour),
      );
      expect(output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
      expect(now.getTime() - startTime.getTime()).toBe(upgradePolling.deadlineMs);
      for (const execution of executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
      expect(named(calls, transitionActivityNames.recordUpgrade)).toHaveLength(0);
      expect(named(calls, transitionActivityNames.releaseWorkInProgress)).toHaveLength(1);
    });

    it('before the upgrade starts: gives up after the documented hour, nothing bought, the customer freed', () => {
      const { output, executions, calls, now } = replayStorm(
        stormOn(transitionActivityNames.startUpgrade, 5 * hour),
      );
      expect(output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
      expect(output.error?.detail).toMatch(/nothing was bought/);
      expect(now.getTime() - startTime.getTime()).toBe(throttling.startGiveUpAfterMs);
      expect(executions.length).toBeGreaterThan(3);
      for (const execution of executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
      expect(named(calls, transitionActivityNames.readUpgradeStatus)).toHaveLength(0);
      expect(named(calls, transitionActivityNames.releaseWorkInProgress)).toHaveLength(1);
      // A continued execution checks again what moves, and shows what it places meanwhile, never `validating`.
      for (const execution of executions.slice(1)) {
        expect(execution.customStatuses[0]).toMatchObject({ status: 'placingOrder' });
        expect(execution.calls[0]?.name).toBe(transitionActivityNames.selectTransitionSources);
      }
    });

    it('before the upgrade starts, shorter than the hour: starts once the storm ends and completes', () => {
      const { output, executions, calls } = replayStorm(
        stormOn(transitionActivityNames.startUpgrade, 40 * 60_000),
      );
      expect(output.status).toBe('completed');
      expect(executions.length).toBeGreaterThan(2);
      for (const execution of executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
      const starts = named(calls, transitionActivityNames.startUpgrade);
      expect(starts.length).toBeGreaterThan(30);
      expect(named(calls, transitionActivityNames.recordUpgrade)).toHaveLength(1);
    });
  });
});
