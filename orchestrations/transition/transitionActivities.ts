import { type InvocationContext } from '@azure/functions';

import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { confirmMcaAtPartnerCenter } from '../../shared/agreements/confirmMcaAtPartnerCenter';
import { findAzurePlanAtPartnerCenter } from '../../shared/commerce/azurePlanAtPartnerCenter';
import { type AzurePlanOrderRepository } from '../../shared/commerce/azurePlanOrders';
import { refusalOf } from '../../shared/commerce/commerceOperations';
import { type CommerceRepository } from '../../shared/commerce/commerceRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import {
  partnerCenterCustomerIdOf,
  requirePartnerCenterCustomer,
} from '../../shared/customers/partnerCenterCustomerId';
import { AppError } from '../../shared/domain/errors';
import { selectTransitionSources } from '../../shared/domain/rules/azurePlanTransition';
import { type TransitionSource } from '../../shared/domain/rules/azurePlanTransition';
import { PartnerCenterError } from '../../shared/gateways/partnerCenter/partnerCenterError';
import {
  type AzureEntitlementsPort,
  type CustomersPort,
  type McaPort,
  type OrdersPort,
  type ProductUpgradesPort,
  type SubscriptionsPort,
} from '../../shared/gateways/partnerCenter/ports';
import { type Clock } from '../../shared/platform/clock';
import { type FaultInjector } from '../../shared/platform/faultInjection';
import { type MarketCatalogue } from '../../shared/platform/markets';
import { type Activity, registerActivities } from '../durablePatterns/activityMap';
import {
  type ReadUpgradeStatusInput,
  type ReadUpgradeStatusResult,
  type RecordUpgradeInput,
  type RecordUpgradeResult,
  type ReleaseWorkInProgressInput,
  type SelectTransitionSourcesInput,
  type SelectTransitionSourcesResult,
  type StartUpgradeInput,
  type StartUpgradeResult,
  type SuspendLegacySubscriptionInput,
  type Throttled,
  transitionActivityNames,
  transitionFaultPoints,
  type UpgradeLine,
} from './transitionWorkflowContract';

/**
 * The transition's activities: thin and idempotent, because the durable runtime may run each more than once (a
 * retry after a crash between the write and the reply). Document ids are deterministic (the Azure subscription id,
 * Partner Center's upgrade and plan ids, carried in the history), so a second run finds its own writes and adds
 * nothing.
 */
export interface TransitionActivityDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update' | 'releaseWorkInProgress'>;
  commerce: Pick<
    CommerceRepository,
    'readSubscriptions' | 'moveAzureSubscriptionUnderPlan' | 'suspendLegacySubscription'
  >;
  azurePlanOrders: Pick<AzurePlanOrderRepository, 'place'>;
  /** The acceptance the service holds, attested at Partner Center when it has none before the upgrade. */
  agreements: Pick<AgreementRepository, 'list'>;
  partnerCenter: Pick<ProductUpgradesPort, 'getUpgradeEligibility' | 'createUpgrade' | 'getUpgradeStatus'> &
    Pick<SubscriptionsPort, 'getSubscription' | 'updateSubscription' | 'listSubscriptions'> &
    Pick<OrdersPort, 'listOrders'> &
    Pick<CustomersPort, 'getCustomer'> &
    AzureEntitlementsPort &
    McaPort;
  /** The countries where the Azure plan is sold. */
  azurePlanMarkets: MarketCatalogue['azurePlan'];
  clock: Clock;
  faults: FaultInjector;
}

