import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buyPlan,
  createTestTokens,
  mcaAttestation,
  type SimulatorFixture,
  startSimulator,
} from '../partnerCenterFixture';

describe('Partner Center simulator: after the purchase', () => {
  let pc: SimulatorFixture;
  beforeAll(async () => {
    pc = await startSimulator({ provisioningDelayMs: 1_000, entitlementCancelDelayMs: 600_000 });
  });
  afterAll(() => pc.stop());

  it('§3.10 lists Azure entitlements in pages of 50 with a continuation', async () => {
    const { customerId, planId } = await buyPlan(pc);
    for (let index = 0; index < 54; index += 1) {
      expect(pc.simulator.controls.addAzureEntitlement(customerId).ok).toBe(true);
    }
    const path = `/v1/customers/${customerId}/subscriptions/${planId}/azureentitlements`;
    const first = await pc.call('GET', path);
    expect(first.body.items).toHaveLength(50);
    const next = first.body.links.next!;
    const second = await pc.call('GET', path, {
      headers: { 'MS-ContinuationToken': next.headers[0]!.value },
    });
    expect(second.body.items).toHaveLength(5);
    expect(second.body.links.next).toBeUndefined();
    const ids = new Set([...first.body.items, ...second.body.items].map((item) => item.id));
    expect(ids.size).toBe(55);
  });

  it('§3.11/§3.14 PATCH with If-Match: stale ETag → 412, active Azure subscriptions → 403 900115, then suspend', async () => {
    const { customerId, planId, entitlementId } = await buyPlan(pc);
    const path = `/v1/customers/${customerId}/subscriptions/${planId}`;
    const plan = await pc.call('GET', path);
    const suspend = { ...plan.body, status: 'suspended' };
    const stale = await pc.call('PATCH', path, { body: suspend, headers: { 'If-Match': '"not-the-etag"' } });
    expect(stale.status).toBe(412);
    const blocked = await pc.call('PATCH', path, {
      body: suspend,
      headers: { 'If-Match': `"${plan.body.attributes.etag}"` },
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ code: 900115 });

    const cancelPath = `${path}/azureEntitlements/${entitlementId}/cancel`;
    expect((await pc.call('POST', cancelPath, { body: { cancellationReason: 'bored' } })).body).toMatchObject(
      {
        code: 900307,
      },
    );
    const cancelled = await pc.call('POST', cancelPath, { body: { cancellationReason: 'compromise' } });
    expect(cancelled.body).toMatchObject({ id: entitlementId, status: 'active' });
    pc.advance(600_000);
    expect((await pc.call('GET', `${path}/azureEntitlements/${entitlementId}`)).body.status).toBe('inactive');

    const current = await pc.call('GET', path);
    const suspended = await pc.call('PATCH', path, {
      body: { ...current.body, Status: 'suspended', FriendlyName: 'renamed' },
      headers: { 'If-Match': current.body.attributes.etag },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', friendlyName: 'renamed' });
    expect(suspended.body.attributes.etag).not.toBe(current.body.attributes.etag);
  });

  it('§3.12 reservations: 900317 without the plan id, 800030 before registration, 202 + Location, then purchasable', async () => {
    const { customerId, planId } = await buyPlan(pc);
    const reservation = (context?: Record<string, string>) => ({
      lineItems: [
        {
          id: 0,
          catalogItemId: 'DZH318Z0BQ3Q:0001:DZH318XZXVNF',
          quantity: 1,
          billingCycle: 'one_time',
          termDuration: 'P1Y',
          ...(context ? { provisioningContext: context } : {}),
        },
      ],
    });
    const checkout = async (context?: Record<string, string>) => {
      const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: reservation(context) });
      return pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
    };
    expect((await checkout()).body).toMatchObject({ code: 900317 });
    expect((await checkout({ subscriptionId: planId, scope: 'shared' })).body).toMatchObject({
      code: 800030,
    });

    const registered = await pc.call(
      'POST',
      `/v1/customers/${customerId}/subscriptions/${planId}/registrations`,
    );
    expect(registered.status).toBe(202);
    expect(registered.headers.get('location')).toBe(
      `/customers/${customerId}/subscriptions/${planId}/registrationstatus`,
    );
    const status = () =>
      pc.call('GET', `/v1/customers/${customerId}/subscriptions/${planId}/registrationstatus`);
    expect((await status()).body).toMatchObject({
      status: 'registering',
      attributes: { objectType: 'SubscriptionRegistrationStatus' },
    });
    pc.advance(60_000);
    expect((await status()).body.status).toBe('registered');
    const bought = await checkout({ subscriptionId: planId, scope: 'shared' });
    expect(bought.status).toBe(201);
    expect(bought.body.orders[0]!.status).toBe('pending');
  });

  it('§3.13 0145P → Azure plan: eligibility, 202 + Location, status to Completed, Azure subscription keeps its id', async () => {
    const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    const legacy = pc.simulator.controls.seedLegacySubscription(customerId, {
      azureSubscriptionId: '3f15978e-005c-b763-bb78-2a8fab289c58',
    })!;
    const request = { customerId, productFamily: 'azure' };
    expect(
      (await pc.call('POST', '/v1/productUpgrades/eligibility', { body: request, token: pc.appOnly })).status,
    ).toBe(403);
    expect((await pc.call('POST', '/v1/productUpgrades/eligibility', { body: request })).body).toMatchObject({
      customerId,
      isEligible: true,
      productFamily: 'azure',
    });
    // The transition needs the MCA at Partner Center (mission-anchors §2.4), not only in the partner's records.
    const withoutMca = await pc.call('POST', '/v1/productupgrades', { body: request });
    expect(withoutMca.status).toBe(403);
    expect(withoutMca.body).toMatchObject({ code: 13605, source: 'PartnerFD' });
    await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const created = await pc.call('POST', '/v1/productupgrades', { body: request });
    expect(created.status).toBe(202);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^productUpgrades\/[0-9a-f-]{36}$/);
    const running = await pc.call('POST', '/v1/productUpgrades/eligibility', { body: request });
    expect(running.body).toMatchObject({ isEligible: false, upgradeId: location.split('/')[1] });

    const status = () => pc.call('POST', `/v1/${location}/status`, { body: request });
    expect((await status()).body.status).toBe('InProgress');
    pc.advance(60_000);
    const done = await status();
    expect(done.body).toMatchObject({ status: 'Completed', lineItems: [{ status: 'Completed' }] });

    const plan = pc.simulator.controls.findAzurePlan(customerId)!;
    const entitlements = await pc.call(
      'GET',
      `/v1/customers/${customerId}/subscriptions/${plan.subscriptionId}/azureEntitlements`,
    );
    expect(entitlements.body.items.map((item) => item.id)).toEqual(['3f15978e-005c-b763-bb78-2a8fab289c58']);
    expect(
      (await pc.call('GET', `/v1/customers/${customerId}/subscriptions/${String(legacy.id)}`)).body.status,
    ).toBe('suspended');

    const blockedCustomer = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    pc.simulator.controls.seedLegacySubscription(blockedCustomer, { azureSubscriptionStatus: 'suspended' });
    const blocked = await pc.call('POST', '/v1/productUpgrades', {
      body: { customerId: blockedCustomer, productFamily: 'Azure' },
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ code: 900105 });
  });
});

