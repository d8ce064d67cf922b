import { beforeEach, describe, expect, it } from 'vitest';

import { getCustomerEndpoint, listCustomersEndpoint, putCustomerEndpoint } from '../../functions/customers';
import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { type IdempotencyRecord } from '../../shared/platform/cosmos/idempotencyRecordRepository';
import { type IdempotencyRecords } from '../../shared/platform/http/idempotency';
import { aBillingAddress, aContact, aCustomer, aCustomerRequest, salesAgent } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import {
  anOutage,
  createInMemoryPartnerCenterAgreements,
} from '../support/inMemory/inMemoryPartnerCenterAgreements';
import { createInMemoryPartnerCenterCustomers } from '../support/inMemory/inMemoryPartnerCenterCustomers';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
} from '../support/inMemory/inMemoryRepositories';

let customers: CustomerRepository;
let agreements: AgreementRepository;
let partnerCenter: ReturnType<typeof createInMemoryPartnerCenterCustomers>;
let mca: ReturnType<typeof createInMemoryPartnerCenterAgreements>;
let deps: {
  customers: CustomerRepository;
  agreements: AgreementRepository;
  partnerCenter: typeof partnerCenter & typeof mca;
  clock: { now: () => Date };
};

beforeEach(() => {
  idempotencyStore.clear();
  customers = createInMemoryCustomerRepository();
  agreements = createInMemoryAgreementRepository();
  partnerCenter = createInMemoryPartnerCenterCustomers();
  mca = createInMemoryPartnerCenterAgreements();
  deps = {
    customers,
    agreements,
    partnerCenter: { ...partnerCenter, ...mca },
    clock: { now: () => new Date() },
  };
});

async function put(
  customerId: string,
  body: unknown,
  as: typeof salesAgent | null = salesAgent,
  headers: Record<string, string> = {},
) {
  return callHandler(
    putCustomerEndpoint,
    await anHttpRequest('PUT', `/api/customers/${customerId}`, {
      ...(as ? { as } : {}),
      body,
      headers,
      params: { customerId },
    }),
    deps,
    { idempotencyRecords },
  );
}

/** The idempotency records, kept in memory so a test can read what a replay would answer. */
const idempotencyStore = new Map<string, IdempotencyRecord & { _etag: string }>();
const idempotencyRecords: IdempotencyRecords = {
  claim(record) {
    const existing = idempotencyStore.get(record.id);
    if (existing) return Promise.resolve({ existing });
    idempotencyStore.set(record.id, { ...record, _etag: '1' });
    return Promise.resolve({ etag: '1' });
  },
  replace(record, etag) {
    const current = idempotencyStore.get(record.id);
    if (current?._etag !== etag) return Promise.resolve('changed' as const);
    const next = String(Number(etag) + 1);
    idempotencyStore.set(record.id, { ...record, _etag: next });
    return Promise.resolve({ etag: next });
  },
  remove(id) {
    idempotencyStore.delete(id);
    return Promise.resolve();
  },
};

describe('PUT /api/customers/{customerId} (handler)', () => {
  it('registers a new customer (201, with its location), then updates it (200) keeping what the service derived', async () => {
    const created = await put('contoso', aCustomerRequest());
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/api/customers/contoso');
    expect(created.body).toMatchObject({ id: 'contoso', companyName: 'Contoso Ltd', country: 'DE' });

    const stored = await customers.get('contoso');
    await customers.replace({
      ...stored!,
      mca: { accepted: true, agreementId: 'a-1', dateAgreed: '2026-01-05T00:00:00.000Z' },
    });

    const updated = await put('contoso', aCustomerRequest({ companyName: 'Contoso GmbH' }));
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ companyName: 'Contoso GmbH' });
    expect((await customers.get('contoso'))?.mca).toMatchObject({ accepted: true, agreementId: 'a-1' });
    // Created once at Partner Center, linked by its id on the update.
    expect(partnerCenter.created).toHaveLength(1);
    expect((await customers.get('contoso'))?.partnerCenterCustomerId).toBe(partnerCenter.created[0]?.id);
  });

  it('refuses a body that breaks the schema with a 400 problem, storing nothing', async () => {
    const refused = await put('contoso', aCustomerRequest({ country: 'Germany', colour: 'blue' }));

    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'InvalidRequest' });
    expect(await customers.get('contoso')).toBeUndefined();
  });

  it('needs a valid bearer token (401 otherwise)', async () => {
    expect((await put('contoso', aCustomerRequest(), null)).status).toBe(401);
    const forged = await callHandler(
      putCustomerEndpoint,
      await anHttpRequest('PUT', '/api/customers/contoso', {
        headers: { authorization: 'Bearer not.a.token' },
        body: aCustomerRequest(),
        params: { customerId: 'contoso' },
      }),
      deps,
    );
    expect(forged.status).toBe(401);
    expect(await customers.get('contoso')).toBeUndefined();
  });
});

