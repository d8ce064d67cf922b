import { expect } from 'vitest';

import { type TestService } from './service';

/** Steps a partner takes with a customer, through the public API, for tests that need a customer in some state. */

const aContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' };
const salesAgent = { roles: ['SalesAgent' as const] };

/** Registers a customer (country DE unless told otherwise) and returns its id. */
export async function aRegisteredCustomer(
  service: TestService,
  customerId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await service.call('PUT', `/api/customers/${customerId}`, {
    as: salesAgent,
    body: { companyName: `${customerId} Ltd`, country: 'DE', primaryContact: aContact, ...overrides },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return customerId;
}

/** The partner confirms the customer's MCA acceptance (attestation). */
export async function mcaAttested(service: TestService, customerId: string): Promise<void> {
  const response = await service.call('POST', `/api/customers/${customerId}/agreements`, {
    as: salesAgent,
    body: {
      type: 'MicrosoftCustomerAgreement',
      primaryContact: aContact,
      dateAgreed: '2026-01-02T00:00:00Z',
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

/** Buys the Azure plan (attesting the MCA with the purchase), waits until it completes, returns its subscription id. */
export async function anAzurePlanBought(service: TestService, customerId: string): Promise<string> {
  const started = await service.call('POST', `/api/customers/${customerId}/azure-plan/purchases`, {
    as: salesAgent,
    body: { mca: { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-02T00:00:00Z' } },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  await service.host.waitForIdle();
  const customer = await service.call('GET', `/api/customers/${customerId}`, { as: salesAgent });
  const { azurePlan } = customer.body as { azurePlan: { subscriptionId: string; status: string } | null };
  expect(azurePlan?.status, JSON.stringify(customer.body)).toBe('active');
  return azurePlan?.subscriptionId ?? '';
}

/** Orders Microsoft Azure (0145P) with one line per friendly name; returns the order. */
export async function aLegacyOrder(
  service: TestService,
  customerId: string,
  friendlyNames: string[] = ['Production'],
): Promise<{ id: string; lineItems: { subscriptionId: string }[] }> {
  const response = await service.call('POST', `/api/customers/${customerId}/orders`, {
    as: salesAgent,
    body: {
      lineItems: friendlyNames.map((friendlyName) => ({
        offerId: 'MS-AZR-0145P',
        quantity: 1,
        friendlyName,
      })),
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; lineItems: { subscriptionId: string }[] };
}