export function createTransitionActivities({
  customers,
  commerce,
  azurePlanOrders,
  agreements,
  azurePlanMarkets,
  partnerCenter,
  clock,
  faults,
}: TransitionActivityDependencies) {
  /** Partner Center knows the customer by its own id, never by the path id the transition carries. */
  const partnerCenterIdOf = async (customerId: string, correlationId: string) =>
    (await requirePartnerCenterCustomer({ customers, partnerCenter }, customerId, correlationId))
      .partnerCenterCustomerId;

  /**
   * What the completed upgrade made, read from Partner Center's plan and entitlements. The upgrade status names
   * `sourceProduct.id` and `targetProduct.id` only as "a GUID that identifies the product" (§3.13): nothing
   * documents that they are the Azure subscription and the plan subscription. So they are not trusted: the plan is
   * the customer's Azure plan subscription, and the lines are its Azure entitlements (an upgraded 0145P keeps its
   * Azure subscription id, mission-anchors §2.4), those named by a source product id first, else all of them.
   * Until Partner Center shows the plan with entitlements, the upgrade counts as still in progress.
   */
  async function upgradedLines(
    partnerCenterCustomerId: string,
    upgrade: { lineItems: { sourceProduct?: { id?: string } | undefined }[] },
    correlationId: string,
  ): Promise<UpgradeLine[] | undefined> {
    const context = { correlationId };
    const plan = await findAzurePlanAtPartnerCenter(partnerCenter, partnerCenterCustomerId, context);
    if (plan?.subscriptionId === undefined) return undefined;
    const entitlements = await partnerCenter.listAzureEntitlements(
      partnerCenterCustomerId,
      plan.subscriptionId,
      context,
    );
    const named = new Set(
      upgrade.lineItems.flatMap((line) =>
        line.sourceProduct?.id ? [line.sourceProduct.id.toLowerCase()] : [],
      ),
    );
    const moved = entitlements.filter((entitlement) => named.has(entitlement.id.toLowerCase()));
    const lines = (moved.length > 0 ? moved : entitlements).map((entitlement) => ({
      azureSubscriptionId: entitlement.id,
      planSubscriptionId: plan.subscriptionId!,
    }));
    return lines.length > 0 ? lines : undefined;
  }

  return {
    /** Reads the customer and its 0145P subscriptions and decides again what moves (the transition holds the work in progress). */
    async selectTransitionSources(
      input: SelectTransitionSourcesInput,
      log: InvocationContext,
    ): Promise<SelectTransitionSourcesResult> {
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
        const sources = selectTransitionSources({
          customer,
          legacySubscriptions,
          azurePlanMarkets,
          heldBy: input.transitionId,
        });
        const pcCustomerId = await partnerCenterCustomerIdOf(
          { customers, partnerCenter },
          customer,
          input.correlationId,
        );
        const eligibility = await partnerCenter.getUpgradeEligibility(pcCustomerId, {
          correlationId: input.correlationId,
        });
        // Partner Center answers "already in progress" with the running upgrade's id: this transition's own, repeated.
        if (!eligibility.isEligible && !eligibility.upgradeId) {
          const reason = eligibility.reason ?? 'Partner Center says the customer cannot be upgraded.';
          return {
            outcome: 'refused',
            error: {
              code: /suspended/i.test(reason) ? 'LegacySubscriptionSuspended' : 'PartnerCenterRejected',
              detail: reason,
            },
          };
        }
        log.log(
          `selectTransitionSources transitionId=${input.transitionId} lines=${sources.length} correlationId=${input.correlationId}`,
        );
        return { outcome: 'planned', sources };
      } catch (error) {
        if (!(error instanceof AppError) || refusalOf(error) === undefined) throw error;
        log.warn(
          `selectTransitionSources transitionId=${input.transitionId} refused code=${error.code} correlationId=${input.correlationId}`,
        );
        return { outcome: 'refused', error: { code: error.code, detail: error.detail } };
      }
    },

    /**
     * Asks Partner Center to upgrade the customer's 0145P to the Azure plan (safe to repeat: same step). The upgrade
     * needs the MCA at Partner Center, not only in our records (an invitation accepted through our link is ours
     * alone): it is confirmed there first, as the purchase's confirmMca does.
     */
    async startUpgrade(input: StartUpgradeInput, log: InvocationContext): Promise<StartUpgradeResult> {
      try {
        const customer = await customers.get(input.customerId);
        if (customer === undefined) {
          return {
            outcome: 'rejected',
            error: { code: 'CustomerNotFound', detail: `Customer ${input.customerId} does not exist.` },
          };
        }
        const pcCustomerId = await partnerCenterIdOf(input.customerId, input.correlationId);
        const { attested } = await confirmMcaAtPartnerCenter(
          { agreements, partnerCenter },
          {
            customer,
            partnerCenterCustomerId: pcCustomerId,
            stepKey: `transition:${input.transitionId}:attest`,
            correlationId: input.correlationId,
          },
        );
        if (attested)
          log.log(`startUpgrade transitionId=${input.transitionId} attested the MCA at Partner Center`);
        const upgradeId = await partnerCenter.createUpgrade(pcCustomerId, {
          correlationId: input.correlationId,
          stepKey: `transition:${input.transitionId}:upgrade`,
        });
        log.log(
          `startUpgrade transitionId=${input.transitionId} upgradeId=${upgradeId} correlationId=${input.correlationId}`,
        );
        return { outcome: 'started', upgradeId };
      } catch (error) {
        const throttled = throttledOf(error);
        if (throttled) return throttled;
        if (error instanceof AppError && error.code === 'McaNotAccepted') {
          return { outcome: 'rejected', error: { code: error.code, detail: error.detail } };
        }
        const refusal = refusalOf(error);
        if (refusal === undefined) throw error;
        return { outcome: 'rejected', error: refusal };
      }
    },

    /** A read of the upgrade's status; Partner Center reports `InProgress`, then `Completed` with its line items. */
    async readUpgradeStatus(
      input: ReadUpgradeStatusInput,
      log: InvocationContext,
    ): Promise<ReadUpgradeStatusResult> {
      try {
        const pcCustomerId = await partnerCenterIdOf(input.customerId, input.correlationId);
        const upgrade = await partnerCenter.getUpgradeStatus(pcCustomerId, input.upgradeId, {
          correlationId: input.correlationId,
        });
        const status = upgrade.status.toLowerCase();
        log.log(
          `readUpgradeStatus transitionId=${input.transitionId} status=${upgrade.status} correlationId=${input.correlationId}`,
        );
        if (status === 'completed' || status === 'succeeded') {
          const lines = await upgradedLines(pcCustomerId, upgrade, input.correlationId);
          return lines ? { outcome: 'completed', lines } : { outcome: 'inProgress' };
        }
        if (status === 'failed' || status === 'cancelled') {
          return {
            outcome: 'failed',
            error: {
              code: 'PartnerCenterRejected',
              detail: `Partner Center reports the product upgrade ${input.upgradeId} ${upgrade.status}.`,
            },
          };
        }
        return { outcome: 'inProgress' };
      } catch (error) {
        const throttled = throttledOf(error);
        if (throttled) return throttled;
        throw error;
      }
    },

    /**
     * Records what the upgrade did: the Azure plan (order = the upgrade, subscription = Partner Center's plan id) and
     * each legacy Azure subscription as an entitlement under it, keeping its id. Safe to repeat.
     */
    async recordUpgrade(input: RecordUpgradeInput, log: InvocationContext): Promise<RecordUpgradeResult> {
      const planSubscriptionId = input.lines[0]?.planSubscriptionId;
      if (planSubscriptionId === undefined) throw new Error(`Upgrade ${input.upgradeId} has no line items`);
      const pairs = pairSources(input.sources, input.lines);
      const first = pairs[0];
      const placed = await azurePlanOrders.place({
        customerId: input.customerId,
        workInProgressId: input.transitionId,
        orderId: input.upgradeId,
        subscriptionId: planSubscriptionId,
        entitlementId: first?.azureSubscriptionId ?? planSubscriptionId,
        friendlyName: first?.source.friendlyName ?? 'Microsoft Azure',
        releaseWorkInProgress: false,
        correlationId: input.correlationId,
        now: new Date(input.recordedAt),
      });
      faults.check(transitionFaultPoints.afterAzurePlanOrder);
      const moved = [];
      for (const pair of pairs) {
        const result = await commerce.moveAzureSubscriptionUnderPlan({
          customerId: input.customerId,
          azureSubscriptionId: pair.azureSubscriptionId,
          sourceSubscriptionId: pair.source.sourceSubscriptionId,
          friendlyName: pair.source.friendlyName,
          planSubscriptionId,
          correlationId: input.correlationId,
          now: new Date(input.recordedAt),
        });
        moved.push({
          sourceSubscriptionId: pair.source.sourceSubscriptionId,
          entitlementId: result.entitlementId,
        });
      }
      faults.check(transitionFaultPoints.afterMove);
      log.log(
        `recordUpgrade transitionId=${input.transitionId} plan=${placed.subscriptionId} moved=${moved.length} correlationId=${input.correlationId}`,
      );
      return { azurePlan: { subscriptionId: placed.subscriptionId, orderId: placed.orderId }, moved };
    },

    /** Suspends the legacy commerce subscription at Partner Center (if the upgrade left it active), then the record. */
    async suspendLegacySubscription(
      input: SuspendLegacySubscriptionInput,
      log: InvocationContext,
    ): Promise<void> {
      const context = { correlationId: input.correlationId };
      const pcCustomerId = await partnerCenterIdOf(input.customerId, input.correlationId);
      const current = await partnerCenter.getSubscription(pcCustomerId, input.sourceSubscriptionId, context);
      if (current !== undefined && current.status.toLowerCase() === 'active') {
        // A stale ETag (412) fails this attempt; the activity retry reads again.
        await partnerCenter.updateSubscription(
          pcCustomerId,
          { ...current, status: 'suspended' },
          { ...context, stepKey: `transition:${input.transitionId}:suspend:${input.sourceSubscriptionId}` },
        );
      }
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

    /** Frees the customer's work in progress held by this transition (idempotent). */
    async releaseWorkInProgress(input: ReleaseWorkInProgressInput, log: InvocationContext): Promise<void> {
      await customers.releaseWorkInProgress(input.customerId, input.transitionId, {
        now: clock.now(),
        correlationId: input.correlationId,
      });
      log.log(
        `releaseWorkInProgress transitionId=${input.transitionId} correlationId=${input.correlationId}`,
      );
    },
  } satisfies Record<keyof typeof transitionActivityNames, Activity>;
}

