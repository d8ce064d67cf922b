import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { requireCustomer } from '../shared/customers/requireCustomer';
import { collectionSchema, toCollection } from '../shared/domain/api/collection';
import { orderSchema, toOrder } from '../shared/domain/api/order';
import { AppError } from '../shared/domain/errors';
import {
  assertLegacyOfferPurchasable,
  legacyOrder,
  legacyOrderRequestSchema,
} from '../shared/domain/rules/legacyOffer';
import { lostRace, retryOnConflict } from '../shared/platform/cosmos/retryOnConflict';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });

export const placeLegacyOrderEndpoint = endpoint({
  name: 'placeLegacyOrder',
  method: 'POST',
  route: 'customers/{customerId}/orders',
  summary: 'Orders Microsoft Azure (MS-AZR-0145P) for a customer that has no Azure plan.',
  description:
    'Each line creates one 0145P subscription, which bills one Azure subscription (`azureSubscriptionId`). Refused with ' +
    'LegacyOfferNotEligibleForPurchase once the customer has an Azure plan, and with OrderInProgress while a purchase ' +
    'or transition of the customer runs. The Azure plan itself is bought through `azure-plan/purchases`.',
  tags: ['Orders'],
  access: { action: 'buyLegacyOffer' },
  params: customerParams,
  body: legacyOrderRequestSchema,
  idempotent: true,
  responses: { 201: { description: 'The order.', schema: orderSchema } },
  errors: ['CustomerNotFound', 'LegacyOfferNotEligibleForPurchase', 'OrderInProgress'],
  handler: async ({ params, body, correlationId, services }) => {
    const { customers, commerce } = services.repositories;
    // A lost race means a purchase claimed the customer or a plan was bought meanwhile: OrderInProgress.
    return retryOnConflict(
      `Customer ${params.customerId}`,
      async () => {
        const customer = await requireCustomer(customers, params.customerId);
        assertLegacyOfferPurchasable(customer);
        const placed = legacyOrder({
          customer,
          request: body,
          orderId: randomUUID(),
          lines: body.lineItems.map(() => ({
            subscriptionId: randomUUID(),
            azureSubscriptionId: randomUUID(),
          })),
          correlationId,
          now: services.clock.now(),
        });
        // Conditional on the customer as checked: a purchase that claimed it or a plan bought since wins.
        if ((await commerce.placeLegacyOrder(placed)) === 'placed') {
          return {
            status: 201,
            body: toOrder(placed.order),
            headers: { location: `/api/customers/${customer.customerId}/orders/${placed.order.id}` },
          };
        }
        return lostRace;
      },
      {
        giveUp: () =>
          new AppError('OrderInProgress', `Customer ${params.customerId} kept changing; retry the order.`),
      },
    );
  },
});

export const listOrdersEndpoint = endpoint({
  name: 'listOrders',
  method: 'GET',
  route: 'customers/{customerId}/orders',
  summary:
    "Lists the customer's orders: the Azure plan, reservations and Microsoft Azure (0145P), oldest first.",
  tags: ['Orders'],
  access: { action: 'read' },
  params: customerParams,
  responses: { 200: { description: 'The orders.', schema: collectionSchema(orderSchema, 'Orders') } },
  errors: ['CustomerNotFound'],
  handler: async ({ params, services }) => {
    await requireCustomer(services.repositories.customers, params.customerId);
    const orders = await services.repositories.commerce.listOrders(params.customerId);
    return { status: 200, body: toCollection(orders.map(toOrder)) };
  },
});

export const getOrderEndpoint = endpoint({
  name: 'getOrder',
  method: 'GET',
  route: 'customers/{customerId}/orders/{orderId}',
  summary: 'Shows one order of the customer.',
  tags: ['Orders'],
  access: { action: 'read' },
  params: z.strictObject({ customerId: idParameter, orderId: idParameter }),
  responses: { 200: { description: 'The order.', schema: orderSchema } },
  errors: ['CustomerNotFound', 'NotFound'],
  handler: async ({ params, services }) => {
    await requireCustomer(services.repositories.customers, params.customerId);
    const order = await services.repositories.commerce.readOrder(params.customerId, params.orderId);
    if (order === undefined) {
      throw new AppError('NotFound', `Customer ${params.customerId} has no order ${params.orderId}.`);
    }
    return { status: 200, body: toOrder(order) };
  },
});
