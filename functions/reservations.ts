import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { requireCustomer } from '../shared/customers/requireCustomer';
import { orderSchema, toOrder } from '../shared/domain/api/order';
import {
  checkReservation,
  reservationOrder,
  reservationRequestSchema,
} from '../shared/domain/rules/reservations';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

export const buyReservationEndpoint = endpoint({
  name: 'buyReservation',
  method: 'POST',
  route: 'customers/{customerId}/reservations',
  summary: "Buys an Azure reservation under the customer's active Azure plan (shared scope only).",
  description:
    'The order line carries Partner Center\'s provisioning context `{ subscriptionId, scope: "shared", duration }` ' +
    '(`1Year` for P1Y, `3Year` for P3Y), and the reservation appears on the subscriptions page with the order id. ' +
    'Refused with ReservationScopeNotSupported for any scope but shared, AzurePlanNotActive without an active plan of ' +
    'this customer, and ReservationNotAvailable in the markets where Azure reservations are not sold.',
  tags: ['Reservations'],
  access: { action: 'buyReservations' },
  params: z.strictObject({ customerId: idParameter }),
  body: reservationRequestSchema,
  idempotent: true,
  responses: { 201: { description: 'The order of the reservation.', schema: orderSchema } },
  errors: [
    'CustomerNotFound',
    'ReservationScopeNotSupported',
    'ReservationNotAvailable',
    'AzurePlanNotActive',
  ],
  handler: async ({ params, body, correlationId, services }) => {
    const customer = await requireCustomer(services.repositories.customers, params.customerId);
    checkReservation({
      customer,
      request: body,
      reservationsUnavailable: services.markets.reservationsUnavailable,
    });
    const { order, subscription } = reservationOrder({
      customerId: customer.customerId,
      request: body,
      orderId: randomUUID(),
      reservationSubscriptionId: randomUUID(),
      correlationId,
      now: services.clock.now(),
    });
    await services.repositories.commerce.placeReservationOrder(order, subscription);
    return {
      status: 201,
      body: toOrder(order),
      headers: { location: `/api/customers/${customer.customerId}/orders/${order.id}` },
    };
  },
});
