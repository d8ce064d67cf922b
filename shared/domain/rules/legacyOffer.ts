import { type LegacyOrderRequest, type LegacySubscriptionUpdate } from '../api/legacyOffer';
import {
  type CustomerDocument,
  legacyAzureOffer,
  type OrderDocument,
  type SubscriptionDocument,
} from '../documents/documents';
import { AppError } from '../errors';
import { orderInProgress } from './azurePlanPurchase';

/**
 * Microsoft Azure (0145P) is sold only to customers without an Azure plan (Partner Center 500600 afterwards),
 * and not while a purchase or transition of the customer is running: it would slip a legacy subscription in
 * behind that workflow's checks.
 */
export function assertLegacyOfferPurchasable(customer: CustomerDocument): void {
  if (customer.azurePlan !== null) {
    throw new AppError(
      'LegacyOfferNotEligibleForPurchase',
      `Customer ${customer.customerId} has an Azure plan; Azure subscriptions are added under the plan instead.`,
    );
  }
  if (customer.workInProgress !== null) {
    throw orderInProgress(customer.customerId, customer.workInProgress);
  }
}

export interface LegacyLineIds {
  /** The 0145P commerce subscription. */
  subscriptionId: string;
  /**
   * The one Azure subscription it bills (moved under the plan, with this id, by the transition), when known:
   * Partner Center does not show it on the 0145P subscription.
   */
  azureSubscriptionId?: string;
}

/**
 * The documents of a 0145P order: the order, one subscription per line, and the customer anchor with the new
 * subscriptions in its legacy summary (written together, conditional on the customer's ETag).
 */
export function legacyOrder(input: {
  customer: CustomerDocument;
  request: LegacyOrderRequest;
  orderId: string;
  lines: LegacyLineIds[];
  correlationId: string;
  now: Date;
}): { customer: CustomerDocument; order: OrderDocument; subscriptions: SubscriptionDocument[] } {
  const { customer, request, orderId, correlationId } = input;
  if (input.lines.length !== request.lineItems.length) {
    throw new Error(
      `legacyOrder needs one id pair per line item (${request.lineItems.length}), got ${input.lines.length}`,
    );
  }
  const now = input.now.toISOString();
  const { customerId } = customer;
  const subscriptions = request.lineItems.map((line, index): SubscriptionDocument => {
    const ids = input.lines[index]!;
    return {
      id: ids.subscriptionId,
      customerId,
      correlationId,
      docType: 'subscription',
      offerId: legacyAzureOffer.offerId,
      offerName: legacyAzureOffer.title,
      friendlyName: line.friendlyName ?? legacyAzureOffer.title,
      quantity: 1,
      unitType: 'Usage-based',
      billingType: 'usage',
      status: 'active',
      orderId,
      creationDate: now,
      ...(ids.azureSubscriptionId ? { azureSubscriptionId: ids.azureSubscriptionId } : {}),
      billingCycle: 'monthly',
    };
  });
  const order: OrderDocument = {
    id: orderId,
    customerId,
    correlationId,
    docType: 'order',
    referenceCustomerId: customerId,
    billingCycle: 'monthly',
    lineItems: subscriptions.map((subscription, index) => ({
      lineItemNumber: index,
      offerId: legacyAzureOffer.offerId,
      subscriptionId: subscription.id,
      quantity: 1,
    })),
    creationDate: now,
    status: 'completed',
  };
  return {
    customer: {
      ...customer,
      legacySubscriptionIds: [...customer.legacySubscriptionIds, ...subscriptions.map((s) => s.id)],
      updatedAt: now,
    },
    order,
    subscriptions,
  };
}

/**
 * Suspends, reactivates or renames a Microsoft Azure (0145P) subscription, as Partner Center's subscription update
 * does. Other subscriptions are managed elsewhere (the plan by its purchase, Azure subscriptions under it by AOBO).
 * Once the customer has an Azure plan a 0145P subscription cannot be reactivated: its Azure subscription belongs
 * under the plan.
 */
export function updatedLegacySubscription(
  customer: CustomerDocument,
  subscription: SubscriptionDocument,
  update: LegacySubscriptionUpdate,
): SubscriptionDocument {
  if (subscription.offerId !== legacyAzureOffer.offerId) {
    throw new AppError(
      'InvalidRequest',
      `Subscription ${subscription.id} is not a Microsoft Azure (0145P) subscription; only those are updated here.`,
    );
  }
  if (subscription.status === 'deleted') {
    throw new AppError('SubscriptionNotFound', `Subscription ${subscription.id} was deleted.`);
  }
  if (update.status === 'active' && subscription.status !== 'active' && customer.azurePlan !== null) {
    throw new AppError(
      'LegacyOfferNotEligibleForPurchase',
      `Customer ${customer.customerId} has an Azure plan; subscription ${subscription.id} cannot be reactivated.`,
    );
  }
  return {
    ...subscription,
    ...(update.status ? { status: update.status } : {}),
    ...(update.friendlyName ? { friendlyName: update.friendlyName } : {}),
  };
}
