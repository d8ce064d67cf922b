import * as df from 'durable-functions';
import { type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';

import {
  type TransitionLine,
  transitionOutcome,
  type TransitionProgress,
  type TransitionSource,
} from '../../shared/domain/rules/azurePlanTransition';
import {
  azurePlanTransitionOrchestration,
  type FindPlanOrderInput,
  type FindPlanOrderResult,
  type MoveSubscriptionInput,
  type MoveSubscriptionResult,
  type PlacePlanOrderInput,
  type PlacePlanOrderResult,
  type PlanTransitionResult,
  type ReleaseSlotInput,
  type SuspendLegacySubscriptionInput,
  transitionActivities,
  type TransitionInput,
  transitionInputSchema,
} from '../../shared/transitions/transitionWorkflowContract';
import { storeRetry } from '../retryPolicy';

/**
 * The transition from Microsoft Azure (0145P) to the Azure plan, as Partner Center's product upgrade runs it: check
 * again what moves, buy the plan, move each legacy Azure subscription under it (same Azure subscription id) and
 * suspend its legacy commerce subscription, line by line, then free the customer. The starter has claimed the
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

  const plan = (yield context.df.callActivityWithRetry(
    transitionActivities.planTransition,
    storeRetry,
    step,
  )) as PlanTransitionResult;
  if (plan.outcome === 'refused') return yield* fail(context, input, [], plan.error);

  const lineItems: TransitionLine[] = plan.sources.map((source) => ({
    sourceSubscriptionId: source.sourceSubscriptionId,
    status: 'pending',
  }));
  show(context, { status: 'placingOrder', lineItems });

  const [firstSource] = plan.sources;
  if (firstSource === undefined) {
    return yield* fail(context, input, lineItems, {
      code: 'NoLegacySubscriptions',
      detail: 'Nothing to move.',
    });
  }
  const placeOrder: PlacePlanOrderInput = {
    ...step,
    // Replay-safe ids: a retried activity writes the same documents.
    orderId: context.df.newGuid(context.df.instanceId),
    subscriptionId: context.df.newGuid(context.df.instanceId),
    firstEntitlement: { id: firstSource.azureSubscriptionId, friendlyName: firstSource.friendlyName },
    placedAt: context.df.currentUtcDateTime.toISOString(),
  };
  let placed: PlacePlanOrderResult;
  try {
    placed = (yield context.df.callActivityWithRetry(
      transitionActivities.placePlanOrder,
      storeRetry,
      placeOrder,
    )) as PlacePlanOrderResult;
  } catch {
    // The retries ran out: an attempt may have bought the plan and failed afterwards. Ask the store.
    placed = yield* settleAfterFailedPlanOrder(context, step);
  }
  if (placed.outcome === 'rejected') return yield* fail(context, input, lineItems, placed.error);

  const azurePlan = { subscriptionId: placed.subscriptionId, orderId: placed.orderId };
  for (const [index, source] of plan.sources.entries()) {
    show(context, { status: 'movingSubscriptions', lineItems: [...lineItems], azurePlan });
    lineItems[index] = yield* moveLine(context, step, source, azurePlan.subscriptionId);
  }

  yield context.df.callActivityWithRetry(
    transitionActivities.releaseSlot,
    storeRetry,
    step satisfies ReleaseSlotInput,
  );
  const outcome: TransitionProgress = { status: transitionOutcome(lineItems), lineItems, azurePlan };
  show(context, outcome);
  return outcome;
};

/** What a transition whose plan order kept failing has bought: the plan if its marker was written, else nothing. */
function* settleAfterFailedPlanOrder(
  context: OrchestrationContext,
  step: FindPlanOrderInput,
): Generator<Task, PlacePlanOrderResult, unknown> {
  let placed: FindPlanOrderResult;
  try {
    placed = (yield context.df.callActivityWithRetry(
      transitionActivities.findPlanOrder,
      storeRetry,
      step,
    )) as FindPlanOrderResult;
  } catch {
    return {
      outcome: 'rejected',
      error: {
        code: 'InternalError',
        detail:
          "The Azure plan order failed, and whether it was placed cannot be confirmed now; check the customer's " +
          'Azure plan before starting again. No subscription was moved.',
      },
    };
  }
  if (placed !== null) return { outcome: 'placed', ...placed };
  return {
    outcome: 'rejected',
    error: {
      code: 'InternalError',
      detail: 'The Azure plan order failed: this transition bought nothing and moved nothing.',
    },
  };
}

/** One legacy subscription: its Azure subscription goes under the plan, then its commerce subscription is suspended. */
function* moveLine(
  context: OrchestrationContext,
  step: { transitionId: string; customerId: string; correlationId: string },
  source: TransitionSource,
  planSubscriptionId: string,
): Generator<Task, TransitionLine, unknown> {
  const { sourceSubscriptionId } = source;
  let entitlementId: string;
  try {
    const move: MoveSubscriptionInput = {
      ...step,
      source,
      planSubscriptionId,
      movedAt: context.df.currentUtcDateTime.toISOString(),
    };
    const moved = (yield context.df.callActivityWithRetry(
      transitionActivities.moveSubscription,
      storeRetry,
      move,
    )) as MoveSubscriptionResult;
    entitlementId = moved.entitlementId;
  } catch {
    return {
      sourceSubscriptionId,
      status: 'failed',
      error: {
        code: 'InternalError',
        detail: `Azure subscription ${source.azureSubscriptionId} could not be moved; it stays active under 0145P.`,
      },
    };
  }
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