describe('PUT /api/customers/{customerId}: the customer at Partner Center (handler)', () => {
  it('links the customer Partner Center has under `tenantId` (its tenant id is its id), creating no second tenant', async () => {
    const existing = partnerCenter.add({ country: 'GB', relationshipToPartner: 'reseller' });

    const linked = await put(
      'contoso',
      aCustomerRequest({ tenantId: existing.id, billingAddress: undefined }),
    );

    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({
      id: 'contoso',
      partnerCenterCustomerId: existing.id,
      tenantId: existing.id,
      country: 'GB',
    });
    expect(linked.body).not.toHaveProperty('userCredentials');
    expect(partnerCenter.created).toHaveLength(0);
  });

  it('links a GUID path id Partner Center knows, and refuses a tenantId it does not know (no creation)', async () => {
    const existing = partnerCenter.add({});
    const byPath = await put(existing.id, aCustomerRequest({ billingAddress: undefined }));
    expect(byPath.status).toBe(201);
    expect(byPath.body).toMatchObject({ id: existing.id, partnerCenterCustomerId: existing.id });

    const unknown = await put(
      'fabrikam',
      aCustomerRequest({ tenantId: '0b7e1d2c-3f4a-4b5c-8d6e-7f8091a2b3c4' }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'InvalidRequest', errors: [{ pointer: '/tenantId' }] });
    expect(partnerCenter.created).toHaveLength(0);
    expect(await customers.get('fabrikam')).toBeUndefined();
  });

  it('has Partner Center create a customer it does not know (a slug, or a GUID it has not), with the real address and its own id', async () => {
    const guidPath = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
    const slug = await put(
      'contoso',
      aCustomerRequest({ primaryContact: { ...aContact, phoneNumber: '+49 30 1234' } }),
    );
    const guid = await put(guidPath, aCustomerRequest({ companyName: 'Guid Ltd' }));

    expect([slug.status, guid.status]).toEqual([201, 201]);
    const [first, second] = partnerCenter.created;
    expect(slug.body).toMatchObject({ partnerCenterCustomerId: first?.id, tenantId: first?.id });
    expect(guid.body).toMatchObject({ id: guidPath, partnerCenterCustomerId: second?.id });
    expect(second?.id).not.toBe(guidPath);
    expect(partnerCenter.sent[0]).toEqual({
      domain: 'contoso.onmicrosoft.com',
      companyName: 'Contoso Ltd',
      email: aContact.email,
      address: {
        addressLine1: 'Friedrichstraße 123',
        city: 'Berlin',
        postalCode: '10117',
        country: 'DE',
        firstName: 'Ada',
        lastName: 'Lovelace',
        phoneNumber: '+49 30 1234',
      },
    });
    expect(partnerCenter.sent[1]?.domain).toBe('6f1c2d3e4b5a4c6d8e7f9a0b1c2d3e4f.onmicrosoft.com');
  });

  it('refuses a creation without what Partner Center needs, naming each field, and asks Partner Center nothing', async () => {
    const noAddress = await put('contoso', aCustomerRequest({ billingAddress: undefined }));
    const hungary = await put(
      'budapest',
      aCustomerRequest({ country: 'HU', billingAddress: aBillingAddress('HU') }),
    );
    const germanyWithNumber = await put(
      'berlin',
      aCustomerRequest({ organizationRegistrationNumber: 'HRB 12345' }),
    );
    const elsewhere = await put(
      'elsewhere',
      aCustomerRequest({ country: 'FR', billingAddress: aBillingAddress('DE') }),
    );
    const halfAddress = await put(
      'half',
      aCustomerRequest({ billingAddress: { addressLine1: 'Friedrichstraße 123', country: 'DE' } }),
    );

    expect(noAddress.body).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
      errors: [{ pointer: '/billingAddress' }],
    });
    expect(hungary.body).toMatchObject({
      status: 400,
      errors: [{ pointer: '/organizationRegistrationNumber' }, { pointer: '/primaryContact/phoneNumber' }],
    });
    expect(germanyWithNumber.body).toMatchObject({
      status: 400,
      errors: [{ pointer: '/organizationRegistrationNumber' }],
    });
    expect(elsewhere.body).toMatchObject({ status: 400, errors: [{ pointer: '/billingAddress/country' }] });
    expect(halfAddress.status).toBe(400);
    expect(JSON.stringify(halfAddress.body)).toMatch(/billingAddress\/city/);
    expect(partnerCenter.sent).toEqual([]);
    const poland = await put(
      'warsaw',
      aCustomerRequest({
        country: 'PL',
        billingAddress: aBillingAddress('PL'),
        organizationRegistrationNumber: '0000123456',
      }),
    );
    expect(poland.status).toBe(201);
    expect(partnerCenter.sent[0]?.organizationRegistrationNumber).toBe('0000123456');
  });

  it("returns the new tenant's one-time admin credentials in the 201 only: not stored, not replayed, not on update", async () => {
    const key = { 'idempotency-key': 'register-contoso' };
    const created = await put('contoso', aCustomerRequest(), salesAgent, key);
    const replayed = await put('contoso', aCustomerRequest(), salesAgent, key);
    const updated = await put('contoso', aCustomerRequest({ companyName: 'Contoso GmbH' }));

    const credentials = partnerCenter.created[0]?.userCredentials;
    expect(credentials?.password).toBeTruthy();
    expect(created).toMatchObject({ status: 201, body: { userCredentials: credentials } });
    expect(created.headers['cache-control']).toBe('no-store');
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).not.toHaveProperty('userCredentials');
    expect(updated.body).not.toHaveProperty('userCredentials');
    const stored = JSON.stringify([await customers.get('contoso'), [...idempotencyStore.values()]]);
    expect(stored).not.toContain(credentials!.password);
  });

  it("keeps an indirect reseller's customer indirect whatever Partner Center's relationshipToPartner, and takes Partner Center's associated reseller", async () => {
    const resold = partnerCenter.add({ relationshipToPartner: 'reseller' });
    const withReseller = partnerCenter.add({
      relationshipToPartner: 'reseller',
      associatedPartnerId: '11111111-2222-4333-8444-555555555555',
    });
    const plain = partnerCenter.add({ relationshipToPartner: 'reseller' });

    const declared = await put(
      'declared',
      aCustomerRequest({ tenantId: resold.id, relationship: 'indirectReseller', billingAddress: undefined }),
    );
    const associated = await put(
      'associated',
      aCustomerRequest({ tenantId: withReseller.id, billingAddress: undefined }),
    );
    const direct = await put('direct', aCustomerRequest({ tenantId: plain.id, billingAddress: undefined }));

    expect(declared.body).toMatchObject({ relationship: 'indirectReseller' });
    expect(associated.body).toMatchObject({ relationship: 'indirectReseller' });
    expect(direct.body).toMatchObject({ relationship: 'direct' });
  });

  it('refuses to move a linked customer to another tenant', async () => {
    const first = partnerCenter.add({});
    const other = partnerCenter.add({});
    expect((await put('contoso', aCustomerRequest({ tenantId: first.id }))).status).toBe(201);
    const moved = await put('contoso', aCustomerRequest({ tenantId: other.id }));
    expect(moved.body).toMatchObject({ status: 400, errors: [{ pointer: '/tenantId' }] });
    expect((await customers.get('contoso'))?.partnerCenterCustomerId).toBe(first.id);
  });
});

