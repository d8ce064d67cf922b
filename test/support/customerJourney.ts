import { expect } from 'vitest';

import { nameBasedUuid } from '../../shared/domain/rules/nameBasedUuid';
import { aContact, aCustomerRequest, salesAgent } from './fixtures';
import { type TestService } from './service';

/** Steps a partner takes with a customer, through the public API, for tests that need a customer in some state. */

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const testCustomerNamespace = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

/**
 * Registers a customer (country DE unless told otherwise) and returns its id. Customer ids are Partner Center's
 * (GUIDs): a readable name is turned into a stable GUID, which the Partner Center simulator is seeded with first,
 * so the PUT links a customer Partner Center has.
 */
export async function aRegisteredCustomer(
  service: TestService,
  name: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const customerId = guid.test(name) ? name : nameBasedUuid(testCustomerNamespace, name);
  const country = typeof overrides.country === 'string' ? overrides.country : 'DE';
  try {
    service.partnerCenter.seedCustomer({
      id: customerId,
      country,
      companyName: `${name} Ltd`,
      // Partner Center, not the request, says how the customer relates to the partner.
      ...(overrides.relationship === 'indirectReseller' ? { relationshipToPartner: 'indirectReseller' } : {}),
    });
  } catch {
    // Already seeded (the same name registered again in this service): linking it again is what is tested.
  }
  const response = await service.call('PUT', `/api/customers/${customerId}`, {
    as: salesAgent,
    body: aCustomerRequest({ companyName: `${name} Ltd`, ...overrides }),
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
