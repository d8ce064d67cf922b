import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AzureEntitlement } from '../../../shared/domain/api/azureEntitlement';
import { type Collection } from '../../../shared/domain/api/collection';
import { type Order } from '../../../shared/domain/api/order';
import { type Subscription } from '../../../shared/domain/api/subscription';
import { type Role } from '../../../shared/domain/rules/roles';
import { type Problem } from '../../../shared/platform/http/problem';
import { anAzurePlanBought, aRegisteredCustomer } from '../../support/customerJourney';
import { startService, type TestService } from '../../support/service';

let service: TestService;
let customerId: string;
let planId: string;

const adminAgent = { roles: ['AdminAgent' as Role] };
const salesAgent = { roles: ['SalesAgent' as Role] };
const otherRoles = ['GlobalAdmin', 'UserAdmin', 'SalesAgent'] as const;
const everyRole = ['GlobalAdmin', 'UserAdmin', 'AdminAgent', 'SalesAgent'] as const;

function aVirtualMachineReservation(azurePlanSubscriptionId: string) {
  return {
    azurePlanSubscriptionId,
    productId: 'DZH318Z0BQ3Q',
    skuId: '0001',
    reservationType: 'VirtualMachines',
    region: 'westeurope',
    quantity: 2,
    termDuration: 'P1Y',
    billingCycle: 'monthly',
  };
}

beforeAll(async () => {
  // Microsoft finishes at once here, so these flows answer 201 within the request; the 202 + Location path is
  // tested in test/commerce/stack/commerceThroughPartnerCenter.test.ts.
  service = await startService({
    simulators: {
      partnerCenter: { registrationDelayMs: 0 },
      azureResourceManager: { provisioningDelaySeconds: 0 },
    },
  });
  customerId = await aRegisteredCustomer(service, 'contoso');
  planId = await anAzurePlanBought(service, customerId);
});

afterAll(async () => {
  await service?.stop();
});

