import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Collection } from '../../../shared/domain/api/collection';
import { type CommerceOperation } from '../../../shared/domain/api/commerceOperation';
import { type Order } from '../../../shared/domain/api/order';
import { type Subscription } from '../../../shared/domain/api/subscription';
import { anAzurePlanBought, aRegisteredCustomer, partnerCenterIdOf } from '../../support/customerJourney';
import { everyFault } from '../../support/everyFault';
import { type HttpMethod, startService, type TestService } from '../../support/service';

/**
 * The commerce operations after the purchase (Azure subscription under the plan, reservation, 0145P order, PATCH
 * suspend/reactivate) through the whole stack with every Partner Center fault switch on, done as a client does
 * (http-api.md, "Partner Center"): the same `Idempotency-Key` on every retry, a 503 retried after its `Retry-After`,
 * a 202 followed to its `Location` until it ends; all waits on the host's virtual clock. The outcome is checked
 * against Partner Center's own state (its API and the simulators' controls), then against our records.
 */
const minute = 60_000;
const adminAgent = { roles: ['AdminAgent' as const] };
const salesAgent = { roles: ['SalesAgent' as const] };

let service: TestService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

interface Answer {
  status: number;
  body: unknown;
}

/**
 * What a client does: sends with one `Idempotency-Key`, retries a 503 after its `Retry-After` (virtual clock), and
 * follows a 202's `Location` until the operation is no longer `running`. Bounded.
 */
async function asAClient(
  method: HttpMethod,
  path: string,
  body: unknown,
  as: { roles: ('AdminAgent' | 'SalesAgent')[] },
): Promise<Answer> {
  const key = randomUUID();
  for (let attempt = 1; attempt <= 30; attempt += 1) {
    const response = await service.call(method, path, { as, body, headers: { 'Idempotency-Key': key } });
    if (response.status === 503) {
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter, JSON.stringify(response.body)).toBeGreaterThan(0);
      expect(response.body).toMatchObject({ code: 'PartnerCenterUnavailable' });
      await service.host.advance(retryAfter * 1000);
      continue;
    }
    if (response.status !== 202) return { status: response.status, body: response.body };
    const location = response.headers.get('location');
    let polledMs = 0;
    expect(location, JSON.stringify(response.body)).toBeTruthy();
    for (let poll = 0; poll < 240; poll += 1) {
      const read = await service.call<CommerceOperation>('GET', location!, { as: salesAgent });
      if (read.status === 200 && read.body.status !== 'running') return { status: 202, body: read.body };
      const retryAfter = Number(read.headers.get('retry-after') ?? '0');
      polledMs += Math.max(retryAfter, 1) * 1000;
      await service.host.advance(Math.max(retryAfter, 1) * 1000);
    }
    throw new Error(`${method} ${path}: ${location} still running after 240 polls (${polledMs / 1000} s)`);
  }
  throw new Error(`${method} ${path}: still 503 after 30 attempts`);
}