/** A 429 that outlasted the in-call retries: the orchestrator waits for it with a durable timer. */
function throttledOf(error: unknown): Throttled | undefined {
  return error instanceof PartnerCenterError && error.kind === 'Throttled'
    ? { outcome: 'throttled', retryAfterMs: error.retryAfterMs ?? 60_000 }
    : undefined;
}

/**
 * Pairs each upgraded Azure subscription with the 0145P subscription that billed it: by the Azure subscription id
 * the service recorded, else (Partner Center does not show that id on a 0145P subscription) in order.
 */
function pairSources(sources: TransitionSource[], lines: UpgradeLine[]) {
  const unmatched = [...sources];
  return lines.flatMap((line) => {
    const index = unmatched.findIndex(
      (source) => source.azureSubscriptionId.toLowerCase() === line.azureSubscriptionId.toLowerCase(),
    );
    const [source] = unmatched.splice(index >= 0 ? index : 0, 1);
    return source ? [{ source, azureSubscriptionId: line.azureSubscriptionId }] : [];
  });
}

export type TransitionActivities = ReturnType<typeof createTransitionActivities>;

/** Registers the transition's activities under their names; functions/index.ts hands them their dependencies. */
export function registerTransitionActivities(dependencies: TransitionActivityDependencies): void {
  registerActivities(transitionActivityNames, createTransitionActivities(dependencies));
}
