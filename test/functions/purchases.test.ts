import { beforeEach, describe, expect, it } from 'vitest';

import { startAzurePlanPurchaseEndpoint } from '../../functions/purchases';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { aContact, aCustomer, adminAgent, globalAdmin, salesAgent } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import { createInMemoryCustomerRepository } from '../support/inMemory/inMemoryRepositories';
import {
  createInMemoryWorkflowClient,
  type InMemoryWorkflowClient,
} from '../support/inMemory/inMemoryWorkflowClient';

/**
 * `POST /api/customers/{customerId}/azure-plan/purchases`, the handler over in-memory ports: authentication and
 * roles, the body, the start's refusals as problem+json, and the 202 with where to follow the purchase.
 */

const now = new Date('2026-03-02T09:00:00.000Z');
const anAttestation = { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-05' };

let customers: CustomerRepository;
let workflows: InMemoryWorkflowClient;

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  workflows = createInMemoryWorkflowClient(() => now);
  await customers.create(aCustomer({ mca: { accepted: false } }));
});

async function buy(
  customerId: string,
  body: unknown,
  as: { roles: typeof salesAgent.roles; userId: string } | null = salesAgent,
) {
  return callHandler(
    startAzurePlanPurchaseEndpoint,
    await anHttpRequest('POST', `/api/customers/${customerId}/azure-plan/purchases`, {
      ...(as ? { as } : {}),
      body,
      params: { customerId },
    }),
    {
      customers,
      clock: { now: () => now },
      azurePlanMarkets: new Set(['DE']),
      // Partner Center knows of no acceptance either.
      withMcaFromPartnerCenter: (customer) => Promise.resolve(customer),
    },
    { clock: { now: () => now }, workflows },
  );
}

describe('POST /api/customers/{customerId}/azure-plan/purchases (handler)', () => {
  it('starts the purchase: 202 with its id, status and where to follow it (statusUrl and Location)', async () => {
    const answer = await buy('contoso', { mca: anAttestation });

    expect(answer.status).toBe(202);
    const { purchaseId, status, statusUrl } = answer.body as Record<string, string>;
    expect(status).toBe('validating');
    expect(statusUrl).toBe(`/api/purchases/${purchaseId}`);
    expect(answer.headers.location).toBe(statusUrl);
    expect(workflows.started).toHaveLength(1);
    expect(workflows.started[0]).toMatchObject({
      instanceId: purchaseId,
      input: { customerId: 'contoso', requestedBy: { userId: 'sally' }, mca: { method: 'attest' } },
    });
  });

  it('answers 404 CustomerNotFound for a customer nobody registered', async () => {
    const answer = await buy('nobody', { mca: anAttestation });

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'CustomerNotFound', status: 404 });
    expect(workflows.started).toEqual([]);
  });

  it('answers 409 OrderInProgress while a purchase of the customer runs', async () => {
    expect((await buy('contoso', { mca: anAttestation })).status).toBe(202);

    const second = await buy('contoso', { mca: anAttestation });

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'OrderInProgress', partnerCenterCode: 800060 });
    expect(workflows.started).toHaveLength(1);
  });

  it('answers 403 McaNotAccepted for a customer without the MCA and no way to get it', async () => {
    const answer = await buy('contoso', {});

    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'McaNotAccepted', partnerCenterCode: 13605 });
    expect(workflows.started).toEqual([]);
  });

  it('answers 403 Forbidden to a buyer who may not attest the MCA, and lets the same buyer invite', async () => {
    const attesting = await buy('contoso', { mca: anAttestation }, globalAdmin);

    expect(attesting.status).toBe(403);
    expect(attesting.body).toMatchObject({ code: 'Forbidden' });
    expect(workflows.started).toEqual([]);

    const inviting = await buy('contoso', { mca: { method: 'invite' } }, globalAdmin);
    expect(inviting.status).toBe(202);
    expect(workflows.started[0]?.input).toMatchObject({ mca: { method: 'invite', email: aContact.email } });
  });

  it('answers 403 Forbidden to a role that may not buy at all, and 401 without credentials', async () => {
    expect((await buy('contoso', { mca: anAttestation }, adminAgent)).body).toMatchObject({
      status: 403,
      code: 'Forbidden',
    });
    expect((await buy('contoso', { mca: anAttestation }, null)).body).toMatchObject({
      status: 401,
      code: 'Unauthenticated',
    });
    expect(workflows.started).toEqual([]);
  });
});
