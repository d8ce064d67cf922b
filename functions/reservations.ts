import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type CommerceServices } from '../shared/commerce/commerceServices';
import { orderSchema } from '../shared/domain/api/order';
import { reservationRequestSchema } from '../shared/domain/api/reservation';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';
import { idForIdempotentRequest } from '../shared/platform/http/idempotency';
import { acceptedResponse, answerOperation, microsoftErrors, orderCreated } from './commerceOperations';

export const buyReservationEndpoint = (deps: Pick<CommerceServices, 'reservations' | 'operations'>) =>
  endpoint({
    name: 'buyReservation',
    method: 'POST',
    route: 'customers/{customerId}/reservations',
    summary: "Buys an Azure reservation under the customer's active Azure plan (shared scope only).",
    description:
      'The order line carries Partner Center\'s provisioning context `{ subscriptionId, scope: "shared", duration }` ' +
      '(`1Year` for P1Y, `3Year` for P3Y), and the reservation appears on the subscriptions page with the order id. ' +
      'Refused with ReservationScopeNotSupported for any scope but shared, AzurePlanNotActive without an active plan of ' +
      'this customer, and ReservationNotAvailable in the markets where Azure reservations are not sold. The plan is ' +
      'registered for reservations first when it is not yet (Partner Center takes minutes): then the answer is 202 ' +
      'with `Location` of the operation to poll.',
    tags: ['Reservations'],
    access: { action: 'buyReservations' },
    params: z.strictObject({ customerId: idParameter }),
    body: reservationRequestSchema,
    idempotent: true,
    responses: {
      201: {
        description: 'The order of the reservation (Microsoft finished within the request).',
        schema: orderSchema,
      },
      202: acceptedResponse,
    },
    errors: [
      'CustomerNotFound',
      'ReservationScopeNotSupported',
      'ReservationNotAvailable',
      'AzurePlanNotActive',
      ...microsoftErrors,
    ],
    handler: async ({ params, body, caller, correlationId, request }) => {
      const operation = await deps.reservations.start({
        customerId: params.customerId,
        request: body,
        operationId: idForIdempotentRequest(request, caller.userId, randomUUID),
        correlationId,
      });
      return answerOperation(operation, deps.operations, correlationId, orderCreated(params.customerId));
    },
  });
