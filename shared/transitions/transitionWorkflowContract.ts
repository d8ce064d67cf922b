import { z } from 'zod';

import { type TransitionSource } from '../domain/rules/azurePlanTransition';

/**
 * The contract between the transition starter, its orchestrator, the activities and the status reader: names and
 * the small, serialisable shapes that cross the durable history. No I/O here, so the orchestrator may import it.
 */
export const azurePlanTransitionOrchestration = 'azurePlanTransition';

export const transitionActivities = {
  planTransition: 'azurePlanTransition-plan',
  placePlanOrder: 'azurePlanTransition-placePlanOrder',
  findPlanOrder: 'azurePlanTransition-findPlanOrder',
  moveSubscription: 'azurePlanTransition-moveSubscription',
  suspendLegacySubscription: 'azurePlanTransition-suspendLegacySubscription',
  releaseSlot: 'azurePlanTransition-releaseSlot',
} as const;

/** Fault-injection points (FAULT_INJECTION, tests only): each fails its activity after the activity's write. */
export const transitionFaultPoints = {
  afterPlanOrder: 'transition.placePlanOrder.afterWrite',
  afterMove: 'transition.moveSubscription.afterWrite',
  afterSuspend: 'transition.suspendLegacySubscription.afterWrite',
} as const;

/** The orchestration input: ids only. The transition id is the instance id and holds the customer's slot. */
export const transitionInputSchema = z.object({
  transitionId: z.string(),
  customerId: z.string(),
  correlationId: z.string(),
  requestedBy: z.object({ userId: z.string(), name: z.string().optional() }),
});
export type TransitionInput = z.infer<typeof transitionInputSchema>;

interface TransitionStep {
  transitionId: string;
  customerId: string;
  correlationId: string;
}

export type PlanTransitionInput = TransitionStep;

/** Business refusals are values: error types do not survive the activity boundary. */
export type PlanTransitionResult =
  | { outcome: 'planned'; sources: TransitionSource[] }
  | { outcome: 'refused'; error: { code: string; detail: string } };

export interface PlacePlanOrderInput extends TransitionStep {
  /** From the replay-safe generator, so a retried activity writes the same ids. */
  orderId: string;
  subscriptionId: string;
  /** The plan's first Azure subscription is the first legacy one moved: no empty extra subscription appears. */
  firstEntitlement: { id: string; friendlyName: string };
  placedAt: string;
}

export type PlacePlanOrderResult =
  | { outcome: 'placed'; orderId: string; subscriptionId: string }
  | { outcome: 'rejected'; error: { code: string; detail: string } };

/** Asks, once `placePlanOrder` gave up, whether the plan was bought anyway (written, then a step failed). */
export type FindPlanOrderInput = TransitionStep;

/** The plan this transition bought, or null when it bought none. */
export type FindPlanOrderResult = { orderId: string; subscriptionId: string } | null;

export interface MoveSubscriptionInput extends TransitionStep {
  source: TransitionSource;
  planSubscriptionId: string;
  movedAt: string;
}

export interface MoveSubscriptionResult {
  entitlementId: string;
}

export interface SuspendLegacySubscriptionInput extends TransitionStep {
  sourceSubscriptionId: string;
  entitlementId: string;
}

export type ReleaseSlotInput = TransitionStep;
