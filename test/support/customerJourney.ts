import { expect } from 'vitest';

import { aBillingAddress, aContact, aCustomerRequest, salesAgent } from './fixtures';
import { type TestService } from './service';

/** Steps a partner takes with a customer, through the public API, for tests that need a customer in some state. */

export interface RegistrationOptions {
  /**
   * How Partner Center comes to know the customer, as it does for a partner:
   * - `created` (default): the service has Partner Center create it from the registration (a real address);
   *   Partner Center gives it its own id, whatever the path id (a slug, or a GUID it does not know);
   * - `existing`: Partner Center already has it (made through the simulator, which assigns the id), and the
   *   registration links it with `tenantId`.
   */
  atPartnerCenter?: 'created' | 'existing';
}

/**
 * Registers the customer `customerId` (the service's own id, as a partner chooses it: a slug like `contoso` or a
 * GUID) through `PUT /api/customers/{id}` (country DE unless told otherwise) and returns the id. The simulator is
 * never told the service's id: the customer's Partner Center id is whatever Partner Center assigned.
 */
export async function aRegisteredCustomer(
  service: TestService,
  customerId: string,
  overrides: Record<string, unknown> = {},
  { atPartnerCenter = 'created' }: RegistrationOptions = {},
): Promise<string> {
  const country = typeof overrides.country === 'string' ? overrides.country.toUpperCase() : 'DE';
  const companyName = typeof overrides.companyName === 'string' ? overrides.companyName : `${customerId} Ltd`;
  const link =
    atPartnerCenter === 'existing'
      ? {
          tenantId: String(service.partnerCenter.seedCustomer({ country, companyName }).id),
          billingAddress: undefined,
        }
      : { billingAddress: aBillingAddress(country) };
  const response = await service.call('PUT', `/api/customers/${customerId}`, {
    as: salesAgent,
    body: aCustomerRequest({ companyName, ...link, ...overrides }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return customerId;
}

/** The customer's id at Partner Center (what the simulator's controls take), as the service shows it. */
export async function partnerCenterIdOf(service: TestService, customerId: string): Promise<string> {
  const response = await service.call<{ partnerCenterCustomerId?: string }>(
    'GET',
    `/api/customers/${customerId}`,
    {
      as: salesAgent,
    },
  );
  expect(response.body.partnerCenterCustomerId, JSON.stringify(response.body)).toBeDefined();
  return response.body.partnerCenterCustomerId!;
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

/** Starts the transition from 0145P to the Azure plan; returns the response (202 with the transition id). */
export function aTransitionStarted(
  service: TestService,
  customerId: string,
  headers: Record<string, string> = {},
) {
  return service.call<{ transitionId: string; status: string; statusUrl: string }>(
    'POST',
    `/api/customers/${customerId}/azure-plan/transition`,
    { as: salesAgent, headers, body: {} },
  );
}

export interface TransitionView {
  transitionId: string;
  customerId: string;
  status: string;
  lineItems: {
    sourceSubscriptionId: string;
    targetEntitlementId?: string;
    status: string;
    error?: unknown;
  }[];
  azurePlan?: { subscriptionId: string; orderId: string };
  error?: { code: string; detail: string };
}

/**
 * The transition once it stopped moving: waits for the host to be idle and, while it still runs (an activity waits
 * for its retry timer, or the workflow for its next poll of Partner Center's product upgrade), moves the virtual
 * clock on by one polling interval. Bounded.
 */
export async function settledTransition(service: TestService, transitionId: string): Promise<TransitionView> {
  for (let round = 0; round < 20; round += 1) {
    await service.host.waitForIdle();
    const response = await service.call<TransitionView>('GET', `/api/transitions/${transitionId}`, {
      as: salesAgent,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    if (['completed', 'partiallyCompleted', 'failed'].includes(response.body.status)) return response.body;
    await service.host.advance(30_000);
  }
  throw new Error(`Transition ${transitionId} did not settle.`);
}

/** How many documents of each type the customer's partition holds (to prove nothing was written twice). */
export async function storedDocumentCounts(
  service: TestService,
  customerId: string,
): Promise<Record<string, number>> {
  const { resources } = await service.cosmos.containers.customers.items
    .query<{ docType: string }>(
      {
        query: 'SELECT c.docType FROM c WHERE c.customerId = @customerId',
        parameters: [{ name: '@customerId', value: customerId }],
      },
      { partitionKey: customerId },
    )
    .fetchAll();
  const counts: Record<string, number> = {};
  for (const { docType } of resources) counts[docType] = (counts[docType] ?? 0) + 1;
  return counts;
}