describe('Partner Center simulator: throttling, faults, persistence, sandbox', () => {
  it('§2.3 answers 429 with Retry-After and the documented body at the configured rate', async () => {
    const pc = await startSimulator({
      throttling: [{ resources: ['customers'], limit: 3, windowSeconds: 10, scope: 'partner' }],
    });
    try {
      const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
      for (let index = 0; index < 3; index += 1) {
        expect((await pc.call('GET', `/v1/customers/${customerId}`)).status).toBe(200);
      }
      pc.advance(4_000);
      const throttled = await pc.call('GET', `/v1/customers/${customerId}`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('6');
      expect(throttled.body).toEqual({
        statusCode: 429,
        message: 'Rate limit is exceeded. Try again in 6 seconds.',
      });
      // Other resources are not limited by this rule.
      expect((await pc.call('GET', '/v1/products?country=US')).status).toBe(200);
      pc.advance(6_000);
      expect((await pc.call('GET', `/v1/customers/${customerId}`)).status).toBe(200);
      expect(pc.simulator.controls.stats().byStatus['429']).toBe(1);
    } finally {
      await pc.stop();
    }
  });

  it('defaults to the published limits: 500 a minute per partner on orders and on subscriptions', async () => {
    const pc = await startSimulator();
    try {
      const response = await fetch(`${pc.url}/_sim/throttling`);
      expect(await response.json()).toEqual({
        rules: [
          { resources: ['orders'], limit: 500, windowSeconds: 60, scope: 'partner' },
          { resources: ['subscriptions'], limit: 500, windowSeconds: 60, scope: 'partner' },
        ],
      });
    } finally {
      await pc.stop();
    }
  });

  it('fault injection: the next N calls of a route answer 5xx, and calls are counted per route', async () => {
    const pc = await startSimulator();
    try {
      const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
      await fetch(`${pc.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ route: 'GET /v1/customers/{customerId}', count: 2, status: 503 }),
      });
      const statuses = [];
      for (let index = 0; index < 3; index += 1)
        statuses.push((await pc.call('GET', `/v1/customers/${customerId}`)).status);
      expect(statuses).toEqual([503, 503, 200]);
      const stats = (await (await fetch(`${pc.url}/_sim/stats`)).json()) as {
        byRoute: Record<string, number>;
      };
      expect(stats.byRoute['GET /v1/customers/{customerId}']).toBe(3);
      await fetch(`${pc.url}/_sim/stats/reset`, { method: 'POST' });
      expect(pc.simulator.controls.stats().total).toBe(0);
    } finally {
      await pc.stop();
    }
  });

  it('keeps its state across a restart from the journal, including pending provisioning', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'pc-sim-'));
    const tokens = await createTestTokens();
    try {
      const first = await startSimulator({ provisioningDelayMs: 60_000 }, directory, tokens);
      const customerId = first.simulator.controls.seedCustomer({ country: 'GB' }).id as string;
      first.simulator.controls.setDirectSigned(customerId, true);
      const cart = await first.call('POST', `/v1/customers/${customerId}/carts`, {
        body: {
          lineItems: [
            { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BMGV', quantity: 1, billingCycle: 'one_time' },
          ],
        },
      });
      const checkout = await first.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
      expect(checkout.status).toBe(201);
      // A second process reading the journal before any compaction sees what a crash would leave.
      const afterCrash = await startSimulator({ provisioningDelayMs: 60_000 }, directory, tokens);
      expect(
        (await afterCrash.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`)).body,
      ).toEqual(checkout.body);
      await afterCrash.stop();
      await first.stop();

      const second = await startSimulator({ provisioningDelayMs: 60_000 }, directory, tokens);
      try {
        const replay = await second.call(
          'POST',
          `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`,
        );
        expect(replay.body).toEqual(checkout.body);
        second.advance(60_000);
        const order = await second.call(
          'GET',
          `/v1/customers/${customerId}/orders/${checkout.body.orders[0]!.id}`,
        );
        expect(order.body.status).toBe('completed');
        expect(
          (
            await second.call(
              'GET',
              `/v1/customers/${customerId}/directSignedMicrosoftCustomerAgreementStatus`,
            )
          ).body,
        ).toEqual({
          isSigned: true,
        });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('§6 sandbox mode: the eleventh Azure plan → 900116, a fourth Azure subscription under a plan → 900116', async () => {
    const pc = await startSimulator({ sandbox: true, provisioningDelayMs: 0 });
    try {
      let last = await buyPlan(pc);
      for (let index = 1; index < 10; index += 1) last = await buyPlan(pc);
      const customerId = pc.simulator.controls.seedCustomer({ country: 'US', directSigned: true })
        .id as string;
      const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, {
        body: {
          lineItems: [
            { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
          ],
        },
      });
      const refused = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 900116 });

      const second = { id: '5b76b8c3-dd85-4096-bb2e-9804b1d7b383' };
      expect(pc.simulator.controls.addAzureEntitlement(last.customerId, second).ok).toBe(true);
      // Reported again (at least once delivery): the same entitlement, not a new one.
      expect(pc.simulator.controls.addAzureEntitlement(last.customerId, second).ok).toBe(true);
      expect(pc.simulator.controls.addAzureEntitlement(last.customerId).ok).toBe(true);
      expect(pc.simulator.controls.addAzureEntitlement(last.customerId)).toMatchObject({
        ok: false,
        status: 400,
        body: { code: 900116 },
      });
    } finally {
      await pc.stop();
    }
  });
});