/** Reads Partner Center's REST API itself (the simulator), with a token of the partner's own consent. */
async function partnerCenterGet<T>(path: string): Promise<T> {
  const { settings, urls, identity } = service.simulators;
  const { refreshToken } = identity.controls.issueRefreshToken();
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: settings.PARTNER_CENTER_CLIENT_ID!,
    client_secret: settings.PARTNER_CENTER_CLIENT_SECRET!,
    scope: 'https://api.partnercenter.microsoft.com/.default',
  }).toString();
  // The identity simulator serves https with its development certificate (the app trusts it the same way).
  const tokenAnswer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = https.request(
      `${urls.authority}/oauth2/v2.0/token`,
      {
        method: 'POST',
        ca: readFileSync(service.simulators.caFile),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(form);
  });
  expect(tokenAnswer.status, tokenAnswer.text).toBe(200);
  const { access_token: token } = JSON.parse(tokenAnswer.text) as { access_token: string };
  const response = await fetch(`${urls.partnerCenter}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

function withCode<T>(answer: Answer, status: number): T {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body as T;
}

/** The 201 body, or the operation's result after a 202 (which must have succeeded). */
function succeeded<K extends 'azureEntitlement' | 'order'>(
  answer: Answer,
  kind: K,
): NonNullable<CommerceOperation[K]> {
  if (answer.status === 202) {
    const operation = answer.body as CommerceOperation;
    expect(operation.status, JSON.stringify(operation)).toBe('succeeded');
    expect(operation[kind]).toBeDefined();
    return operation[kind]!;
  }
  return withCode<NonNullable<CommerceOperation[K]>>(answer, 201);
}

describe('commerce operations with every Partner Center fault switch on', () => {
  it(
    'an Azure subscription, a reservation, a 0145P order suspended and reactivated: each exactly once at Partner Center, and our records agree',
    { timeout: 90_000 },
    async () => {
      // Faults off: a customer with an Azure plan, and one without.
      const withPlan = await aRegisteredCustomer(service, `faulty-${randomUUID().slice(0, 8)}`);
      const planId = await anAzurePlanBought(service, withPlan);
      const legacy = await aRegisteredCustomer(service, `legacy-${randomUUID().slice(0, 8)}`);
      const pcWithPlan = await partnerCenterIdOf(service, withPlan);
      const pcLegacy = await partnerCenterIdOf(service, legacy);
      const ordersBefore = service.partnerCenter.ordersOf(pcWithPlan).map((order) => order.id);
      expect(ordersBefore).toHaveLength(1);

      service.partnerCenter.resetStats();
      service.partnerCenter.setFaults({
        ...everyFault,
        // Short windows: a held order is released within the polls' bound (virtual time).
        heldMs: 5 * minute,
      });

      const entitlement = succeeded(
        await asAClient(
          'POST',
          `/api/customers/${withPlan}/subscriptions/${planId}/azureEntitlements`,
          { friendlyName: 'Under faults' },
          adminAgent,
        ),
        'azureEntitlement',
      );
      const reservation = succeeded(
        await asAClient(
          'POST',
          `/api/customers/${withPlan}/reservations`,
          {
            azurePlanSubscriptionId: planId,
            productId: 'DZH318Z0BQ3Q',
            skuId: '0001',
            reservationType: 'VirtualMachines',
            region: 'westeurope',
            quantity: 1,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
            scope: 'shared',
          },
          adminAgent,
        ),
        'order',
      );
      const legacyOrder = succeeded(
        await asAClient(
          'POST',
          `/api/customers/${legacy}/orders`,
          { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1, friendlyName: 'Legacy' }] },
          salesAgent,
        ),
        'order',
      );
      const legacySubscriptionId = legacyOrder.lineItems[0]?.subscriptionId;
      expect(legacySubscriptionId).toBeDefined();
      for (const status of ['suspended', 'active']) {
        const patched = withCode<Subscription>(
          await asAClient(
            'PATCH',
            `/api/customers/${legacy}/subscriptions/${legacySubscriptionId}`,
            { status },
            salesAgent,
          ),
          200,
        );
        expect(patched).toMatchObject({ id: legacySubscriptionId, status });
      }
      const { byStatus } = service.partnerCenter.stats();
      service.partnerCenter.setFaults({ switches: [] });
      await service.host.waitForIdle();

      // Partner Center's own state.
      const aliases = service.arm.aliases().filter((alias) => alias.customerId === pcWithPlan);
      expect(aliases.map((alias) => alias.subscriptionId)).toEqual([entitlement.id]);
      const entitlements = await partnerCenterGet<{ totalCount: number; items: { id: string }[] }>(
        `/v1/customers/${pcWithPlan}/subscriptions/${planId}/azureEntitlements`,
      );
      expect(entitlements.items).toHaveLength(2);
      expect(entitlements.items.map((item) => item.id)).toContain(entitlement.id);
      const newOrders = service.partnerCenter
        .ordersOf(pcWithPlan)
        .filter((order) => !ordersBefore.includes(order.id));
      expect(newOrders.map((order) => order.id)).toEqual([reservation.id]);
      expect(newOrders[0]?.status).not.toBe('cancelled');
      const legacyOrders = service.partnerCenter.ordersOf(pcLegacy);
      expect(legacyOrders.map((order) => order.id)).toEqual([legacyOrder.id]);
      const legacySubscriptions = await partnerCenterGet<{
        items: { id: string; offerId: string; status: string }[];
      }>(`/v1/customers/${pcLegacy}/subscriptions`);
      expect(legacySubscriptions.items).toEqual([
        expect.objectContaining({ id: legacySubscriptionId, offerId: 'MS-AZR-0145P', status: 'active' }),
      ]);

      // Our records agree.
      const ourEntitlements = await service.call<Collection<{ id: string }>>(
        'GET',
        `/api/customers/${withPlan}/subscriptions/${planId}/azureEntitlements`,
        { as: salesAgent },
      );
      expect(ourEntitlements.body.items.map((item) => item.id).sort()).toEqual(
        entitlements.items.map((item) => item.id).sort(),
      );
      const ourOrders = await service.call<Collection<Order>>('GET', `/api/customers/${withPlan}/orders`, {
        as: salesAgent,
      });
      expect(ourOrders.body.items.map((order) => order.id).sort()).toEqual(
        [...ordersBefore, reservation.id].sort(),
      );
      const ourLegacyOrders = await service.call<Collection<Order>>(
        'GET',
        `/api/customers/${legacy}/orders`,
        {
          as: salesAgent,
        },
      );
      expect(ourLegacyOrders.body.items.map((order) => order.id)).toEqual([legacyOrder.id]);
      const ourLegacySubscriptions = await service.call<Collection<Subscription>>(
        'GET',
        `/api/customers/${legacy}/subscriptions`,
        { as: salesAgent },
      );
      expect(ourLegacySubscriptions.body.items).toEqual([
        expect.objectContaining({ id: legacySubscriptionId, offerId: 'MS-AZR-0145P', status: 'active' }),
      ]);
      // The faults were met: Partner Center throttled, failed or dropped some of the service's calls.
      expect((byStatus['429'] ?? 0) + (byStatus['503'] ?? 0) + (byStatus.dropped ?? 0)).toBeGreaterThan(0);
    },
  );
});
