import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AzureEntitlement } from '../../../shared/domain/api/azureEntitlement';
import { type Collection } from '../../../shared/domain/api/collection';
import { type Order } from '../../../shared/domain/api/order';
import { type Subscription } from '../../../shared/domain/api/subscription';
import { type Role } from '../../../shared/domain/rules/roles';
import { type Problem } from '../../../shared/platform/http/problem';
import {
  aLegacyOrder,
  anAzurePlanBought,
  aRegisteredCustomer,
  aTransitionStarted,
  mcaAttested,
  settledTransition,
  storedDocumentCounts,
} from '../../support/customerJourney';
import { startService, type TestService } from '../../support/service';

let service: TestService;
const salesAgent = { roles: ['SalesAgent' as Role] };
const legacyLine = { offerId: 'MS-AZR-0145P', quantity: 1 };

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

function subscriptionsOf(customerId: string) {
  return service.call<Collection<Subscription>>('GET', `/api/customers/${customerId}/subscriptions`, {
    as: salesAgent,
  });
}

function legacyOrderFor<T = Order>(
  customerId: string,
  options: { roles?: Role[]; headers?: Record<string, string> } = {},
) {
  return service.call<T>('POST', `/api/customers/${customerId}/orders`, {
    as: { roles: options.roles ?? ['SalesAgent'] },
    headers: options.headers ?? {},
    body: { lineItems: [legacyLine] },
  });
}

