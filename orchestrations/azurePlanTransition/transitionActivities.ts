import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { type AzurePlanOrderRepository } from '../../shared/commerce/azurePlanOrders';
import { type CommerceRepository } from '../../shared/commerce/commerceRepository';
import { transitionActivityDependencies } from '../../shared/compositionRoot';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { AppError } from '../../shared/domain/errors';
import { planTransition } from '../../shared/domain/rules/azurePlanTransition';
import { type Clock } from '../../shared/platform/clock';
import { type FaultInjector } from '../../shared/platform/faultInjection';
import { type MarketCatalogue } from '../../shared/platform/markets';
import {
  type FindPlanOrderInput,
  type FindPlanOrderResult,
  type MoveSubscriptionInput,
  type MoveSubscriptionResult,
  type PlacePlanOrderInput,
  type PlacePlanOrderResult,
  type PlanTransitionInput,
  type PlanTransitionResult,
  type ReleaseSlotInput,
  type SuspendLegacySubscriptionInput,
  transitionActivities,
  transitionFaultPoints,
} from '../../shared/transitions/transitionWorkflowContract';

/**
 * The transition's activities: thin and idempotent, because the durable runtime may run each more than once (a
 * retry after a crash between the write and the reply). Document ids are deterministic (the Azure subscription id,
 * the ids from the orchestrator's replay-safe generator), so a second run finds its own writes and adds nothing.
 */
export interface TransitionActivityDependencies {
  customers: Pick<CustomerRepository, 'get' | 'releasePurchaseSlot'>;
  commerce: Pick<
    CommerceRepository,
    'readSubscriptions' | 'moveAzureSubscriptionUnderPlan' | 'suspendLegacySubscription'
  >;
  azurePlanOrders: AzurePlanOrderRepository;
  /** The countries where the Azure plan is sold. */
  azurePlanMarkets: MarketCatalogue['azurePlan'];
  clock: Clock;
  faults: FaultInjector;
}

export function createTransitionActivities({
  customers,
  commerce,
  azurePlanOrders,
  azurePlanMarkets,
  clock,
  faults,
}: TransitionActivityDependencies) {
  return {
    /** Reads the customer and its 0145P subscriptions and decides again what moves (the transition holds the slot). */
    async planTransition(input: PlanTransitionInput, log: InvocationContext): Promise<PlanTransitionResult> {
      const customer = await customers.get(input.customerId);
      if (customer === undefined) {
        return {
          outcome: 'refused',
          error: { code: 'CustomerNotFound', detail: `Customer ${input.customerId} does not exist.` },
        };
      }
      const legacySubscriptions = await commerce.readSubscriptions(
        input.customerId,
        customer.legacySubscriptionIds,
      );
      try {
        const sources = planTransition({
          customer,
          legacySubscriptions,
          azurePlanMarkets,
          heldBy: input.transitionId,
        });
        log.log(
          `planTransition transitionId=${input.transitionId} lines=${sources.length} correlationId=${input.correlationId}`,
        );
        return { outcome: 'planned', sources };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        log.warn(
          `planTransition transitionId=${input.transitionId} refused code=${error.code} correlationId=${input.correlationId}`,
        );
        return { outcome: 'refused', error: { code: error.code, detail: error.detail } };
      }
    },

    /** The Azure plan order, exactly as a purchase places it; the transition keeps the slot until the end. */
    async placePlanOrder(input: PlacePlanOrderInput, log: InvocationContext): Promise<PlacePlanOrderResult> {
      try {
        const placed = await azurePlanOrders.place({
          customerId: input.customerId,
          purchaseId: input.transitionId,
          orderId: input.orderId,
          subscriptionId: input.subscriptionId,
          entitlementId: input.firstEntitlement.id,
          friendlyName: input.firstEntitlement.friendlyName,
          releaseSlot: false,
          correlationId: input.correlationId,
          now: new Date(input.placedAt),
        });
        log.log(
          `placePlanOrder transitionId=${input.transitionId} orderId=${placed.orderId} alreadyPlaced=${placed.alreadyPlaced} correlationId=${input.correlationId}`,
        );
        faults.check(transitionFaultPoints.afterPlanOrder);
        return { outcome: 'placed', orderId: placed.orderId, subscriptionId: placed.subscriptionId };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        log.warn(
          `placePlanOrder transitionId=${input.transitionId} rejected code=${error.code} correlationId=${input.correlationId}`,
        );
        return { outcome: 'rejected', error: { code: error.code, detail: error.detail } };
      }
    },

    /** A read: the plan this transition bought, if its Azure plan marker exists. */
    async findPlanOrder(input: FindPlanOrderInput, log: InvocationContext): Promise<FindPlanOrderResult> {
      const placed = await azurePlanOrders.find(input.customerId, input.transitionId);
      log.log(
        `findPlanOrder transitionId=${input.transitionId} orderId=${placed?.orderId ?? 'none'} correlationId=${input.correlationId}`,
      );
      return placed ? { orderId: placed.orderId, subscriptionId: placed.subscriptionId } : null;
    },

    /** The legacy Azure subscription becomes an Azure entitlement under the plan, keeping its id. */
    async moveSubscription(
      input: MoveSubscriptionInput,
      log: InvocationContext,
    ): Promise<MoveSubscriptionResult> {
      const moved = await commerce.moveAzureSubscriptionUnderPlan({
        customerId: input.customerId,
        azureSubscriptionId: input.source.azureSubscriptionId,
        sourceSubscriptionId: input.source.sourceSubscriptionId,
        friendlyName: input.source.friendlyName,
        planSubscriptionId: input.planSubscriptionId,
        correlationId: input.correlationId,
        now: new Date(input.movedAt),
      });
      log.log(
        `moveSubscription transitionId=${input.transitionId} source=${input.source.sourceSubscriptionId} entitlementId=${moved.entitlementId} created=${moved.created} correlationId=${input.correlationId}`,
      );
      faults.check(transitionFaultPoints.afterMove);
      return { entitlementId: moved.entitlementId };
    },

    async suspendLegacySubscription(
      input: SuspendLegacySubscriptionInput,
      log: InvocationContext,
    ): Promise<void> {
      await commerce.suspendLegacySubscription({
        customerId: input.customerId,
        subscriptionId: input.sourceSubscriptionId,
        entitlementId: input.entitlementId,
      });
      log.log(
        `suspendLegacySubscription transitionId=${input.transitionId} source=${input.sourceSubscriptionId} correlationId=${input.correlationId}`,
      );
      faults.check(transitionFaultPoints.afterSuspend);
    },

    async releaseSlot(input: ReleaseSlotInput, log: InvocationContext): Promise<void> {
      await customers.releasePurchaseSlot(input.customerId, input.transitionId, {
        now: clock.now(),
        correlationId: input.correlationId,
      });
      log.log(`releaseSlot transitionId=${input.transitionId} correlationId=${input.correlationId}`);
    },
  };
}

type TransitionActivities = ReturnType<typeof createTransitionActivities>;

function register<K extends keyof TransitionActivities>(key: K): void {
  df.app.activity(transitionActivities[key], {
    handler: async (input: unknown, context: InvocationContext) => {
      const activities = createTransitionActivities(await transitionActivityDependencies());
      const run = activities[key] as (input: unknown, context: InvocationContext) => Promise<unknown>;
      return run(input, context);
    },
  });
}

export function registerTransitionActivities(): void {
  register('planTransition');
  register('placePlanOrder');
  register('findPlanOrder');
  register('moveSubscription');
  register('suspendLegacySubscription');
  register('releaseSlot');
}
