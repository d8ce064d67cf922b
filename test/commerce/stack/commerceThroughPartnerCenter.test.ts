import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Collection } from '../../../shared/domain/api/collection';
import { type CommerceOperation } from '../../../shared/domain/api/commerceOperation';
import { type Order } from '../../../shared/domain/api/order';
import { type Subscription } from '../../../shared/domain/api/subscription';
import { anAzurePlanBought, aRegisteredCustomer, partnerCenterIdOf } from '../../support/customerJourney';
import { startService, type TestService } from '../../support/service';

/** The commerce flows through the embedded Partner Center and ARM simulators, on the host's virtual clock. */

let service: TestService;
const adminAgent = { roles: ['AdminAgent' as const] };
const salesAgent = { roles: ['SalesAgent' as const] };
const contact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' };

/**
 * A customer registered as a partner does, with the ids a partner uses: a slug (`contoso-…`) or a GUID Partner
 * Center does not know (Partner Center creates either, under a GUID of its own), or one Partner Center already has
 * (linked by `tenantId`). The path id is never the customer's Partner Center id, so every call to Microsoft must
 * name the customer by its `partnerCenterCustomerId`.
 */
async function aPartnerCenterCustomer(
  country = 'US',
  kind: 'slug' | 'unknownGuid' | 'existing' = 'slug',
): Promise<string> {
  const customerId = kind === 'unknownGuid' ? randomUUID() : `contoso-${randomUUID().slice(0, 8)}`;
  await aRegisteredCustomer(
    service,
    customerId,
    { companyName: 'Contoso', country, primaryContact: contact },
    { atPartnerCenter: kind === 'existing' ? 'existing' : 'created' },
  );
  const pcId = await partnerCenterIdOf(service, customerId);
  expect(pcId).not.toBe(customerId);
  return customerId;
}

/** Polls an operation's Location, moving Microsoft's clock between polls, until it ends. */
async function pollUntilEnded(location: string): Promise<CommerceOperation> {
  for (let poll = 0; poll < 20; poll += 1) {
    const response = await service.call<CommerceOperation>('GET', location, { as: salesAgent });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    if (response.body.status !== 'running') return response.body;
    expect(response.headers.get('retry-after')).toBeDefined();
    service.simulators.advanceClock(60_000);
  }
  throw new Error(`operation ${location} still running after 20 polls`);
}

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

describe('commerce through Partner Center and ARM', () => {
  it('creates an Azure subscription under the plan with ARM: 202 + Location while Accepted, then listed from Partner Center', async () => {
    const customerId = await aPartnerCenterCustomer('US', 'unknownGuid');
    const planId = await anAzurePlanBought(service, customerId);
    const started = await service.call(
      'POST',
      `/api/customers/${customerId}/subscriptions/${planId}/azureEntitlements`,
      {
        as: adminAgent,
        body: { friendlyName: 'Contoso production' },
      },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const location = started.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/api/customers/${customerId}/operations/`));

    const ended = await pollUntilEnded(location);
    expect(ended.status).toBe('succeeded');
    const azureSubscriptionId = ended.azureEntitlement?.id;
    expect(azureSubscriptionId).toBeDefined();

    const listed = await service.call<Collection<{ id: string; friendlyName: string }>>(
      'GET',
      `/api/customers/${customerId}/subscriptions/${planId}/azureEntitlements`,
      { as: salesAgent },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ id: azureSubscriptionId, friendlyName: 'Contoso production' }),
    );
    expect(listed.body.totalCount).toBe(2);
  });

  it('buys a reservation: registers the plan, orders with the shared provisioning context, records the order', async () => {
    const customerId = await aPartnerCenterCustomer('US', 'existing');
    const planId = await anAzurePlanBought(service, customerId);
    const started = await service.call('POST', `/api/customers/${customerId}/reservations`, {
      as: adminAgent,
      body: {
        azurePlanSubscriptionId: planId,
        productId: 'DZH318Z0BQ3Q',
        skuId: '0001',
        reservationType: 'VirtualMachines',
        region: 'westeurope',
        quantity: 2,
        termDuration: 'P3Y',
        billingCycle: 'monthly',
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const ended = await pollUntilEnded(started.headers.get('location')!);
    expect(ended.status, JSON.stringify(ended)).toBe('succeeded');
    expect(ended.order?.lineItems[0]?.provisioningContext).toEqual({
      subscriptionId: planId,
      scope: 'shared',
      duration: '3Year',
    });

    const orders = await service.call<Collection<Order>>('GET', `/api/customers/${customerId}/orders`, {
      as: salesAgent,
    });
    expect(orders.body.items.map((order) => order.id)).toContain(ended.order?.id);
    const order = await service.call<Order>('GET', `/api/customers/${customerId}/orders/${ended.order?.id}`, {
      as: salesAgent,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(200);
  });

  it('orders 0145P through a cart, suspends it with PATCH, and refuses 0145P once the customer has a plan', async () => {
    const customerId = await aPartnerCenterCustomer();
    const ordered = await service.call<Order>('POST', `/api/customers/${customerId}/orders`, {
      as: salesAgent,
      body: { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1, friendlyName: 'Legacy' }] },
    });
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(201);
    const subscriptionId = ordered.body.lineItems[0]?.subscriptionId;

    const suspended = await service.call<Subscription>(
      'PATCH',
      `/api/customers/${customerId}/subscriptions/${subscriptionId}`,
      { as: salesAgent, body: { status: 'suspended' } },
    );
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body.status).toBe('suspended');

    const listed = await service.call<Collection<Subscription>>(
      'GET',
      `/api/customers/${customerId}/subscriptions`,
      {
        as: salesAgent,
      },
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: subscriptionId, status: 'suspended', offerId: 'MS-AZR-0145P' }),
    ]);

    const withPlan = await aPartnerCenterCustomer();
    await anAzurePlanBought(service, withPlan);
    const refused = await service.call('POST', `/api/customers/${withPlan}/orders`, {
      as: salesAgent,
      body: { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1 }] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'LegacyOfferNotEligibleForPurchase',
      partnerCenterCode: 500600,
    });
  });
});