describe('the subscriptions page', () => {
  it('shows the Azure plan as usage-based and active', async () => {
    const response = await service.call<Collection<Subscription>>(
      'GET',
      `/api/customers/${customerId}/subscriptions`,
      { as: salesAgent },
    );
    expect(response.status).toBe(200);
    expect(response.body.totalCount).toBe(response.body.items.length);
    expect(response.body.items).toContainEqual(
      expect.objectContaining({
        id: planId,
        billingType: 'usage',
        status: 'active',
        // The Partner Center catalog id of the Azure plan for the customer's country (contract, Partner Center).
        offerId: expect.stringMatching(/^DZH318Z0BPS6:0001:.+/) as unknown,
      }),
    );
  });

  it('may be read by every partner role, not without credentials', async () => {
    for (const role of everyRole) {
      const response = await service.call('GET', `/api/customers/${customerId}/subscriptions`, {
        as: { roles: [role] },
      });
      expect(response.status, role).toBe(200);
    }
    expect((await service.call('GET', `/api/customers/${customerId}/subscriptions`)).status).toBe(401);
  });

  it('answers 404 CustomerNotFound for an unknown customer', async () => {
    const response = await service.call<Problem>('GET', '/api/customers/nobody/subscriptions', {
      as: salesAgent,
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('CustomerNotFound');
  });
});

describe('Azure subscriptions under the plan', () => {
  const entitlementsPath = () => `/api/customers/${customerId}/subscriptions/${planId}/azureEntitlements`;
  const listEntitlements = () =>
    service.call<Collection<AzureEntitlement>>('GET', entitlementsPath(), { as: salesAgent });
  const addEntitlement = (friendlyName: string, headers: Record<string, string> = {}) =>
    service.call<AzureEntitlement>('POST', entitlementsPath(), {
      as: adminAgent,
      headers,
      body: { friendlyName },
    });

  it('start with the one Azure subscription the purchase created', async () => {
    const response = await listEntitlements();
    expect(response.status).toBe(200);
    expect(response.body.items[0]).toMatchObject({ subscriptionId: planId, status: 'active' });
  });

  it('are added by Admin agents, each with its own Azure subscription id, many per plan', async () => {
    const before = (await listEntitlements()).body.totalCount;
    const first = await addEntitlement('Dev');
    const second = await addEntitlement('Test');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ friendlyName: 'Dev', status: 'active', subscriptionId: planId });
    expect(second.body.id).not.toBe(first.body.id);
    const after = await listEntitlements();
    expect(after.body.totalCount).toBe(before + 2);
    expect(after.body.items.map((item) => item.id)).toEqual(
      expect.arrayContaining([first.body.id, second.body.id]),
    );
  });

  it('are refused to every role but Admin agent (AOBO)', async () => {
    for (const role of otherRoles) {
      const response = await service.call<Problem>('POST', entitlementsPath(), {
        as: { roles: [role] },
        body: { friendlyName: 'Nope' },
      });
      expect(response.status, role).toBe(403);
      expect(response.body.code).toBe('Forbidden');
    }
  });

  it('replay the first response for the same Idempotency-Key and refuse the key with another body', async () => {
    const headers = { 'Idempotency-Key': 'add-entitlement-once' };
    const first = await addEntitlement('Once', headers);
    const again = await addEntitlement('Once', headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const named = (await listEntitlements()).body.items.filter((item) => item.friendlyName === 'Once');
    expect(named).toHaveLength(1);
    const reused = await service.call<Problem>('POST', entitlementsPath(), {
      as: adminAgent,
      headers,
      body: { friendlyName: 'Other' },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IdempotencyKeyReused');
  });

  it('need an active plan of this customer: AzurePlanNotActive (900318) otherwise', async () => {
    const planless = await aRegisteredCustomer(service, 'planless');
    const response = await service.call<Problem>(
      'POST',
      `/api/customers/${planless}/subscriptions/${planId}/azureEntitlements`,
      { as: adminAgent, body: { friendlyName: 'Nope' } },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'AzurePlanNotActive', partnerCenterCode: 900318 });
  });

  it('are refused under a suspended plan', async () => {
    const suspended = await aRegisteredCustomer(service, 'suspended-plan');
    const suspendedPlanId = await anAzurePlanBought(service, suspended);
    await service.cosmos.containers.customers
      .item(suspended, suspended)
      .patch([{ op: 'set', path: '/azurePlan/status', value: 'suspended' }]);
    const response = await service.call<Problem>(
      'POST',
      `/api/customers/${suspended}/subscriptions/${suspendedPlanId}/azureEntitlements`,
      { as: adminAgent, body: { friendlyName: 'Nope' } },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('AzurePlanNotActive');
  });

  it('refuse an empty name or an unknown field with InvalidRequest', async () => {
    const empty = await addEntitlement('');
    const extra = await service.call<Problem>('POST', entitlementsPath(), {
      as: adminAgent,
      body: { friendlyName: 'x', colour: 'blue' },
    });
    expect([empty.status, extra.status]).toEqual([400, 400]);
    expect(extra.body.code).toBe('InvalidRequest');
  });

  it('are listed only under an Azure plan subscription: SubscriptionNotFound otherwise', async () => {
    const response = await service.call<Problem>(
      'GET',
      `/api/customers/${customerId}/subscriptions/not-a-plan/azureEntitlements`,
      { as: salesAgent },
    );
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('SubscriptionNotFound');
  });

  it('answer 404 CustomerNotFound for an unknown customer', async () => {
    const response = await service.call<Problem>(
      'POST',
      `/api/customers/nobody/subscriptions/${planId}/azureEntitlements`,
      { as: adminAgent, body: { friendlyName: 'x' } },
    );
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('CustomerNotFound');
  });
});

describe('Azure reservations', () => {
  const reservationsPath = () => `/api/customers/${customerId}/reservations`;
  const buyReservation = (
    body: object,
    roles: Role[] = ['SalesAgent'],
    headers: Record<string, string> = {},
  ) => service.call<Order>('POST', reservationsPath(), { as: { roles }, headers, body });
  const refusedReservation = (body: object) =>
    service.call<Problem>('POST', reservationsPath(), { as: salesAgent, body });

  it('are ordered under the active plan with the provisioning context, and appear with their order', async () => {
    const response = await buyReservation({ ...aVirtualMachineReservation(planId), scope: 'shared' });
    expect(response.status).toBe(201);
    const order = response.body;
    expect(order.lineItems[0]).toMatchObject({
      offerId: expect.stringMatching(/^DZH318Z0BQ3Q:0001:/) as unknown,
      quantity: 2,
      termDuration: 'P1Y',
      provisioningContext: { subscriptionId: planId, scope: 'shared', duration: '1Year' },
    });
    expect(response.headers.get('location')).toBe(`/api/customers/${customerId}/orders/${order.id}`);

    const subscriptions = await service.call<Collection<Subscription>>(
      'GET',
      `/api/customers/${customerId}/subscriptions`,
      { as: salesAgent },
    );
    expect(subscriptions.body.items).toContainEqual(
      expect.objectContaining({
        id: order.lineItems[0]?.subscriptionId,
        orderId: order.id,
        termDuration: 'P1Y',
      }),
    );
    const orders = await service.call<Collection<Order>>('GET', `/api/customers/${customerId}/orders`, {
      as: salesAgent,
    });
    expect(orders.body.items.map((item) => item.id)).toContain(order.id);
    const single = await service.call<Order>('GET', `/api/customers/${customerId}/orders/${order.id}`, {
      as: salesAgent,
    });
    expect(single.body).toEqual(order);
    // Partner Center's order ids are base64url and may begin with `_` or `-`: such an id is looked up, not refused.
    const unknown = async (orderId: string) =>
      (
        await service.call<unknown>('GET', `/api/customers/${customerId}/orders/${orderId}`, {
          as: salesAgent,
        })
      ).body;
    expect(await unknown(`_${order.id.slice(1)}x`)).toMatchObject({ status: 404, code: 'NotFound' });
    expect(await unknown(`-${order.id.slice(1)}x`)).toMatchObject({ status: 404, code: 'NotFound' });
    expect(await unknown(`.${order.id.slice(1)}`)).toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('spell a three-year term as 3Year', async () => {
    const response = await buyReservation({
      ...aVirtualMachineReservation(planId),
      termDuration: 'P3Y',
      billingCycle: 'one_time',
    });
    expect(response.body.lineItems[0]?.provisioningContext?.duration).toBe('3Year');
    expect(response.body.billingCycle).toBe('one_time');
  });

  it('may be bought by Admin agents and the purchasing roles, not without credentials', async () => {
    for (const role of everyRole) {
      expect((await buyReservation(aVirtualMachineReservation(planId), [role])).status, role).toBe(201);
    }
    const anonymous = await service.call('POST', reservationsPath(), {
      body: aVirtualMachineReservation(planId),
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuse any scope but shared with ReservationScopeNotSupported', async () => {
    for (const scope of ['single', 'resourceGroup', 'managementGroup']) {
      const response = await refusedReservation({ ...aVirtualMachineReservation(planId), scope });
      expect(response.status, scope).toBe(400);
      expect(response.body.code).toBe('ReservationScopeNotSupported');
    }
  });

  it('need an active Azure plan of this customer: AzurePlanNotActive otherwise', async () => {
    const planless = await aRegisteredCustomer(service, 'planless-reservation');
    const response = await service.call<Problem>('POST', `/api/customers/${planless}/reservations`, {
      as: salesAgent,
      body: aVirtualMachineReservation(planId),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('AzurePlanNotActive');
    expect((await refusedReservation(aVirtualMachineReservation('not-the-plan'))).body.code).toBe(
      'AzurePlanNotActive',
    );
  });

  it('are not sold where Azure reservations are unavailable', async () => {
    // Partner Center creates a customer in Brazil only with its registration number (CNPJ).
    const brazilian = await aRegisteredCustomer(service, 'brazilian', {
      country: 'BR',
      organizationRegistrationNumber: '12.345.678/0001-95',
    });
    const brazilianPlan = await anAzurePlanBought(service, brazilian);
    const response = await service.call<Problem>('POST', `/api/customers/${brazilian}/reservations`, {
      as: salesAgent,
      body: aVirtualMachineReservation(brazilianPlan),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('ReservationNotAvailable');
  });

  it('refuse a term other than P1Y or P3Y, and unknown fields, with InvalidRequest', async () => {
    const badTerm = await refusedReservation({ ...aVirtualMachineReservation(planId), termDuration: 'P2Y' });
    const extra = await refusedReservation({ ...aVirtualMachineReservation(planId), discount: 50 });
    expect(badTerm.body.code).toBe('InvalidRequest');
    expect(badTerm.body.errors).toContainEqual(expect.objectContaining({ pointer: '/termDuration' }));
    expect(extra.status).toBe(400);
  });

  it('return the same order for a repeated Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'reservation-once' };
    const first = await buyReservation(aVirtualMachineReservation(planId), ['SalesAgent'], headers);
    const again = await buyReservation(aVirtualMachineReservation(planId), ['SalesAgent'], headers);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('the OpenAPI document', () => {
  it('describes the subscription, entitlement, reservation, order and transition endpoints with their errors', async () => {
    const response = await service.call<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>('GET', '/api/openapi.json');
    const { paths } = response.body;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/customers/{customerId}/subscriptions',
        '/api/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
        '/api/customers/{customerId}/reservations',
        '/api/customers/{customerId}/orders',
        '/api/customers/{customerId}/azure-plan/transition',
        '/api/transitions/{transitionId}',
      ]),
    );
    expect(Object.keys(paths['/api/customers/{customerId}/reservations']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '422']),
    );
    expect(
      Object.keys(paths['/api/customers/{customerId}/azure-plan/transition']?.post?.responses ?? {}),
    ).toEqual(expect.arrayContaining(['202', '403', '409']));
  });
});
