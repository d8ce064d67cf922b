import { beforeEach, describe, expect, it } from 'vitest';

import { attestAgreementEndpoint, listAgreementsEndpoint } from '../../functions/agreements';
import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { aContact, aCustomer, globalAdmin, salesAgent } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
} from '../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-02T09:00:00.000Z');
let customers: CustomerRepository;
let agreements: AgreementRepository;

let deps: { customers: CustomerRepository; agreements: AgreementRepository; clock: { now: () => Date } };

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  agreements = createInMemoryAgreementRepository();
  deps = { customers, agreements, clock: { now: () => now } };
  await customers.create(aCustomer({ mca: { accepted: false } }));
  await customers.create(
    aCustomer({
      id: 'resold',
      customerId: 'resold',
      relationship: 'indirectReseller',
      mca: { accepted: false },
    }),
  );
});

async function attest(customerId: string, body: unknown, as = salesAgent) {
  return callHandler(
    attestAgreementEndpoint,
    await anHttpRequest('POST', `/api/customers/${customerId}/agreements`, {
      as,
      body,
      params: { customerId },
    }),
    deps,
  );
}

const anAttestationRequest = {
  type: 'MicrosoftCustomerAgreement',
  primaryContact: aContact,
  dateAgreed: '2026-01-05',
};

describe('POST /api/customers/{customerId}/agreements (handler)', () => {
  it('records the partner attestation by the signed-in user and marks the customer as having accepted', async () => {
    const recorded = await attest('contoso', anAttestationRequest);

    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ primaryContact: aContact, userId: salesAgent.userId });
    expect((await customers.get('contoso'))?.mca).toMatchObject({ accepted: true });
  });

  it('refuses the same contact again (409 AgreementAlreadyExists) but takes a changed contact', async () => {
    await attest('contoso', anAttestationRequest);

    const again = await attest('contoso', anAttestationRequest);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'AgreementAlreadyExists' });

    const changed = await attest('contoso', {
      ...anAttestationRequest,
      primaryContact: { ...aContact, email: 'grace@contoso.example' },
    });
    expect(changed.status).toBe(201);
    expect(await agreements.list('contoso')).toHaveLength(2);
  });

  it('refuses a date in the future, an indirect reseller’s customer, an unknown customer and a role that may not attest', async () => {
    const future = await attest('contoso', { ...anAttestationRequest, dateAgreed: '2999-01-01' });
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ errors: [{ pointer: '/dateAgreed' }] });
    expect((await attest('resold', anAttestationRequest)).body).toMatchObject({
      code: 'ResellerCannotAttest',
    });
    expect((await attest('nobody', anAttestationRequest)).status).toBe(404);
    expect((await attest('contoso', anAttestationRequest, globalAdmin)).status).toBe(403);
    expect(await agreements.list('contoso')).toEqual([]);
  });
});

describe('GET /api/customers/{customerId}/agreements (handler)', () => {
  it('lists the customer’s agreements, and answers 404 for an unknown customer', async () => {
    await attest('contoso', anAttestationRequest);
    const list = (customerId: string) =>
      anHttpRequest('GET', `/api/customers/${customerId}/agreements`, {
        as: salesAgent,
        params: { customerId },
      });

    const listed = await callHandler(listAgreementsEndpoint, await list('contoso'), deps);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveProperty('items.length', 1);
    expect((await callHandler(listAgreementsEndpoint, await list('nobody'), deps)).status).toBe(404);
  });
});
