import { z } from 'zod';

import { listCustomers, type ListCustomersDependencies } from '../shared/customers/listCustomers';
import { readCustomer, type ReadCustomerDependencies } from '../shared/customers/readCustomer';
import { registerCustomer, type RegisterCustomerDependencies } from '../shared/customers/registerCustomer';
import { collectionSchema, toCollection } from '../shared/domain/api/collection';
import {
  customerRequestSchema,
  customerSchema,
  registeredCustomerSchema,
} from '../shared/domain/api/customer';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });

export const putCustomerEndpoint = (deps: RegisterCustomerDependencies) =>
  endpoint({
    name: 'putCustomer',
    method: 'PUT',
    route: 'customers/{customerId}',
    summary: 'Registers a customer, or updates what was registered.',
    description:
      "Creates the customer (201) or replaces its registered details (200). The path id is the service's key (a slug " +
      'or a GUID). The customer Partner Center already has is linked: the one whose id (its tenant id) is `tenantId`, ' +
      'else the path id when Partner Center knows it; its country comes from Partner Center. Otherwise Partner Center ' +
      'creates the customer from the body, which then needs `billingAddress` (and `organizationRegistrationNumber`, ' +
      '`primaryContact.phoneNumber` where Partner Center requires them): what is missing is a 400 naming the field. ' +
      "The customer shows `partnerCenterCustomerId`; the 201 of a creation carries the new tenant's one-time " +
      '`userCredentials`, which the service does not keep. What the service derives (MCA acceptance, Azure plan, a ' +
      'running purchase) is kept. `segment` defaults to `commercial`, `relationship` to `direct` (`indirectReseller` ' +
      'also when Partner Center names an associated indirect reseller).',
    tags: ['Customers'],
    access: { action: 'manageCustomers' },
    params: customerParams,
    body: customerRequestSchema,
    idempotent: true,
    responses: {
      200: { description: 'The customer was updated.', schema: registeredCustomerSchema },
      201: { description: 'The customer was registered.', schema: registeredCustomerSchema },
    },
    errors: [
      'CustomerNotLinked',
      'ConcurrentUpdate',
      'PartnerCenterRejected',
      'PartnerCenterUnavailable',
      'PartnerCenterConsentRequired',
    ],
    handler: async ({ params, body, correlationId }) => {
      const { created, customer, userCredentials } = await registerCustomer(
        deps,
        params.customerId,
        body,
        correlationId,
      );
      const status = created ? 201 : 200;
      const location: Record<string, string> = created
        ? { location: `/api/customers/${params.customerId}` }
        : {};
      if (!userCredentials) return { status, body: customer, headers: location };
      // Shown once: not cached on the way, and a repeat with the Idempotency-Key replays the customer without it.
      return {
        status,
        body: { ...customer, userCredentials },
        replayBody: customer,
        headers: { ...location, 'cache-control': 'no-store' },
      };
    },
  });

export const getCustomerEndpoint = (deps: Omit<ReadCustomerDependencies, 'log'>) =>
  endpoint({
    name: 'getCustomer',
    method: 'GET',
    route: 'customers/{customerId}',
    summary: 'Reads a customer, with whether it accepted the MCA and its Azure plan.',
    description:
      'The customer as registered, plus `mcaAccepted` and `azurePlan` (the Azure plan subscription and its status, ' +
      'or null). `mcaAccepted` is true when the service recorded the acceptance, else when Partner Center holds an ' +
      'MCA agreement for the customer or reports that the customer signed it directly (then it is recorded, so ' +
      'purchases see it). When Partner Center cannot be reached the read does not fail: `mcaAccepted` is then what ' +
      'the service recorded.',
    tags: ['Customers'],
    access: { action: 'read' },
    params: customerParams,
    responses: { 200: { description: 'The customer.', schema: customerSchema } },
    errors: ['CustomerNotFound'],
    handler: async ({ params, correlationId, context }) => {
      const customer = await readCustomer({ ...deps, log: context }, params.customerId, correlationId);
      return { status: 200, body: customer };
    },
  });

export const listCustomersEndpoint = (deps: ListCustomersDependencies) =>
  endpoint({
    name: 'listCustomers',
    method: 'GET',
    route: 'customers',
    summary: "Lists the partner's customers, by company name; `search` narrows the list.",
    description:
      'The registered customers sorted by company name, at most 500. `search` keeps those whose company name, ' +
      'id, Partner Center id or primary contact email contains it (case ignored). `mcaAccepted` is what the ' +
      "service recorded; the customer's own read (`GET /api/customers/{customerId}`) also asks Partner Center.",
    tags: ['Customers'],
    access: { action: 'read' },
    query: z.object({
      search: z
        .string()
        .max(200)
        .optional()
        .meta({ description: 'Part of a company name, customer id, Partner Center id or contact email.' }),
    }),
    responses: {
      200: {
        description: 'The customers.',
        schema: collectionSchema(customerSchema, 'CustomerCollection'),
      },
    },
    handler: async ({ query }) => ({
      status: 200,
      body: toCollection(await listCustomers(deps, query.search)),
    }),
  });
