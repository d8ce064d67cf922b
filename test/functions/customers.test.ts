import { beforeEach, describe, expect, it } from 'vitest';

import { getCustomerEndpoint, putCustomerEndpoint } from '../../functions/customers';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { aCustomerRequest, salesAgent } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import { createInMemoryPartnerCenterCustomers } from '../support/inMemory/inMemoryPartnerCenterCustomers';
import { createInMemoryCustomerRepository } from '../support/inMemory/inMemoryRepositories';

let customers: CustomerRepository;
let partnerCenter: ReturnType<typeof createInMemoryPartnerCenterCustomers>;
let deps: { customers: CustomerRepository; partnerCenter: typeof partnerCenter; clock: { now: () => Date } };

beforeEach(() => {
  customers = createInMemoryCustomerRepository();
  partnerCenter = createInMemoryPartnerCenterCustomers();
  deps = { customers, partnerCenter, clock: { now: () => new Date() } };
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
});
