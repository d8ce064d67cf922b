import { findAzurePlanAtPartnerCenter } from '../commerce/azurePlanAtPartnerCenter';
import { type AzurePlanOrderRepository } from '../commerce/azurePlanOrders';
import { type CustomerRepository } from '../customers/customerRepository';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import {
  type AzureEntitlementsPort,
  type OrdersPort,
  type SubscriptionsPort,
} from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { mapWithConcurrency } from '../platform/mapWithConcurrency';

/** Customers compared per run; the next run goes on after the last one (see `cursor`). */
const customersPerRun = 200;
/** Partner Center calls in flight: a background sweep must stay far below its 500 calls a minute. */
const concurrency = 4;

export interface AzurePlanReconciliationDependencies {
  customers: Pick<CustomerRepository, 'findLinkedCustomers'>;
  partnerCenter: Pick<OrdersPort, 'listOrders'> &
    Pick<SubscriptionsPort, 'listSubscriptions'> &
    Pick<AzureEntitlementsPort, 'listAzureEntitlements'>;
  azurePlanOrders: Pick<AzurePlanOrderRepository, 'place'>;
  clock: Clock;
  logger: { log(...args: unknown[]): void; warn(...args: unknown[]): void };
  /** Where the previous run stopped (a customer id), kept by the caller between runs; '' starts from the first. */
  cursor: { after: string };
}

/**
 * How a customer's Azure plan at Partner Center differs from our records:
 * - `recorded`: Partner Center holds a provisioned plan we had no record of; it was recorded (order, plan, first
 *   Azure subscription, with Partner Center's ids), as a purchase would have;
 * - `orderUnderWay`: Partner Center shows an Azure plan order not provisioned yet and we have no plan: reported,
 *   the next run records it once it is provisioned;
 * - `missingAtPartnerCenter`: we record a plan Partner Center does not show: reported, never deleted;
 * - `differentPlan`: both have a plan, with other ids: reported, never changed.
 */
export interface AzurePlanDifference {
  customerId: string;
  kind: 'recorded' | 'orderUnderWay' | 'missingAtPartnerCenter' | 'differentPlan';
  partnerCenter?: { orderId: string; subscriptionId?: string };
  ours?: { orderId: string; subscriptionId: string };
}

/**
 * Compares each linked customer's Azure plan at Partner Center with our records (a page of customers per run) and
 * records what Partner Center sold that we do not know, so nothing bought stays unrecorded (a purchase that ended
 * `OrderUnconfirmed`, a crash, a plan bought in Partner Center's own UI). Customers with a purchase or transition
 * running are left to it. Differences are logged as warnings and returned.
 */
export async function reconcileAzurePlans(
  dependencies: AzurePlanReconciliationDependencies,
  correlationId: string,
): Promise<AzurePlanDifference[]> {
  const { customers, partnerCenter, azurePlanOrders, clock, logger, cursor } = dependencies;
  const page = await customers.findLinkedCustomers(cursor.after, customersPerRun);
  cursor.after = page.length < customersPerRun ? '' : (page.at(-1)?.customerId ?? '');
  const context = { correlationId };

  const differences = await mapWithConcurrency(
    page,
    concurrency,
    async (customer): Promise<AzurePlanDifference | undefined> => {
      const pcId = customer.partnerCenterCustomerId;
      if (pcId === undefined || customer.workInProgress !== null) return undefined;
      let atPartnerCenter;
      try {
        atPartnerCenter = await findAzurePlanAtPartnerCenter(partnerCenter, pcId, context);
      } catch (error) {
        if (!(error instanceof PartnerCenterError)) throw error;
        logger.warn(`reconciliation: Azure plan of ${customer.customerId} not compared (${error.message})`);
        return undefined;
      }
      const ours = customer.azurePlan;
      const base = { customerId: customer.customerId };
      if (atPartnerCenter === undefined) {
        return ours ? { ...base, kind: 'missingAtPartnerCenter', ours } : undefined;
      }
      const theirs = {
        orderId: atPartnerCenter.orderId,
        ...(atPartnerCenter.subscriptionId ? { subscriptionId: atPartnerCenter.subscriptionId } : {}),
      };
      if (ours) {
        return ours.subscriptionId === atPartnerCenter.subscriptionId
          ? undefined
          : { ...base, kind: 'differentPlan', ours, partnerCenter: theirs };
      }
      const entitlements =
        atPartnerCenter.subscriptionId === undefined
          ? []
          : await partnerCenter.listAzureEntitlements(pcId, atPartnerCenter.subscriptionId, context);
      const first = entitlements[0];
      if (atPartnerCenter.subscriptionId === undefined || first === undefined) {
        return { ...base, kind: 'orderUnderWay', partnerCenter: theirs };
      }
      await azurePlanOrders.place({
        customerId: customer.customerId,
        // The marker names who placed the order: the reconciliation, by Partner Center's order id.
        workInProgressId: `reconciliation:${atPartnerCenter.orderId}`,
        orderId: atPartnerCenter.orderId,
        subscriptionId: atPartnerCenter.subscriptionId,
        entitlementId: first.id,
        mcaConfirmedByPartnerCenter: true,
        releaseWorkInProgress: false,
        correlationId,
        now: clock.now(),
      });
      return { ...base, kind: 'recorded', partnerCenter: theirs };
    },
  );

  const found = differences.filter((difference) => difference !== undefined);
  for (const difference of found) {
    logger.warn(
      `reconciliation: Azure plan of ${difference.customerId} ${difference.kind}: Partner Center ${JSON.stringify(difference.partnerCenter ?? null)}, ours ${JSON.stringify(difference.ours ?? null)} correlationId=${correlationId}`,
    );
  }
  return found;
}