describe('Microsoft Azure (0145P) orders', () => {
  it('create a 0145P subscription per line, each with its own Partner Center subscription id', async () => {
    const customerId = await aRegisteredCustomer(service, 'legacy-buyer');
    const order = await aLegacyOrder(service, customerId, ['Production', 'Test']);
    const subscriptions = (await subscriptionsOf(customerId)).body.items;
    expect(subscriptions).toHaveLength(2);
    for (const subscription of subscriptions) {
      expect(subscription).toMatchObject({ offerId: 'MS-AZR-0145P', orderId: order.id, status: 'active' });
    }
    // Partner Center does not show the Azure subscription a 0145P subscription bills; the ids are its own.
    expect(new Set(subscriptions.map((subscription) => subscription.id))).toEqual(
      new Set(order.lineItems.map((line) => line.subscriptionId)),
    );
    const orders = await service.call<Collection<Order>>('GET', `/api/customers/${customerId}/orders`, {
      as: { roles: ['GlobalAdmin'] },
    });
    expect(orders.body.items.map((item) => item.id)).toEqual([order.id]);
  });

  it('keep the customer from buying the Azure plan directly: LegacySubscriptionRequiresTransition', async () => {
    const customerId = await aRegisteredCustomer(service, 'legacy-direct-plan');
    await aLegacyOrder(service, customerId);
    const response = await service.call<Problem>(
      'POST',
      `/api/customers/${customerId}/azure-plan/purchases`,
      {
        as: salesAgent,
        body: {
          mca: {
            method: 'attest',
            primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' },
            dateAgreed: '2026-01-02T00:00:00Z',
          },
        },
      },
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('LegacySubscriptionRequiresTransition');
  });

  it('are refused once the customer has an Azure plan: LegacyOfferNotEligibleForPurchase (500600)', async () => {
    const customerId = await aRegisteredCustomer(service, 'plan-holder');
    await anAzurePlanBought(service, customerId);
    const response = await legacyOrderFor(customerId);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'LegacyOfferNotEligibleForPurchase',
      partnerCenterCode: 500600,
    });
  });

  it('are refused as Partner Center refuses them for a partner enrolled on or after 21 July 2021', async () => {
    const customerId = await aRegisteredCustomer(service, 'late-partner');
    service.partnerCenter.setBehaviour({ partnerEnrolledAt: '2022-03-01T00:00:00Z' });
    try {
      const response = await legacyOrderFor<Problem>(customerId);
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        code: 'LegacyOfferNotEligibleForPurchase',
        partnerCenterCode: 500600,
        // Partner Center's own words, not a guess of ours.
        detail: expect.stringMatching(/21 July 2021/) as unknown,
      });
      expect((await subscriptionsOf(customerId)).body.items).toEqual([]);
    } finally {
      service.partnerCenter.setBehaviour({ partnerEnrolledAt: '2019-01-01T00:00:00Z' });
    }
  });

  it('are refused with OrderInProgress while a purchase of the customer runs', async () => {
    const customerId = await aRegisteredCustomer(service, 'purchase-running');
    const purchase = await service.call('POST', `/api/customers/${customerId}/azure-plan/purchases`, {
      as: salesAgent,
      body: { mca: { method: 'invite' } },
    });
    expect(purchase.status).toBe(202);
    await service.host.waitForIdle();
    const response = await legacyOrderFor<Problem>(customerId);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'OrderInProgress', partnerCenterCode: 800060 });
    expect(await storedDocumentCounts(service, customerId)).not.toHaveProperty('order');
  });

  it('accept only the 0145P offer, quantity 1', async () => {
    const customerId = await aRegisteredCustomer(service, 'wrong-offer');
    for (const lineItems of [
      [{ offerId: 'MS-AZR-0017G', quantity: 1 }],
      [{ ...legacyLine, quantity: 2 }],
      [],
    ]) {
      const response = await service.call<Problem>('POST', `/api/customers/${customerId}/orders`, {
        as: salesAgent,
        body: { lineItems },
      });
      expect(response.status, JSON.stringify(lineItems)).toBe(400);
      expect(response.body.code).toBe('InvalidRequest');
    }
  });

  it('may be placed by the purchasing roles and Admin agents, not by a user without a partner role', async () => {
    const customerId = await aRegisteredCustomer(service, 'legacy-roles');
    for (const role of ['GlobalAdmin', 'UserAdmin', 'AdminAgent', 'SalesAgent'] as const) {
      expect((await legacyOrderFor(customerId, { roles: [role] })).status, role).toBe(201);
    }
    const roleless = await legacyOrderFor(customerId, { roles: [] });
    expect(roleless.status).toBe(403);
    expect(
      (
        await service.call('POST', `/api/customers/${customerId}/orders`, {
          body: { lineItems: [legacyLine] },
        })
      ).status,
    ).toBe(401);
  });

  it('are placed once for a repeated Idempotency-Key', async () => {
    const customerId = await aRegisteredCustomer(service, 'legacy-idempotent');
    const headers = { 'Idempotency-Key': 'legacy-order-once' };
    const first = await legacyOrderFor(customerId, { headers });
    const again = await legacyOrderFor(customerId, { headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(await storedDocumentCounts(service, customerId)).toMatchObject({ order: 1, subscription: 1 });
  });

  it('answer 404 CustomerNotFound for an unknown customer', async () => {
    const response = await legacyOrderFor<Problem>('nobody');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('CustomerNotFound');
  });
});

