import { z } from 'zod';

import { type Services } from '../shared/compositionRoot';
import { registerCustomer, type RegisterCustomerDependencies } from '../shared/customers/registerCustomer';
import { customerRequestSchema, customerSchema, toCustomer } from '../shared/domain/api/customer';
import { AppError } from '../shared/domain/errors';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });

export const putCustomerEndpoint = endpoint({
  name: 'putCustomer',
  method: 'PUT',
  route: 'customers/{customerId}',
  summary: 'Registers a customer, or updates what was registered.',
  description:
    'Creates the customer (201) or replaces its registered details (200). A customer Partner Center knows under ' +
    'this id is linked (its country and relationship come from Partner Center); any other is created there from ' +
    'the body (`domain`, `billingAddress`). What the service derives (MCA ' +
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
  errors: ['ConcurrentUpdate', 'PartnerCenterUnavailable', 'PartnerCenterConsentRequired'],
  uses: (services: Services): RegisterCustomerDependencies => ({
    customers: services.repositories.customers,
    partnerCenter: services.microsoft.partnerCenter,
    clock: services.clock,
  }),
  handler: async ({ params, body, deps, correlationId }) => {
    const { created, customer } = await registerCustomer(deps, params.customerId, body, correlationId);
    return created
      ? { status: 201, body: customer, headers: { location: `/api/customers/${params.customerId}` } }
      : { status: 200, body: customer };
  },
});

export const getCustomerEndpoint = endpoint({
  name: 'getCustomer',
  method: 'GET',
  route: 'customers/{customerId}',
  summary: 'Reads a customer, with whether it accepted the MCA and its Azure plan.',
  description:
    'The customer as registered, plus `mcaAccepted` (whether an MCA acceptance is on record) and `azurePlan` (the Azure plan subscription and its status, or null).',
  tags: ['Customers'],
  access: { action: 'read' },
  params: customerParams,
  responses: { 200: { description: 'The customer.', schema: customerSchema } },
  errors: ['CustomerNotFound'],
  uses: (services: Services) => ({ customers: services.repositories.customers }),
  handler: async ({ params, deps }) => {
    const customer = await deps.customers.get(params.customerId);
    if (customer === undefined) {
      throw new AppError('CustomerNotFound', `There is no customer ${params.customerId}.`);
    }
    return { status: 200, body: toCustomer(customer) };
  },
});
