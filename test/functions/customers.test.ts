import { beforeEach, describe, expect, it } from 'vitest';

import { getCustomerEndpoint, listCustomersEndpoint, putCustomerEndpoint } from '../../functions/customers';
import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { aContact, aCustomer, aCustomerRequest, salesAgent } from '../support/fixtures';
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

async function put(customerId: string, body: unknown, as: typeof salesAgent | null = salesAgent) {
  return callHandler(
    putCustomerEndpoint,
    await anHttpRequest('PUT', `/api/customers/${customerId}`, {
      ...(as ? { as } : {}),
      body,
      params: { customerId },
    }),
    deps,
  );
}

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
