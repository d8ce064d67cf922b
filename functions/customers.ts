import { z } from 'zod';

import {
  customerRequestSchema,
  customerSchema,
  newCustomerDocument,
  toCustomer,
  updatedCustomerDocument,
} from '../shared/domain/api/customer';
import { AppError } from '../shared/domain/errors';
import { lostRace, retryOnConflict } from '../shared/platform/cosmos/retryOnConflict';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });

export const putCustomerEndpoint = endpoint({
  name: 'putCustomer',
  method: 'PUT',
  route: 'customers/{customerId}',
  summary: 'Registers a customer, or updates what was registered.',
  description:
    'Creates the customer (201) or replaces its registered details (200). What the service derives (MCA ' +
    'acceptance, Azure plan, a running purchase) is kept. `segment` defaults to `commercial`, `relationship` ' +
    'to `direct`.',
  tags: ['Customers'],
  access: { action: 'manageCustomers' },
  params: customerParams,
  body: customerRequestSchema,
  idempotent: true,
  responses: {
    200: { description: 'The customer was updated.', schema: customerSchema },
    201: { description: 'The customer was registered.', schema: customerSchema },
  },
  errors: ['ConcurrentUpdate'],
  handler: async ({ params, body, services, correlationId }) => {
    const customers = services.repositories.customers;
    // A lost race with another writer of this customer is retried from a fresh read; it is never an outage.
    return retryOnConflict(`Customer ${params.customerId}`, async () => {
      const stamp = { now: services.clock.now(), correlationId };
      const existing = await customers.get(params.customerId);
      if (existing === undefined) {
        const created = await customers.create(newCustomerDocument(params.customerId, body, stamp));
        if (created === 'exists') return lostRace;
        return {
          status: 201,
          body: toCustomer(created),
          headers: { location: `/api/customers/${params.customerId}` },
        };
      }
      const updated = await customers.replace(updatedCustomerDocument(existing, body, stamp));
      if (updated === 'changed') return lostRace;
      return { status: 200, body: toCustomer(updated) };
    });
  },
});

export const getCustomerEndpoint = endpoint({
  name: 'getCustomer',
  method: 'GET',
  route: 'customers/{customerId}',
  summary: 'Reads a customer, with whether it accepted the MCA and its Azure plan.',
  tags: ['Customers'],
  access: { action: 'read' },
  params: customerParams,
  responses: { 200: { description: 'The customer.', schema: customerSchema } },
  errors: ['CustomerNotFound'],
  handler: async ({ params, services }) => {
    const customer = await services.repositories.customers.get(params.customerId);
    if (customer === undefined) {
      throw new AppError('CustomerNotFound', `There is no customer ${params.customerId}.`);
    }
    return { status: 200, body: toCustomer(customer) };
  },
});
