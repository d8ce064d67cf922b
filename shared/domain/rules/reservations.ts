import { z } from 'zod';

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

export const reservationTermSchema = z.enum(['P1Y', 'P3Y']);
export type ReservationTerm = z.infer<typeof reservationTermSchema>;

/** Partner Center's `duration` in the provisioning context spells the term out. */
const durationByTerm = { P1Y: '1Year', P3Y: '3Year' } as const satisfies Record<ReservationTerm, string>;

const catalogId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1-32 letters or digits');
const subscriptionId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');

/** `POST /api/customers/{customerId}/reservations`. */
export const reservationRequestSchema = z
  .strictObject({
    azurePlanSubscriptionId: subscriptionId.meta({
      description: 'The Azure plan subscription the reservation is bought under (and billed to).',
    }),
    productId: catalogId.meta({
      description: 'Reservation product, e.g. `DZH318Z0BQ3Q`.',
      example: 'DZH318Z0BQ3Q',
    }),
    skuId: catalogId.meta({ description: 'Sku of the product, e.g. `0001`.', example: '0001' }),
    reservationType: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: 'e.g. `VirtualMachines`.', example: 'VirtualMachines' }),
    region: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 -]{1,64}$/, 'must be an Azure region name such as westeurope')
      .meta({ example: 'westeurope' }),
    quantity: z.number().int().min(1).max(10_000),
    termDuration: reservationTermSchema,
    billingCycle: z.enum(['one_time', 'monthly']),
    scope: z.string().trim().min(1).max(64).optional().meta({
      description:
        'Only `shared` (the default) can be chosen at purchase; anything else is refused with ReservationScopeNotSupported.',
    }),
  })
  .meta({ id: 'ReservationRequest' });
export type ReservationRequest = z.infer<typeof reservationRequestSchema>;

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
