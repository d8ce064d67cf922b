import { azurePlanProduct } from '../domain/documents/documents';
import { type CallContext, type OrdersPort, type SubscriptionsPort } from '../gateways/partnerCenter/ports';
import { type Order, type Subscription } from '../gateways/partnerCenter/schemas';

/** What Partner Center holds of a customer's Azure plan: the plan subscription, else an order still under way. */
export interface AzurePlanAtPartnerCenter {
  orderId: string;
  /** The plan's subscription id, once provisioned. */
  subscriptionId?: string;
  /** The order's or the subscription's status as Partner Center reports it (lowercase). */
  status: string;
}

const isAzurePlanOffer = (offerId: string) =>
  offerId.toUpperCase().startsWith(`${azurePlanProduct.productId}:`);

/** Order statuses after which nothing will be provisioned (mission-anchors §1.7 OrderStatus; "repurchase"). */
export function orderWillNotProvision(status: string): boolean {
  return ['cancelled', 'error', 'partialsuccess', 'poreviewrejected'].includes(
    status.toLowerCase().replace(/[^a-z]/g, ''),
  );
}

/**
 * Reads Partner Center for the customer's Azure plan: its subscription (the plan, with the order that bought it),
 * else an Azure plan order that is not cancelled. The orders list can lag new orders by up to 15 minutes (§4), so
 * `undefined` shortly after a checkout does not prove that nothing was bought; a customer has one Azure plan per
 * partner, so any such order or plan is the one a purchase of this partner placed.
 */
export async function findAzurePlanAtPartnerCenter(
  partnerCenter: Pick<OrdersPort, 'listOrders'> & Pick<SubscriptionsPort, 'listSubscriptions'>,
  partnerCenterCustomerId: string,
  context: CallContext,
): Promise<AzurePlanAtPartnerCenter | undefined> {
  const subscriptions: Subscription[] = await partnerCenter.listSubscriptions(
    partnerCenterCustomerId,
    context,
  );
  const plan = subscriptions.find(
    (subscription) =>
      isAzurePlanOffer(subscription.offerId) && subscription.status.toLowerCase() !== 'deleted',
  );
  if (plan?.orderId)
    return { orderId: plan.orderId, subscriptionId: plan.id, status: plan.status.toLowerCase() };
  const orders: Order[] = await partnerCenter.listOrders(partnerCenterCustomerId, context);
  const order = orders.find(
    (candidate) =>
      candidate.lineItems.some((line) => isAzurePlanOffer(line.offerId)) &&
      !orderWillNotProvision(candidate.status),
  );
  return order ? { orderId: order.id, status: order.status.toLowerCase() } : undefined;
}
