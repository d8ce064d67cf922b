import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  mcaAttestation,
  PARTNER_USER_ID,
  planLine,
  type SimulatorFixture,
  startSimulator,
} from '../partnerCenterFixture';

// Checked against the verbatim examples of /work/shared/reference/partner-center-api.md (section numbers below).
describe('Partner Center simulator: the purchase path', () => {
  let pc: SimulatorFixture;
  beforeAll(async () => {
    pc = await startSimulator({ provisioningDelayMs: 60_000, orderListDelayMs: 15 * 60_000 });
  });
  afterAll(() => pc.stop());

  async function newCustomer(country = 'US'): Promise<string> {
    const customer = await pc.call('POST', '/v1/customers', {
      body: {
        companyProfile: { domain: `c${Math.random().toString(36).slice(2, 10)}.onmicrosoft.com` },
        billingProfile: {
          email: 'a@a.com',
          culture: 'en-US',
          language: 'en',
          companyName: 'Contoso',
          defaultAddress: { country, city: 'redmond', addressLine1: '1 ms way', postalCode: '98052' },
        },
      },
    });
    expect(customer.status).toBe(201);
    return customer.body.id;
  }

  it('§3.1 GET customer: the documented shape, echoing MS-RequestId/MS-CorrelationId and adding MS-CV/MS-ServerId', async () => {
    const id = await newCustomer('GB');
    const response = await pc.call('GET', `/v1/customers/${id}`, {
      headers: { 'MS-RequestId': 'req-1', 'MS-CorrelationId': 'corr-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ms-requestid')).toBe('req-1');
    expect(response.headers.get('ms-correlationid')).toBe('corr-1');
    expect(response.headers.get('ms-cv')).toMatch(/\.0$/);
    expect(response.headers.get('ms-serverid')).toBeTruthy();
    expect(response.body).toMatchObject({
      id,
      companyProfile: {
        tenantId: id,
        address: { country: 'GB' },
        attributes: { objectType: 'CustomerCompanyProfile' },
      },
      billingProfile: {
        defaultAddress: { country: 'GB' },
        attributes: { objectType: 'CustomerBillingProfile' },
      },
      relationshipToPartner: 'reseller',
      attributes: { objectType: 'Customer' },
    });

    const unknown = await pc.call('GET', '/v1/customers/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      code: expect.any(Number) as unknown,
      description: expect.any(String) as unknown,
      source: 'PartnerFD',
    });
    expect((await pc.call('GET', '/v1/customers/not-a-guid')).body).toMatchObject({ code: 900118 });
  });

  it('§3.2–3.5 MCA: metadata, attestation with userId, 600061 shape B, 600002, Cloud default, direct sign', async () => {
    const customerId = await newCustomer();
    const mcaMeta = await pc.call('GET', '/v1/agreements?agreementType=MicrosoftCustomerAgreement');
    expect(mcaMeta.body).toMatchObject({
      totalCount: 1,
      items: [
        { templateId: '117a77b0-9360-443b-8795-c6dedc750cf9', agreementType: 'MicrosoftCustomerAgreement' },
      ],
    });
    const cloudMeta = await pc.call('GET', '/v1/agreements');
    expect(cloudMeta.body.items[0]).toMatchObject({
      templateId: '998b88de-aa99-4388-a42c-1b3517d49490',
      agreementType: 'MicrosoftCloudAgreement',
    });

    const created = await pc.call('POST', `/v1/customers/${customerId}/agreements`, {
      body: mcaAttestation(),
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      userId: PARTNER_USER_ID,
      ...mcaAttestation(),
      agreementLink: expect.any(String) as unknown,
    });

    const duplicate = await pc.call('POST', `/v1/customers/${customerId}/agreements`, {
      body: mcaAttestation(),
    });
    expect(duplicate.body).toEqual({
      code: 600061,
      message: 'A partner confirmed agreement already exists for the customer.',
      description: 'A partner confirmed agreement already exists for the customer.',
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
      isRetryable: false,
      parameters: {},
      errorMessageExtended: 'InternalErrorCode=600061',
    });
    const future = await pc.call('POST', `/v1/customers/${customerId}/agreements`, {
      body: mcaAttestation('2026-01-06T00:00:00.000Z'),
    });
    expect(future.body).toMatchObject({ code: 600002 });

    // Cloud template with MCA type: stored as a Cloud Agreement without user (modelling choice, see README).
    const cloud = await pc.call('POST', `/v1/customers/${customerId}/agreements`, {
      body: { ...mcaAttestation(), templateId: '998b88de-aa99-4388-a42c-1b3517d49490' },
    });
    expect(cloud.body).toMatchObject({ type: 'MicrosoftCloudAgreement', userId: null });

    const withoutType = await pc.call('GET', `/v1/customers/${customerId}/agreements`);
    expect(withoutType.body.items.map((a: { type: string }) => a.type)).toEqual(['MicrosoftCloudAgreement']);
    const mcas = await pc.call(
      'GET',
      `/v1/customers/${customerId}/agreements?agreementType=MicrosoftCustomerAgreement`,
    );
    expect(mcas.body).toMatchObject({
      totalCount: 1,
      items: [{ templateId: '117a77b0-9360-443b-8795-c6dedc750cf9' }],
    });

    const status = `/v1/customers/${customerId}/directSignedMicrosoftCustomerAgreementStatus`;
    expect((await pc.call('GET', status)).body).toEqual({ isSigned: false });
    await fetch(`${pc.url}/_sim/customers/${customerId}/direct-sign`, { method: 'POST' });
    expect((await pc.call('GET', status)).body).toEqual({ isSigned: true });
  });

  it('§1.2/§1.4/§0.1-7 auth: app-only refused on App+User routes, no MFA → 401 without body, wrong audience → 900420', async () => {
    const appOnly = await pc.call('GET', '/v1/agreements', { token: pc.appOnly });
    expect(appOnly.status).toBe(403);
    expect(appOnly.body).toMatchObject({ source: 'PartnerFD' });
    expect((await pc.call('GET', '/v1/products?country=US', { token: pc.appOnly })).status).toBe(200);

    const withoutMfa = await pc.call('GET', '/v1/agreements', { token: await pc.sign({ mfa: false }) });
    expect(withoutMfa.status).toBe(401);
    expect(withoutMfa.text).toBe('');
    expect(withoutMfa.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    const graph = await pc.call('GET', '/v1/products?country=US', {
      token: await pc.sign({ audience: 'https://graph.windows.net' }),
    });
    expect(graph.status).toBe(401);
    expect(graph.body).toMatchObject({ code: '900420' });
    expect(
      (await pc.call('GET', '/v1/products?country=US', { token: await pc.sign({ expiresInSeconds: -60 }) }))
        .status,
    ).toBe(401);
  });

  it('§0.1-6/§3.6 catalog: country-specific Azure plan availabilities', async () => {
    const us = await pc.call('GET', '/v1/products/DZH318Z0BPS6/skus/0001/availabilities?country=US');
    expect(us.body.items[0]).toMatchObject({
      catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
      country: 'US',
    });
    const gb = await pc.call('GET', '/v1/products/DZH318Z0BPS6/skus/0001/availabilities?country=GB');
    expect(gb.body.items[0]!.catalogItemId).toBe('DZH318Z0BPS6:0001:DZH318Z0BMGV');
    const de1 = await pc.call('GET', '/v1/products/DZH318Z0BPS6/skus/0001/availabilities?country=DE');
    const de2 = await pc.call('GET', '/v1/products/DZH318Z0BPS6/skus/0001/availabilities?country=de');
    expect(de1.body.items[0]!.id).toMatch(/^DZH3[0-9A-Z]{8}$/);
    expect(de2.body.items[0]!.id).toBe(de1.body.items[0]!.id);
    const sku = await pc.call('GET', '/v1/products/DZH318Z0BPS6/skus/0001?country=US');
    expect(sku.body).toMatchObject({
      purchasePrerequisites: ['MicrosoftCustomerAgreement'],
      supportedBillingCycles: ['one_time'],
    });
  });

  it('§3.7–3.10 cart → 13605 without MCA → checkout → pending order without ids → completed plan with its first Azure subscription', async () => {
    const customerId = await newCustomer();
    const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    expect(cart.status).toBe(201);
    expect(Date.parse(cart.body.expirationTimestamp) - Date.parse(cart.body.creationTimestamp)).toBe(
      7 * 24 * 3_600_000,
    );
    expect(cart.body).toMatchObject({
      status: 'Active',
      lineItems: [{ orderGroup: '0' }],
      attributes: { objectType: 'Cart' },
    });

    const refused = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 13605, source: 'PartnerFD' });

    await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const checkout = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
    expect(checkout.status).toBe(201);
    const order = checkout.body.orders[0]!;
    expect(order).toMatchObject({ status: 'pending', referenceCustomerId: customerId });
    expect(order.lineItems[0]!.subscriptionId).toBeUndefined();
    expect(order.lineItems[0]!.offerId).toBe('DZH318Z0BPS6:0001:DZH318Z0BML6');

    const orderPath = `/v1/customers/${customerId}/orders/${order.id}`;
    expect((await pc.call('GET', `${orderPath}/provisioningstatus`, { token: pc.appOnly })).status).toBe(403);
    expect((await pc.call('GET', `${orderPath}/provisioningstatus`)).body.items[0]!.status).toBe(
      'PrefulfillmentPending',
    );
    expect((await pc.call('GET', `/v1/customers/${customerId}/orders`)).body.totalCount).toBe(0);

    pc.advance(59_999);
    expect((await pc.call('GET', orderPath)).body.status).toBe('pending');
    pc.advance(1);
    const completed = await pc.call('GET', orderPath);
    expect(completed.body.status).toBe('completed');
    const planId = completed.body.lineItems[0]!.subscriptionId;
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await pc.call('GET', `${orderPath}/provisioningstatus`)).body.items[0]!.status).toBe('fulfilled');
    // The list still lags (up to 15 minutes) while GET by id does not.
    expect((await pc.call('GET', `/v1/customers/${customerId}/orders`)).body.totalCount).toBe(0);
    pc.advance(15 * 60_000);
    expect((await pc.call('GET', `/v1/customers/${customerId}/orders`)).body.totalCount).toBe(1);

    const byOrder = await pc.call('GET', `/v1/customers/${customerId}/subscriptions?order_id=${order.id}`);
    expect(byOrder.body.items).toEqual([
      expect.objectContaining({
        id: planId,
        offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
        status: 'active',
        orderId: order.id,
      }),
    ]);
    const entitlements = await pc.call(
      'GET',
      `/v1/customers/${customerId}/subscriptions/${planId}/azureEntitlements`,
    );
    expect(entitlements.body).toMatchObject({
      totalCount: 1,
      items: [{ friendlyName: 'Microsoft Azure', status: 'active', subscriptionId: planId }],
      attributes: { objectType: 'Collection' },
    });

    // One Azure plan per customer; the legacy offer is refused once a plan exists.
    const second = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    const secondCheckout = await pc.call(
      'POST',
      `/v1/customers/${customerId}/carts/${second.body.id}/checkout`,
    );
    expect(secondCheckout.status).toBe(403);
    const legacy = await pc.call('POST', `/v1/customers/${customerId}/carts`, {
      body: { lineItems: [{ id: 0, catalogItemId: 'MS-AZR-0145P', quantity: 1, billingCycle: 'monthly' }] },
    });
    expect(legacy.status).toBe(201);
    expect(legacy.body.lineItems[0]).toMatchObject({ orderGroup: 'OMS-0', error: { errorCode: 500600 } });
  });

  it('§2.2 checkout is idempotent per cart, also when the first response was lost after commit', async () => {
    const customerId = await newCustomer();
    await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    const checkoutPath = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;

    pc.simulator.controls.injectFault({
      route: 'POST /v1/customers/{customerId}/carts/{cartId}/checkout',
      kind: 'dropAfterCommit',
    });
    await expect(pc.call('POST', checkoutPath)).rejects.toThrow();

    const retry = await pc.call('POST', checkoutPath);
    const again = await pc.call('POST', checkoutPath);
    expect(retry.status).toBe(201);
    expect(again.body).toEqual(retry.body);
    expect(retry.body.orders).toHaveLength(1);
    pc.advance(16 * 60_000);
    expect((await pc.call('GET', `/v1/customers/${customerId}/orders`)).body.totalCount).toBe(1);
    expect((await pc.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`)).body.status).toBe(
      'Ordered',
    );
  });

  it('§4 stale availability → 404 400019; expired cart → 404 800008; 409 800064 while in progress', async () => {
    const customerId = await newCustomer('US');
    await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const stale = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    pc.simulator.controls.rotateAvailability('US');
    const refused = await pc.call('POST', `/v1/customers/${customerId}/carts/${stale.body.id}/checkout`);
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: 400019 });

    const current = await pc.call(
      'GET',
      `/v1/customers/${customerId}/products/DZH318Z0BPS6/skus/0001/availabilities`,
    );
    const currentId = current.body.items[0]!.id;
    // The stale cart is rebuilt (PUT) with the current availability and then checks out.
    const rebuilt = await pc.call('PUT', `/v1/customers/${customerId}/carts/${stale.body.id}`, {
      body: planLine(currentId),
    });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.lineItems[0]!.catalogItemId).toBe(`DZH318Z0BPS6:0001:${currentId}`);
    expect(
      (await pc.call('POST', `/v1/customers/${customerId}/carts/${stale.body.id}/checkout`)).status,
    ).toBe(201);
    expect(currentId).not.toBe('DZH318Z0BML6');
    const other = await newCustomer('US');
    await pc.call('POST', `/v1/customers/${other}/agreements`, { body: mcaAttestation() });
    const expiring = await pc.call('POST', `/v1/customers/${other}/carts`, {
      body: planLine(currentId),
    });
    pc.advance(7 * 24 * 3_600_000);
    const expired = await pc.call('POST', `/v1/customers/${other}/carts/${expiring.body.id}/checkout`);
    expect(expired.status).toBe(404);
    expect(expired.body).toMatchObject({ code: 800008 });

    pc.simulator.controls.setBehaviour({ checkoutInProgressMs: 5_000 });
    const fresh = await pc.call('POST', `/v1/customers/${other}/carts`, { body: planLine(currentId) });
    const path = `/v1/customers/${other}/carts/${fresh.body.id}/checkout`;
    expect((await pc.call('POST', path)).status).toBe(201);
    expect((await pc.call('POST', path)).body).toMatchObject({ code: 800064 });
    pc.advance(5_000);
    expect((await pc.call('POST', path)).status).toBe(201);
    pc.simulator.controls.setBehaviour({ checkoutInProgressMs: 0 });
  });

  it('13605 can come as an orderErrors entry inside the 201 instead', async () => {
    pc.simulator.controls.setBehaviour({ mcaMissingAs: 'orderErrors' });
    const customerId = await newCustomer('GB');
    const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, {
      body: planLine('DZH318Z0BMGV'),
    });
    const checkout = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ orders: [], orderErrors: [{ orderGroupId: '0', code: 13605 }] });
    pc.simulator.controls.setBehaviour({ mcaMissingAs: 'error' });
  });
});
