import { type AzureEntitlement as ApiAzureEntitlement } from '../domain/api/azureEntitlement';
import { type Order as ApiOrder } from '../domain/api/order';
import { type Subscription as ApiSubscription } from '../domain/api/subscription';
import {
  type EntitlementDocument,
  type OrderDocument,
  type SubscriptionDocument,
} from '../domain/documents/documents';
import {
  type AzureEntitlement as PcAzureEntitlement,
  type Order as PcOrder,
  type Subscription as PcSubscription,
} from '../gateways/partnerCenter/schemas';

// Partner Center is the truth of what a customer has and in which state; the service's records add what only the
// service knows (which request bought it, the Azure subscription a 0145P subscription bills, where a transition
// moved it). Partner Center spells enums loosely (any case, values it adds later): they are normalised here.

type Status = ApiSubscription['status'];
type BillingCycle = ApiOrder['billingCycle'];

export function subscriptionStatusOf(status: string): Status {
  const value = status.toLowerCase();
  if (value === 'active') return 'active';
  if (value === 'suspended' || value === 'disabled' || value === 'pending') return 'suspended';
  return 'deleted';
}

function billingCycleOf(cycle: string | undefined): BillingCycle {
  const value = (cycle ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (value === 'onetime') return 'one_time';
  if (value === 'monthly' || value === 'annual') return value;
  return 'none';
}

function billingTypeOf(type: string | undefined, fallback: ApiSubscription['billingType']) {
  const value = (type ?? '').toLowerCase();
  return value === 'usage' || value === 'license' || value === 'none' ? value : fallback;
}

export function toApiSubscription(
  subscription: PcSubscription,
  record: SubscriptionDocument | undefined,
): ApiSubscription {
  return {
    id: subscription.id,
    offerId: subscription.offerId,
    offerName: subscription.offerName ?? record?.offerName ?? subscription.offerId,
    friendlyName: subscription.friendlyName ?? record?.friendlyName ?? subscription.offerId,
    quantity: subscription.quantity ?? record?.quantity ?? 1,
    unitType: subscription.unitType ?? record?.unitType ?? '',
    billingType: billingTypeOf(subscription.billingType, record?.billingType ?? 'none'),
    status: subscriptionStatusOf(subscription.status),
    orderId: subscription.orderId ?? record?.orderId ?? '',
    creationDate: subscription.creationDate ?? record?.creationDate ?? '',
    ...(subscription.termDuration || record?.termDuration
      ? { termDuration: (subscription.termDuration as string | undefined) || record?.termDuration }
      : {}),
    billingCycle: billingCycleOf(subscription.billingCycle ?? record?.billingCycle),
    ...(record?.azureSubscriptionId ? { azureSubscriptionId: record.azureSubscriptionId } : {}),
    ...(record?.reservation ? { reservation: record.reservation } : {}),
    ...(record?.transitionedToEntitlementId
      ? { transitionedToEntitlementId: record.transitionedToEntitlementId }
      : {}),
  };
}

export function toApiAzureEntitlement(
  entitlement: PcAzureEntitlement,
  planSubscriptionId: string,
  record: EntitlementDocument | undefined,
): ApiAzureEntitlement {
  const created = (entitlement as { createdAt?: unknown }).createdAt;
  return {
    id: entitlement.id,
    friendlyName: entitlement.friendlyName ?? record?.friendlyName ?? 'Microsoft Azure',
    status: subscriptionStatusOf(entitlement.status),
    subscriptionId: entitlement.subscriptionId ?? planSubscriptionId,
    createdAt: record?.createdAt ?? (typeof created === 'string' ? created : ''),
    ...(record?.movedFromSubscriptionId ? { movedFromSubscriptionId: record.movedFromSubscriptionId } : {}),
  };
}

function orderStatusOf(status: string): ApiOrder['status'] {
  const value = status.toLowerCase();
  if (value === 'completed' || value === 'pending' || value === 'cancelled') return value;
  if (value === 'canceled') return 'cancelled';
  return value === 'error' || value === 'failed' ? 'error' : 'pending';
}

export function toApiOrder(order: PcOrder, record: OrderDocument | undefined): ApiOrder {
  const recordLines = new Map(record?.lineItems.map((line) => [line.lineItemNumber, line]));
  const currencyCode = (order as { currencyCode?: unknown }).currencyCode;
  return {
    id: order.id,
    referenceCustomerId: order.referenceCustomerId ?? record?.referenceCustomerId ?? '',
    billingCycle: billingCycleOf(order.billingCycle ?? record?.billingCycle),
    lineItems: order.lineItems.map((line) => {
      const recorded = recordLines.get(line.lineItemNumber);
      const context = (line as { provisioningContext?: unknown }).provisioningContext;
      const provisioningContext =
        recorded?.provisioningContext ??
        (context && typeof context === 'object'
          ? Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]))
          : undefined);
      const subscriptionId = line.subscriptionId ?? recorded?.subscriptionId;
      return {
        lineItemNumber: line.lineItemNumber,
        offerId: line.offerId,
        ...(recorded?.productId ? { productId: recorded.productId } : {}),
        ...(recorded?.skuId ? { skuId: recorded.skuId } : {}),
        ...(subscriptionId ? { subscriptionId } : {}),
        quantity: Math.max(1, line.quantity ?? recorded?.quantity ?? 1),
        ...(line.termDuration || recorded?.termDuration
          ? { termDuration: line.termDuration || recorded?.termDuration }
          : {}),
        ...(provisioningContext && Object.keys(provisioningContext).length > 0
          ? { provisioningContext }
          : {}),
      };
    }),
    ...(typeof currencyCode === 'string' ? { currencyCode } : {}),
    creationDate: order.creationDate ?? record?.creationDate ?? '',
    status: orderStatusOf(order.status),
  };
}
