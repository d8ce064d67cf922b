import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SimulatorFixture, startSimulator } from '../partnerCenterFixture';

/**
 * Creating and seeding customers (PCD `create-a-customer.md`, `customer-resources.md`, `error-codes.md`): Partner
 * Center assigns the ids, needs a real address, the registration number and phone where it says so, and returns the
 * new tenant's admin sign-in once.
 */
describe('Partner Center simulator: customers', () => {
  let pc: SimulatorFixture;
  beforeAll(async () => {
    pc = await startSimulator();
  });
  afterAll(() => pc.stop());

  let domains = 0;
  function creation(address: Record<string, string>, companyProfile: Record<string, string> = {}) {
    domains += 1;
    return {
      companyProfile: { domain: `customer${domains}.onmicrosoft.com`, ...companyProfile },
      billingProfile: { email: 'a@a.com', companyName: 'Contoso', defaultAddress: address },
    };
  }
  const redmond = {
    country: 'US',
    addressLine1: '1 Microsoft Way',
    city: 'Redmond',
    state: 'WA',
    postalCode: '98052',
  };

  it("creates the customer under an id of its own, with the admin's credentials once; a repeat is the same customer without them", async () => {
    const body = creation(redmond);
    const created = await pc.call('POST', '/v1/customers', { body });
    const repeated = await pc.call('POST', '/v1/customers', { body });

    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body).toMatchObject({
      companyProfile: { tenantId: created.body.id },
      billingProfile: { defaultAddress: redmond },
      relationshipToPartner: 'reseller',
      userCredentials: { userName: 'admin', password: expect.any(String) as string },
    });
    expect(repeated.body.id).toBe(created.body.id);
    expect(repeated.body).not.toHaveProperty('userCredentials');
    expect((await pc.call('GET', `/v1/customers/${created.body.id}`)).body).not.toHaveProperty(
      'userCredentials',
    );
  });

  it("reads the docs' PascalCase body (the verbatim request of create-a-customer.md)", async () => {
    const created = await pc.call('POST', '/v1/customers', {
      body: {
        enableGDAPByDefault: false,
        CompanyProfile: { Domain: 'xyz.ccsctp.net' },
        BillingProfile: {
          Culture: 'EN-US',
          Email: 'test@outlook.com',
          Language: 'en',
          CompanyName: 'test company',
          DefaultAddress: {
            FirstName: 'Test',
            LastName: 'Test',
            AddressLine1: 'One Microsoft Way',
            City: 'Redmond',
            State: 'WA',
            PostalCode: '98052',
            Country: 'US',
          },
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.companyProfile).toMatchObject({ domain: 'xyz.ccsctp.net' });
  });

  it('refuses what Partner Center refuses: no real address, a missing or unsupported registration number, no phone', async () => {
    const noCity = await pc.call('POST', '/v1/customers', {
      body: creation({ country: 'US', addressLine1: '1 Microsoft Way', postalCode: '98052' }),
    });
    const hungaryNoNumber = await pc.call('POST', '/v1/customers', {
      body: creation({ ...redmond, country: 'HU', phoneNumber: '+36 1 234 5678' }),
    });
    const hungaryNoPhone = await pc.call('POST', '/v1/customers', {
      body: creation({ ...redmond, country: 'HU' }, { organizationRegistrationNumber: '01-09-123456' }),
    });
    const usWithNumber = await pc.call('POST', '/v1/customers', {
      body: creation(redmond, { organizationRegistrationNumber: '123456' }),
    });
    const hungary = await pc.call('POST', '/v1/customers', {
      body: creation(
        { ...redmond, country: 'HU', phoneNumber: '+36 1 234 5678' },
        { organizationRegistrationNumber: '01-09-123456' },
      ),
    });

    expect([noCity.status, noCity.body.code]).toEqual([400, 800002]);
    expect([hungaryNoNumber.status, hungaryNoNumber.body.code]).toEqual([400, 600049]);
    expect([hungaryNoPhone.status, hungaryNoPhone.body.code]).toEqual([400, 600051]);
    expect([usWithNumber.status, usWithNumber.body.code]).toEqual([400, 600002]);
    expect(hungary.status).toBe(201);
    expect(hungary.body.companyProfile).toMatchObject({ organizationRegistrationNumber: '01-09-123456' });
  });

  it('seeds only customers with ids of its own and the relationship values Partner Center documents', async () => {
    const seeded = pc.simulator.controls.seedCustomer({
      country: 'DE',
      associatedPartnerId: '11111111-2222-4333-8444-555555555555',
    });
    expect(seeded).toMatchObject({
      relationshipToPartner: 'reseller',
      associatedPartnerId: '11111111-2222-4333-8444-555555555555',
    });
    const byControl = await fetch(`${pc.url}/_sim/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', country: 'DE' }),
    });
    expect(byControl.status).toBe(400);
    expect(() =>
      pc.simulator.controls.seedCustomer({
        country: 'DE',
        relationshipToPartner: 'indirectReseller' as 'reseller',
      }),
    ).toThrow();
  });
});
