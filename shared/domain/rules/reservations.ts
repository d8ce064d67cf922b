import { z } from 'zod';

import { type ReservationRequest, type ReservationTerm } from '../api/reservation';
import {
  azurePlanProduct,
  type CustomerDocument,
  type OrderDocument,
  type SubscriptionDocument,
} from '../documents/documents';
import { AppError } from '../errors';
import { assertActiveAzurePlan } from './assertActiveAzurePlan';

/** The only scope Partner Center accepts when a reservation is bought; it can be narrowed later in Azure. */
export const reservationScope = 'shared';

/** Partner Center's `duration` in the provisioning context spells the term out. */
const durationByTerm = { P1Y: '1Year', P3Y: '3Year' } as const satisfies Record<ReservationTerm, string>;

/** What Partner Center needs to provision the reservation: where it is billed, its scope and its term. */
export const provisioningContextSchema = z.object({
  subscriptionId: z.string(),
  scope: z.literal(reservationScope),
  duration: z.enum(['1Year', '3Year']),
});
export type ProvisioningContext = z.infer<typeof provisioningContextSchema>;

export function provisioningContextFor(
  azurePlanSubscriptionId: string,
  termDuration: ReservationTerm,
): ProvisioningContext {
  return {
    subscriptionId: azurePlanSubscriptionId,
    scope: reservationScope,
    duration: durationByTerm[termDuration],
  };
}

/**
 * The rules a reservation must pass before it is ordered, in the order a partner fixes them: the request itself
 * (scope), the customer's market, then the Azure plan it is bought under, which must be this customer's and active.
 */
export function checkReservation(input: {
  customer: CustomerDocument;
  request: ReservationRequest;
  reservationsUnavailable: ReadonlySet<string>;
}): void {
  const { customer, request } = input;
  if (request.scope !== undefined && request.scope.toLowerCase() !== reservationScope) {
    throw new AppError(
      'ReservationScopeNotSupported',
      `Scope "${request.scope}" cannot be chosen at purchase; buy with scope "shared" and narrow it in Azure.`,
    );
  }
  if (request.productId.toUpperCase() === azurePlanProduct.productId) {
    throw new AppError('InvalidRequest', 'The Azure plan itself is bought through azure-plan/purchases.', [
      { pointer: '/productId', detail: 'must be a reservation product' },
    ]);
  }
  if (input.reservationsUnavailable.has(customer.country)) {
    throw new AppError(
      'ReservationNotAvailable',
      `Azure reservations are not sold to customers in ${customer.country}.`,
    );
  }
  assertActiveAzurePlan(customer, request.azurePlanSubscriptionId);
}

/** Azure reservations are bought per product and sku; their subscription carries the term and quantity. */
export function reservationOrder(input: {
  customerId: string;
  request: ReservationRequest;
  orderId: string;
  reservationSubscriptionId: string;
  correlationId: string;
  now: Date;
}): { order: OrderDocument; subscription: SubscriptionDocument } {
  const { customerId, request, orderId, reservationSubscriptionId, correlationId } = input;
  const creationDate = input.now.toISOString();
  const offerId = `${request.productId}:${request.skuId}`;
  const order: OrderDocument = {
    id: orderId,
    customerId,
    correlationId,
    docType: 'order',
    referenceCustomerId: customerId,
    billingCycle: request.billingCycle,
    lineItems: [
      {
        lineItemNumber: 0,
        offerId,
        productId: request.productId,
        skuId: request.skuId,
        subscriptionId: reservationSubscriptionId,
        quantity: request.quantity,
        termDuration: request.termDuration,
        provisioningContext: provisioningContextFor(request.azurePlanSubscriptionId, request.termDuration),
      },
    ],
    creationDate,
    status: 'completed',
  };
  const subscription: SubscriptionDocument = {
    id: reservationSubscriptionId,
    customerId,
    correlationId,
    docType: 'subscription',
    offerId,
    offerName: `Azure reservation: ${request.reservationType}`,
    friendlyName: `${request.reservationType} reservation (${request.region}, ${request.termDuration})`,
    quantity: request.quantity,
    unitType: 'Reservation',
    billingType: 'license',
    status: 'active',
    orderId,
    creationDate,
    termDuration: request.termDuration,
    billingCycle: request.billingCycle,
    reservation: {
      productId: request.productId,
      skuId: request.skuId,
      reservationType: request.reservationType,
      region: request.region,
      scope: reservationScope,
      azurePlanSubscriptionId: request.azurePlanSubscriptionId,
    },
  };
  return { order, subscription };
}
