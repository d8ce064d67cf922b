import * as df from 'durable-functions';
import { type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';

import {
  type TransitionLine,
  transitionOutcome,
  type TransitionProgress,
} from '../../shared/domain/rules/azurePlanTransition';
import {
  azurePlanTransitionOrchestration,
  type ReadUpgradeStatusInput,
  type ReadUpgradeStatusResult,
  type RecordUpgradeInput,
  type RecordUpgradeResult,
  type ReleaseSlotInput,
  type SelectTransitionSourcesResult,
  type StartUpgradeInput,
  type StartUpgradeResult,
  type SuspendLegacySubscriptionInput,
  type Throttled,
  transitionActivities,
  type TransitionInput,
  transitionInputSchema,
  upgradePolling,
} from '../../shared/transitions/transitionWorkflowContract';
import { storeRetry } from '../retryPolicy';

/**
 * The transition from Microsoft Azure (0145P) to the Azure plan through Partner Center's product upgrade: check
 * again what moves (the service's rules, then Partner Center's eligibility), start the upgrade, poll its status on
 * durable timers until it completed, record the plan and each Azure subscription under it (same id), and suspend
 * each legacy commerce subscription, line by line, then free the customer. The starter has claimed the
 * customer's one-at-a-time slot with the transition id, which is also the instance id.
 */
export const azurePlanTransitionOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Generator<Task, TransitionProgress, unknown> {
  const input = transitionInputSchema.parse(context.df.getInput());
  const step = {
    transitionId: input.transitionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
  };
  show(context, { status: 'validating', lineItems: [] });

  const selection = (yield context.df.callActivityWithRetry(
    transitionActivities.selectTransitionSources,
    storeRetry,
    step,
  )) as SelectTransitionSourcesResult;
  if (selection.outcome === 'refused') return yield* fail(context, input, [], selection.error);

  const lineItems: TransitionLine[] = selection.sources.map((source) => ({
    sourceSubscriptionId: source.sourceSubscriptionId,
    status: 'pending',
  }));
  show(context, { status: 'placingOrder', lineItems });

  const started = yield* untilNotThrottled<StartUpgradeResult>(context, () =>
    context.df.callActivityWithRetry(
      transitionActivities.startUpgrade,
      storeRetry,
      step satisfies StartUpgradeInput,
    ),
  );
  if (started.outcome === 'rejected') return yield* fail(context, input, lineItems, started.error);

  const status = yield* untilUpgradeEnds(context, { ...step, upgradeId: started.upgradeId });
  if (status.outcome === 'failed') return yield* fail(context, input, lineItems, status.error);

  const record: RecordUpgradeInput = {
    ...step,
    upgradeId: started.upgradeId,
    sources: selection.sources,
    lines: status.lines,
    recordedAt: context.df.currentUtcDateTime.toISOString(),
  };
  // Partner Center already moved everything: recording it must not give up with the first round of retries (a
  // store that keeps failing); a few more rounds, a durable timer apart, before the transition reports it.
  let recorded: RecordUpgradeResult | undefined;
  for (let round = 1; recorded === undefined; round += 1) {
    try {
      recorded = (yield context.df.callActivityWithRetry(
        transitionActivities.recordUpgrade,
        storeRetry,
        record,
      )) as RecordUpgradeResult;
    } catch {
      if (round >= recordRounds) {
        return yield* fail(context, input, lineItems, {
          code: 'InternalError',
          detail: `Partner Center completed the upgrade ${started.upgradeId}, but recording it failed; start the transition again to record it.`,
        });
      }
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
    }
  }
  const { azurePlan } = recorded;

  const lines: TransitionLine[] = selection.sources.map((source) => {
    const moved = recorded.moved.find((line) => line.sourceSubscriptionId === source.sourceSubscriptionId);
    return moved
      ? {
          sourceSubscriptionId: source.sourceSubscriptionId,
          targetEntitlementId: moved.entitlementId,
          status: 'pending',
        }
      : {
          sourceSubscriptionId: source.sourceSubscriptionId,
          status: 'failed',
          error: {
            code: 'PartnerCenterRejected',
            detail:
              'Partner Center did not move this subscription in the product upgrade; it stays under 0145P.',
          },
        };
  });
  for (const [index, line] of lines.entries()) {
    if (line.targetEntitlementId === undefined) continue;
    show(context, { status: 'movingSubscriptions', lineItems: [...lines], azurePlan });
    lines[index] = yield* suspendLine(context, step, line.sourceSubscriptionId, line.targetEntitlementId);
  }

  yield context.df.callActivityWithRetry(
    transitionActivities.releaseSlot,
    storeRetry,
    step satisfies ReleaseSlotInput,
  );
  const outcome: TransitionProgress = { status: transitionOutcome(lines), lineItems: lines, azurePlan };
  show(context, outcome);
  return outcome;
};

/** Rounds of retried `recordUpgrade` before the transition reports that it could not record the upgrade. */
const recordRounds = 3;

/** Repeats a step Partner Center throttled, after the wait it asked for, on a durable timer. */
function* untilNotThrottled<T extends { outcome: string }>(
  context: OrchestrationContext,
  call: () => Task,
): Generator<Task, Exclude<T, Throttled>, unknown> {
  for (;;) {
    const result = (yield call()) as T | Throttled;
    if (result.outcome !== 'throttled') return result as Exclude<T, Throttled>;
    const wait = (result as Throttled).retryAfterMs;
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + wait));
  }
}

