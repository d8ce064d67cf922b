import { beforeEach, describe, expect, it, vi } from 'vitest';

import { attestAgreementEndpoint, listAgreementsEndpoint } from '../../functions/agreements';
import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { newDirectAcceptance } from '../../shared/domain/rules/mcaAgreement';
import { aContact, aCustomer, globalAdmin, salesAgent } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import {
  anOutage,
  aThrottle,
  createInMemoryPartnerCenterAgreements,
  inMemoryMcaTemplateId,
} from '../support/inMemory/inMemoryPartnerCenterAgreements';
import {
  createInMemoryPartnerCenterCustomers,
  storeLinkedCustomer,
} from '../support/inMemory/inMemoryPartnerCenterCustomers';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
} from '../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-02T09:00:00.000Z');
let customers: CustomerRepository;
let agreements: AgreementRepository;
let mca: ReturnType<typeof createInMemoryPartnerCenterAgreements>;
let pcCustomers: ReturnType<typeof createInMemoryPartnerCenterCustomers>;

let deps: {
  customers: CustomerRepository;
  agreements: AgreementRepository;
  partnerCenter: ReturnType<typeof createInMemoryPartnerCenterCustomers> &
    ReturnType<typeof createInMemoryPartnerCenterAgreements>;
  clock: { now: () => Date };
};

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  agreements = createInMemoryAgreementRepository();
  mca = createInMemoryPartnerCenterAgreements();
  pcCustomers = createInMemoryPartnerCenterCustomers();
  deps = { customers, agreements, partnerCenter: { ...pcCustomers, ...mca }, clock: { now: () => now } };
  // Registered customers are linked to Partner Center (PUT did it): contoso is the customer Partner Center created.
  await storeLinkedCustomer(customers, pcCustomers, { mca: { accepted: false } });
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

  it("posts the attestation to Partner Center at once, under the customer's Partner Center id, and records its answer", async () => {
    const recorded = await attest('contoso', {
      ...anAttestationRequest,
      dateAgreed: '2026-01-05T17:30:00+01:00',
    });

    expect(recorded.status).toBe(201);
    const pcId = (await customers.get('contoso'))?.partnerCenterCustomerId;
    expect(pcId).toBe(pcCustomers.created[0]?.id);
    expect(mca.agreementsOf(pcId!)).toEqual([
      expect.objectContaining({
        primaryContact: aContact,
        templateId: inMemoryMcaTemplateId,
        dateAgreed: '2026-01-05T00:00:00Z',
      }),
    ]);
    expect((await agreements.list('contoso'))[0]).toMatchObject({
      templateId: inMemoryMcaTemplateId,
      partnerCenter: { customerId: pcId, dateAgreed: '2026-01-05T00:00:00Z', userId: 'partner-user' },
    });
  });

  it('ends a repeat after Partner Center committed but before our record with one agreement and 201', async () => {
    const create = agreements.create.bind(agreements);
    agreements.create = vi
      .fn()
      .mockRejectedValueOnce(new Error('Cosmos DB went away'))
      .mockImplementation(create);

    expect((await attest('contoso', anAttestationRequest)).status).toBe(500);
    const repeated = await attest('contoso', anAttestationRequest);

    expect(repeated.status).toBe(201);
    expect(repeated.body).toMatchObject({ primaryContact: aContact, userId: salesAgent.userId });
    const pcId = (await customers.get('contoso'))!.partnerCenterCustomerId!;
    expect(mca.agreementsOf(pcId)).toHaveLength(1);
    expect(await agreements.list('contoso')).toHaveLength(1);
    expect((await customers.get('contoso'))?.mca).toMatchObject({ accepted: true });
  });

  it('answers 409 (600061) when Partner Center holds this contact from another day, recording nothing', async () => {
    await customers.update('contoso', (customer) => ({ ...customer, partnerCenterCustomerId: 'pc-contoso' }));
    mca.holdAttestedElsewhere('pc-contoso', { primaryContact: aContact, dateAgreed: '2025-11-30T00:00:00Z' });

    const refused = await attest('contoso', anAttestationRequest);

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'AgreementAlreadyExists', partnerCenterCode: 600061 });
    expect(await agreements.list('contoso')).toEqual([]);
  });

  it('answers 503 with Retry-After when Partner Center is down or keeps throttling, recording nothing', async () => {
    mca.failWith(anOutage);
    const down = await attest('contoso', anAttestationRequest);
    mca.failWith(aThrottle(120_000));
    const throttled = await attest('contoso', anAttestationRequest);

    expect(down).toMatchObject({ status: 503, body: { code: 'PartnerCenterUnavailable' } });
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled).toMatchObject({ status: 503, headers: { 'retry-after': '120' } });
    expect(await agreements.list('contoso')).toEqual([]);
    expect((await customers.get('contoso'))?.mca.accepted).toBe(false);
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

  it('lists Partner Center’s agreements joined with our records, and ours it does not hold yet', async () => {
    await attest('contoso', anAttestationRequest);
    const pcId = (await customers.get('contoso'))!.partnerCenterCustomerId!;
    const grace = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.example' };
    mca.holdAttestedElsewhere(pcId, { primaryContact: grace, dateAgreed: '2025-12-01T00:00:00' });
    await agreements.create(
      newDirectAcceptance({
        customerId: 'contoso',
        invitationId: 'inv-1',
        primaryContact: { ...aContact, email: 'ada@home.example' },
        dateAgreed: '2026-02-01T10:00:00.000Z',
        correlationId: 'c-1',
        now,
      }),
    );

    const listed = await callHandler(
      listAgreementsEndpoint,
      await anHttpRequest('GET', '/api/customers/contoso/agreements', {
        as: salesAgent,
        params: { customerId: 'contoso' },
      }),
      deps,
    );

    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      totalCount: 3,
      items: [
        expect.objectContaining({
          primaryContact: grace,
          dateAgreed: '2025-12-01T00:00:00.000Z',
          method: 'partnerAttestation',
          userId: 'partnerCenter',
        }),
        expect.objectContaining({
          primaryContact: aContact,
          userId: salesAgent.userId,
          method: 'partnerAttestation',
        }),
        expect.objectContaining({ id: 'mca-acceptance-inv-1', method: 'customerDirectAcceptance' }),
      ],
    });
  });

  it('answers 503 when Partner Center cannot be asked, and lists our records for a customer not linked yet', async () => {
    await attest('contoso', anAttestationRequest);
    const list = async () =>
      callHandler(
        listAgreementsEndpoint,
        await anHttpRequest('GET', '/api/customers/contoso/agreements', {
          as: salesAgent,
          params: { customerId: 'contoso' },
        }),
        deps,
      );
    mca.failWith(anOutage);
    expect((await list()).status).toBe(503);

    await customers.update('contoso', ({ partnerCenterCustomerId: _linked, ...customer }) => customer);
    expect(await list()).toMatchObject({ status: 200, body: { totalCount: 1 } });
  });
});
