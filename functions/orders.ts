import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type CommerceServices } from '../shared/commerce/commerceServices';
import { collectionSchema } from '../shared/domain/api/collection';
import { legacyOrderRequestSchema } from '../shared/domain/api/legacyOffer';
import { orderSchema } from '../shared/domain/api/order';
import { endpoint, idParameter, partnerCenterIdParameter } from '../shared/platform/http/endpoint';
import { idForIdempotentRequest } from '../shared/platform/http/idempotency';
import { acceptedResponse, answerOperation, microsoftErrors, orderCreated } from './commerceOperations';

const customerParams = z.strictObject({ customerId: idParameter });

export const placeLegacyOrderEndpoint = (deps: Pick<CommerceServices, 'legacyOrders' | 'operations'>) =>
  endpoint({
    name: 'placeLegacyOrder',
    method: 'POST',
    route: 'customers/{customerId}/orders',
    summary: 'Orders Microsoft Azure (MS-AZR-0145P) for a customer that has no Azure plan.',
    description:
      'Placed through a Partner Center cart; each line creates one 0145P subscription. Refused with ' +
      'LegacyOfferNotEligibleForPurchase (500600) once the customer has an Azure plan, and with OrderInProgress while a ' +
      'purchase or transition of the customer runs. The Azure plan itself is bought through `azure-plan/purchases`. ' +
      '202 with `Location` when Partner Center has not provisioned the order within the request.',
    tags: ['Orders'],
    access: { action: 'buyLegacyOffer' },
    params: customerParams,
    body: legacyOrderRequestSchema,
    idempotent: true,
    responses: { 201: { description: 'The order.', schema: orderSchema }, 202: acceptedResponse },
    errors: ['CustomerNotFound', 'LegacyOfferNotEligibleForPurchase', 'OrderInProgress', ...microsoftErrors],
    handler: async ({ params, body, caller, correlationId, request }) => {
      const operation = await deps.legacyOrders.start({
        customerId: params.customerId,
        request: body,
        operationId: idForIdempotentRequest(request, caller.userId, randomUUID),
        correlationId,
      });
      return answerOperation(operation, deps.operations, correlationId, orderCreated(params.customerId));
    },
  });

export const listOrdersEndpoint = (deps: Pick<CommerceServices, 'holdings'>) =>
  endpoint({
    name: 'listOrders',
    method: 'GET',
    route: 'customers/{customerId}/orders',
    summary:
      "Lists the customer's orders: the Azure plan, reservations and Microsoft Azure (0145P), oldest first.",
    description:
      "The customer's orders as Partner Center has them, joined with the service's records of the purchases that " +
      "placed them (an order too new for Partner Center's list is read by id). 404 when the customer does not exist.",
    tags: ['Orders'],
    access: { action: 'read' },
    params: customerParams,
    responses: { 200: { description: 'The orders.', schema: collectionSchema(orderSchema, 'Orders') } },
    errors: ['CustomerNotFound', ...microsoftErrors],
    handler: async ({ params, correlationId }) => ({
      status: 200,
      body: await deps.holdings.listOrders(params.customerId, correlationId),
    }),
  });

export const getOrderEndpoint = (deps: Pick<CommerceServices, 'holdings'>) =>
  endpoint({
    name: 'getOrder',
    method: 'GET',
    route: 'customers/{customerId}/orders/{orderId}',
    summary: 'Shows one order of the customer.',
    description:
      'An order as Partner Center shows it, with its line items and their provisioning context. 404 `NotFound` when the customer has no order with this id.',
    tags: ['Orders'],
    access: { action: 'read' },
    params: z.strictObject({ customerId: idParameter, orderId: partnerCenterIdParameter }),
    responses: { 200: { description: 'The order.', schema: orderSchema } },
    errors: ['CustomerNotFound', 'NotFound', ...microsoftErrors],
    handler: async ({ params, correlationId }) => ({
      status: 200,
      body: await deps.holdings.getOrder(params.customerId, params.orderId, correlationId),
    }),
  });