describe('the transition from 0145P to the Azure plan', () => {
  it('buys the plan, moves each Azure subscription under it with its id, suspends the 0145P subscriptions', async () => {
    const customerId = await aRegisteredCustomer(service, 'transitioning');
    await aLegacyOrder(service, customerId, ['Production', 'Test']);
    await mcaAttested(service, customerId);
    const legacy = (await subscriptionsOf(customerId)).body.items;

    const started = await aTransitionStarted(service, customerId);
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/api/transitions/${started.body.transitionId}`);
    expect(started.body.statusUrl).toBe(`/api/transitions/${started.body.transitionId}`);

    const transition = await settledTransition(service, started.body.transitionId);
    expect(transition.status).toBe('completed');
    expect(transition.lineItems).toEqual(
      expect.arrayContaining(
        legacy.map((subscription) => ({
          sourceSubscriptionId: subscription.id,
          // The Azure subscription each 0145P subscription billed, as Partner Center's upgrade reports it.
          targetEntitlementId: expect.any(String) as unknown,
          status: 'completed',
        })),
      ),
    );
    expect(transition.lineItems).toHaveLength(2);

    const planId = transition.azurePlan?.subscriptionId ?? '';
    const subscriptions = (await subscriptionsOf(customerId)).body.items;
    expect(subscriptions).toContainEqual(
      expect.objectContaining({ id: planId, billingType: 'usage', status: 'active' }),
    );
    for (const subscription of legacy) {
      expect(subscriptions).toContainEqual(
        expect.objectContaining({ id: subscription.id, status: 'suspended', offerId: 'MS-AZR-0145P' }),
      );
    }
    const entitlements = await service.call<Collection<AzureEntitlement>>(
      'GET',
      `/api/customers/${customerId}/subscriptions/${planId}/azureEntitlements`,
      { as: salesAgent },
    );
    // Each moved Azure subscription keeps its id under the plan: the entitlements are the transition's targets.
    expect(entitlements.body.items.map((item) => item.id).sort()).toEqual(
      transition.lineItems.map((line) => line.targetEntitlementId).sort(),
    );
    expect(await service.call('GET', `/api/customers/${customerId}`, { as: salesAgent })).toMatchObject({
      body: { azurePlan: { subscriptionId: planId, status: 'active' }, activePurchase: null },
    });

    // Afterwards the legacy offer is closed to this customer, and so is a second transition.
    expect((await legacyOrderFor<Problem>(customerId)).body.code).toBe('LegacyOfferNotEligibleForPurchase');
    const again = await aTransitionStarted(service, customerId);
    expect(again.status).toBe(409);
    expect((again.body as unknown as Problem).code).toBe('AzurePlanAlreadyExists');
  });

  it('is blocked up front by a suspended legacy subscription (409), and goes once it is reactivated', async () => {
    const customerId = await aRegisteredCustomer(service, 'suspended-legacy');
    const order = await aLegacyOrder(service, customerId, ['Production', 'Old']);
    await mcaAttested(service, customerId);
    const suspendedPath = `/api/customers/${customerId}/subscriptions/${order.lineItems[1]?.subscriptionId ?? ''}`;
    const suspended = await service.call<Subscription>('PATCH', suspendedPath, {
      as: salesAgent,
      body: { status: 'suspended' },
    });
    expect(suspended.body.status).toBe('suspended');

    const response = await aTransitionStarted(service, customerId);
    expect(response.status).toBe(409);
    expect((response.body as unknown as Problem).code).toBe('LegacySubscriptionSuspended');
    expect(await storedDocumentCounts(service, customerId)).not.toHaveProperty('azurePlanMarker');
    expect(await service.call('GET', `/api/customers/${customerId}`, { as: salesAgent })).toMatchObject({
      body: { azurePlan: null, activePurchase: null },
    });

    await service.call('PATCH', suspendedPath, { as: salesAgent, body: { status: 'active' } });
    const retried = await aTransitionStarted(service, customerId);
    expect(retried.status).toBe(202);
    expect((await settledTransition(service, retried.body.transitionId)).status).toBe('completed');

    // Its Azure subscription now lives under the plan: the 0145P subscription stays suspended.
    const reactivated = await service.call<Problem>('PATCH', suspendedPath, {
      as: salesAgent,
      body: { status: 'active' },
    });
    expect(reactivated.status).toBe(409);
    expect(reactivated.body.code).toBe('LegacyOfferNotEligibleForPurchase');
  });

  it('updates only 0145P subscriptions', async () => {
    const customerId = await aRegisteredCustomer(service, 'plan-not-patched');
    const planId = await anAzurePlanBought(service, customerId);
    const response = await service.call<Problem>(
      'PATCH',
      `/api/customers/${customerId}/subscriptions/${planId}`,
      {
        as: salesAgent,
        body: { status: 'suspended' },
      },
    );
    expect(response.status).toBe(400);
    const missing = await service.call<Problem>(
      'PATCH',
      `/api/customers/${customerId}/subscriptions/nothing`,
      {
        as: salesAgent,
        body: { status: 'suspended' },
      },
    );
    expect(missing.body.code).toBe('SubscriptionNotFound');
  });

  it('needs the MCA accepted: McaNotAccepted (13605)', async () => {
    const customerId = await aRegisteredCustomer(service, 'no-mca');
    await aLegacyOrder(service, customerId);
    const response = await aTransitionStarted(service, customerId);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'McaNotAccepted', partnerCenterCode: 13605 });
  });

  it('is refused for a customer without 0145P subscriptions', async () => {
    const customerId = await aRegisteredCustomer(service, 'nothing-to-move');
    await mcaAttested(service, customerId);
    const response = await aTransitionStarted(service, customerId);
    expect(response.status).toBe(409);
    expect((response.body as unknown as Problem).code).toBe('NoLegacySubscriptions');
  });

  it('may be started by the purchasing roles only', async () => {
    const customerId = await aRegisteredCustomer(service, 'transition-roles');
    await aLegacyOrder(service, customerId);
    await mcaAttested(service, customerId);
    const response = await service.call<Problem>(
      'POST',
      `/api/customers/${customerId}/azure-plan/transition`,
      {
        as: { roles: ['AdminAgent'] },
        body: {},
      },
    );
    expect(response.status).toBe(403);
  });

  it('returns the same transition for a repeated Idempotency-Key', async () => {
    const customerId = await aRegisteredCustomer(service, 'transition-idempotent');
    await aLegacyOrder(service, customerId);
    await mcaAttested(service, customerId);
    const headers = { 'Idempotency-Key': 'transition-once' };
    const first = await aTransitionStarted(service, customerId, headers);
    const again = await aTransitionStarted(service, customerId, headers);
    expect(again.status).toBe(202);
    expect(again.body.transitionId).toBe(first.body.transitionId);
    expect((await settledTransition(service, first.body.transitionId)).status).toBe('completed');
    expect(await storedDocumentCounts(service, customerId)).toMatchObject({ azurePlanMarker: 1 });
  });

  it('waits its turn: OrderInProgress while another purchase holds the customer', async () => {
    const customerId = await aRegisteredCustomer(service, 'transition-busy');
    await aLegacyOrder(service, customerId);
    await mcaAttested(service, customerId);
    // A purchase that has just claimed the customer and is starting (its orchestration not visible yet).
    await service.cosmos.containers.customers.item(customerId, customerId).patch([
      {
        op: 'set',
        path: '/workInProgress',
        value: { kind: 'purchase', id: 'starting', startedAt: new Date().toISOString() },
      },
    ]);
    const response = await aTransitionStarted(service, customerId);
    expect(response.status).toBe(409);
    expect((response.body as unknown as Problem).code).toBe('OrderInProgress');
  });

  it('names the transition that holds the customer when a second one is refused, and links to it', async () => {
    const customerId = await aRegisteredCustomer(service, 'transition-twice');
    await aLegacyOrder(service, customerId);
    await mcaAttested(service, customerId);
    // A transition that has just claimed the customer and is starting (its orchestration not visible yet).
    await service.cosmos.containers.customers.item(customerId, customerId).patch([
      {
        op: 'set',
        path: '/workInProgress',
        value: { kind: 'transition', id: 'first-transition', startedAt: new Date().toISOString() },
      },
    ]);
    const response = await aTransitionStarted(service, customerId);
    expect(response.status).toBe(409);
    const problem = response.body as unknown as Problem;
    expect(problem.code).toBe('OrderInProgress');
    expect(problem.detail).toContain('Transition first-transition');
    const customer = await service.call('GET', `/api/customers/${customerId}`, { as: salesAgent });
    // The work in progress shows what holds it; a transition id never appears as a purchase id.
    expect(customer.body).toMatchObject({
      activePurchase: null,
      workInProgress: {
        kind: 'transition',
        id: 'first-transition',
        statusUrl: '/api/transitions/first-transition',
      },
    });
  });

  it('is reported 404 TransitionNotFound for an unknown id', async () => {
    const response = await service.call<Problem>('GET', '/api/transitions/no-such-transition', {
      as: salesAgent,
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('TransitionNotFound');
  });
});