describe('GET /api/customers/{customerId} (handler)', () => {
  it('answers 404 CustomerNotFound for a customer that does not exist', async () => {
    const missing = await callHandler(
      getCustomerEndpoint,
      await anHttpRequest('GET', '/api/customers/nobody', {
        as: salesAgent,
        params: { customerId: 'nobody' },
      }),
      deps,
    );

    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'CustomerNotFound' });
  });

  async function read(customerId: string) {
    return callHandler(
      getCustomerEndpoint,
      await anHttpRequest('GET', `/api/customers/${customerId}`, { as: salesAgent, params: { customerId } }),
      deps,
    );
  }

  it('says mcaAccepted when Partner Center holds an MCA agreement, and records it for later reads', async () => {
    await customers.create(aCustomer({ mca: { accepted: false }, partnerCenterCustomerId: 'pc-contoso' }));
    mca.holdAttestedElsewhere('pc-contoso', { primaryContact: aContact, dateAgreed: '2026-01-05T00:00:00' });

    expect(await read('contoso')).toMatchObject({ status: 200, body: { mcaAccepted: true } });
    const [recorded] = await agreements.list('contoso');
    expect(recorded).toMatchObject({ primaryContact: aContact, dateAgreed: '2026-01-05T00:00:00.000Z' });
    expect((await customers.get('contoso'))?.mca).toMatchObject({
      accepted: true,
      agreementId: recorded?.id,
    });

    const asked = mca.calls.list;
    expect(await read('contoso')).toMatchObject({ body: { mcaAccepted: true } });
    expect(mca.calls.list).toBe(asked);
  });

  it('says mcaAccepted when the customer signed directly with Microsoft, and records it', async () => {
    await customers.create(aCustomer({ mca: { accepted: false }, partnerCenterCustomerId: 'pc-contoso' }));
    expect(await read('contoso')).toMatchObject({ body: { mcaAccepted: false } });

    mca.signDirectly('pc-contoso');

    expect(await read('contoso')).toMatchObject({ status: 200, body: { mcaAccepted: true } });
    expect((await customers.get('contoso'))?.mca.accepted).toBe(true);
  });

  it('answers from our record when Partner Center cannot be reached, without failing the read', async () => {
    await customers.create(aCustomer({ mca: { accepted: false }, partnerCenterCustomerId: 'pc-contoso' }));
    mca.signDirectly('pc-contoso');
    mca.failWith(anOutage);

    expect(await read('contoso')).toMatchObject({ status: 200, body: { mcaAccepted: false } });
    expect((await customers.get('contoso'))?.mca.accepted).toBe(false);
  });
});