/**
 * Polls the product upgrade on a back-off schedule of durable timers until Partner Center reports it ended, or the
 * deadline passes (then the transition reports that instead of hanging).
 */
function* untilUpgradeEnds(
  context: OrchestrationContext,
  input: ReadUpgradeStatusInput,
): Generator<Task, Exclude<ReadUpgradeStatusResult, Throttled | { outcome: 'inProgress' }>, unknown> {
  const deadline = context.df.currentUtcDateTime.getTime() + upgradePolling.deadlineMs;
  let delay: number = upgradePolling.firstDelayMs;
  for (;;) {
    const status = yield* untilNotThrottled<ReadUpgradeStatusResult>(context, () =>
      context.df.callActivityWithRetry(transitionActivities.readUpgradeStatus, storeRetry, input),
    );
    if (status.outcome !== 'inProgress') return status;
    const now = context.df.currentUtcDateTime.getTime();
    if (now >= deadline) {
      return {
        outcome: 'failed',
        error: {
          code: 'PartnerCenterUnavailable',
          detail: `Partner Center's product upgrade ${input.upgradeId} did not finish within ${upgradePolling.deadlineMs / 3_600_000} hours; check it in Partner Center.`,
        },
      };
    }
    yield context.df.createTimer(new Date(Math.min(now + delay, deadline)));
    delay = Math.min(delay * upgradePolling.backoffCoefficient, upgradePolling.maxDelayMs);
  }
}

/** The upgrade moved the Azure subscription: its legacy commerce subscription is suspended. */
function* suspendLine(
  context: OrchestrationContext,
  step: { transitionId: string; customerId: string; correlationId: string },
  sourceSubscriptionId: string,
  entitlementId: string,
): Generator<Task, TransitionLine, unknown> {
  try {
    const suspend: SuspendLegacySubscriptionInput = { ...step, sourceSubscriptionId, entitlementId };
    yield context.df.callActivityWithRetry(
      transitionActivities.suspendLegacySubscription,
      storeRetry,
      suspend,
    );
  } catch {
    return {
      sourceSubscriptionId,
      targetEntitlementId: entitlementId,
      status: 'failed',
      error: {
        code: 'InternalError',
        detail: `The Azure subscription is under the plan, but 0145P subscription ${sourceSubscriptionId} could not be suspended.`,
      },
    };
  }
  return { sourceSubscriptionId, targetEntitlementId: entitlementId, status: 'completed' };
}

/** Frees the customer and ends with the reason; nothing was bought (or the plan order was refused). */
function* fail(
  context: OrchestrationContext,
  input: TransitionInput,
  lineItems: TransitionLine[],
  error: { code: string; detail: string },
): Generator<Task, TransitionProgress, unknown> {
  const release: ReleaseSlotInput = {
    transitionId: input.transitionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
  };
  yield context.df.callActivityWithRetry(transitionActivities.releaseSlot, storeRetry, release);
  const outcome: TransitionProgress = {
    status: 'failed',
    lineItems: lineItems.map((line) => ({ ...line, status: 'failed' })),
    error,
  };
  show(context, outcome);
  return outcome;
}

function show(context: OrchestrationContext, progress: TransitionProgress): void {
  context.df.setCustomStatus(progress);
}

export function registerAzurePlanTransitionOrchestrator(): void {
  df.app.orchestration(azurePlanTransitionOrchestration, azurePlanTransitionOrchestrator);
}