describe('GET /api/customers (handler)', () => {
  async function list(search?: string) {
    const query = search === undefined ? '' : `?search=${encodeURIComponent(search)}`;
    return callHandler(
      listCustomersEndpoint,
      await anHttpRequest('GET', `/api/customers${query}`, { as: salesAgent }),
      deps,
    );
  }

  it('lists the customers by company name, and search narrows them by name, id or contact email', async () => {
    await customers.create(aCustomer({ customerId: 'fabrikam', companyName: 'Fabrikam' }));
    await customers.create(aCustomer({ customerId: 'contoso', companyName: 'Contoso Ltd' }));
    await customers.create(
      aCustomer({
        customerId: 'adatum',
        companyName: 'A. Datum',
        primaryContact: { ...aContact, email: 'zoe@adatum.example' },
      }),
    );

    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalCount: 3 });
    expect((all.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([
      'adatum',
      'contoso',
      'fabrikam',
    ]);
    expect(await list('FABRI')).toMatchObject({ body: { totalCount: 1, items: [{ id: 'fabrikam' }] } });
    expect(await list('zoe@')).toMatchObject({ body: { totalCount: 1, items: [{ id: 'adatum' }] } });
    expect(await list('nobody')).toMatchObject({ body: { totalCount: 0, items: [] } });
  });
});
