import { describe, expect, it } from 'vitest';

import { createAzureSubscriptionUseCases } from '../../../shared/commerce/azureSubscriptions';
import { createCustomerHoldings } from '../../../shared/commerce/customerHoldings';
import { createLegacyOrderUseCases } from '../../../shared/commerce/legacyOrders';
import { createReservationUseCases } from '../../../shared/commerce/reservationPurchases';
import { createSubscriptionUpdates } from '../../../shared/commerce/subscriptionUpdates';
import { type SubscriptionAlias } from '../../../shared/gateways/azureResourceManager/createArmGateway';
import { PartnerCenterError } from '../../../shared/gateways/partnerCenter/partnerCenterError';
import { type CartLine, type StepContext } from '../../../shared/gateways/partnerCenter/ports';
import { type Order, type Subscription } from '../../../shared/gateways/partnerCenter/schemas';
import { aCustomer, aLegacySubscription } from '../../support/fixtures';
import { commerceRecords, customerStore, fixedClock, noWait, operationStore } from './commerceFakes';

const planId = 'plan-1';
/** The customer's id at Partner Center: every call to Microsoft names the customer with it, never with `contoso`. */
const pcCustomerId = '7d0c5b8e-2f3a-4c1d-9e6f-0a1b2c3d4e5f';
const linked = aCustomer({ partnerCenterCustomerId: pcCustomerId });
const withPlan = aCustomer({
  partnerCenterCustomerId: pcCustomerId,
  azurePlan: { subscriptionId: planId, orderId: 'order-plan', status: 'active' },
});
/** Partner Center's customer lookup (only customers stored before the link was kept need it). */
const noLookup = { getCustomer: () => Promise.resolve(undefined) };
const planAtPartnerCenter: Subscription = {
  id: planId,
  offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
  status: 'active',
  billingType: 'usage',
  attributes: { etag: 'e1' },
};

function rejected(httpStatus: number, partnerCenterCode: number) {
  return new PartnerCenterError({
    kind: 'Rejected',
    httpStatus,
    partnerCenterCode,
    message: 'refused',
    isRetryable: false,
  });
}

describe('reads of what a customer has', () => {
  it("show Partner Center's state joined with the service's records, and recorded orders Partner Center does not list yet", async () => {
    const records = commerceRecords({
      subscriptions: [aLegacySubscription({ id: 'legacy-1', azureSubscriptionId: 'azure-1' })],
    });
    records.orders.set('order-new', {
      id: 'order-new',
      customerId: 'contoso',
      docType: 'order',
      referenceCustomerId: 'contoso',
      billingCycle: 'monthly',
      lineItems: [{ lineItemNumber: 0, offerId: 'MS-AZR-0145P', subscriptionId: 'legacy-1', quantity: 1 }],
      creationDate: '2026-03-01T09:00:00.000Z',
      status: 'completed',
    });
    const readById: string[] = [];
    const customerIds = new Set<string>();
    const holdings = createCustomerHoldings({
      customers: customerStore(linked),
      records,
      partnerCenter: {
        ...noLookup,
        listSubscriptions: (customerId) => {
          customerIds.add(customerId);
          return Promise.resolve([
            {
              id: 'legacy-1',
              offerId: 'MS-AZR-0145P',
              status: 'Suspended',
              creationDate: '2026-03-01T09:00:00Z',
            },
          ]);
        },
        getSubscription: (customerId) => {
          customerIds.add(customerId);
          return Promise.resolve(undefined);
        },
        listOrders: (customerId) => {
          customerIds.add(customerId);
          return Promise.resolve([]);
        },
        getOrder: (customerId, orderId) => {
          customerIds.add(customerId);
          readById.push(orderId);
          return Promise.resolve<Order>({
            id: orderId,
            status: 'completed',
            lineItems: [{ lineItemNumber: 0, offerId: 'MS-AZR-0145P', subscriptionId: 'legacy-1' }],
          });
        },
        listAzureEntitlements: () => Promise.resolve([]),
      },
    });

    const subscriptions = await holdings.listSubscriptions('contoso', 'corr');
    expect(subscriptions.items).toEqual([
      expect.objectContaining({ id: 'legacy-1', status: 'suspended', azureSubscriptionId: 'azure-1' }),
    ]);
    const orders = await holdings.listOrders('contoso', 'corr');
    expect(readById).toEqual(['order-new']);
    expect(orders.items.map((order) => order.id)).toEqual(['order-new']);
    await expect(holdings.listAzureEntitlements('contoso', 'legacy-1', 'corr')).rejects.toMatchObject({
      code: 'SubscriptionNotFound',
    });
    expect([...customerIds]).toEqual([pcCustomerId]);
  });

  it('link a customer stored before the link was kept when Partner Center knows its id, and refuse one it does not', async () => {
    const guidCustomer = aCustomer({ customerId: pcCustomerId, id: pcCustomerId });
    const customers = customerStore(guidCustomer, aCustomer({ customerId: 'slug', id: 'slug' }));
    const listedFor: string[] = [];
    const holdings = createCustomerHoldings({
      customers,
      records: commerceRecords(),
      partnerCenter: {
        getCustomer: (id) => Promise.resolve(id === pcCustomerId ? { id: pcCustomerId } : undefined),
        listSubscriptions: (customerId) => {
          listedFor.push(customerId);
          return Promise.resolve([]);
        },
        getSubscription: () => Promise.resolve(undefined),
        listOrders: () => Promise.resolve([]),
        getOrder: () => Promise.reject(new Error('not called')),
        listAzureEntitlements: () => Promise.resolve([]),
      },
    });
    await holdings.listSubscriptions(pcCustomerId, 'corr');
    expect(customers.byId.get(pcCustomerId)?.partnerCenterCustomerId).toBe(pcCustomerId);
    await expect(holdings.listSubscriptions('slug', 'corr')).rejects.toMatchObject({
      code: 'CustomerNotLinked',
    });
    expect(listedFor).toEqual([pcCustomerId]);
  });
});

describe('Azure subscriptions under the plan (ARM alias)', () => {
  function armAlias(states: SubscriptionAlias['properties']['provisioningState'][]) {
    const puts: { aliasName: string; stepKey: string }[] = [];
    const customerIds: string[] = [];
    let gets = 0;
    const alias = (state: string): SubscriptionAlias => ({
      name: 'alias',
      properties: { provisioningState: state, subscriptionId: 'azure-sub-9' },
    });
    return {
      puts,
      customerIds,
      port: {
        createSubscriptionAlias: (input: { aliasName: string; customerId: string }, context: StepContext) => {
          customerIds.push(input.customerId);
          puts.push({ aliasName: input.aliasName, stepKey: context.stepKey });
          return Promise.resolve(alias(states[0]!));
        },
        getSubscriptionAlias: () => {
          gets += 1;
          return Promise.resolve(alias(states[Math.min(gets, states.length - 1)]!));
        },
      },
    };
  }

  function useCases(arm: ReturnType<typeof armAlias>, plan: Subscription | undefined = planAtPartnerCenter) {
    const records = commerceRecords();
    const operations = operationStore();
    const cases = createAzureSubscriptionUseCases({
      customers: customerStore(withPlan),
      operations,
      records,
      partnerCenter: {
        ...noLookup,
        getSubscription: (customerId) => {
          arm.customerIds.push(customerId);
          return Promise.resolve(plan);
        },
      },
      subscriptionAliases: arm.port,
      clock: fixedClock,
      wait: noWait(2),
    });
    return { cases, records, operations };
  }

  const start = {
    customerId: 'contoso',
    planSubscriptionId: planId,
    friendlyName: 'Prod',
    correlationId: 'c',
  };

  it('records the subscription when ARM finished within the request', async () => {
    const arm = armAlias(['Accepted', 'Succeeded']);
    const { cases, records } = useCases(arm);
    const operation = await cases.start({ ...start, operationId: 'op-1' });
    expect(operation).toMatchObject({ status: 'succeeded', result: { entitlementId: 'azure-sub-9' } });
    expect(arm.puts).toEqual([{ aliasName: 'op-1', stepKey: 'azureSubscription:op-1:alias' }]);
    // The plan is read and the billing scope named with Partner Center's customer id.
    expect(arm.customerIds).toEqual([pcCustomerId, pcCustomerId]);
    expect(records.entitlements.get('azure-sub-9')).toMatchObject({
      subscriptionId: planId,
      friendlyName: 'Prod',
    });
  });

  it('stays running while ARM says Accepted, and a later step finishes it without a second PUT', async () => {
    const arm = armAlias(['Accepted', 'Accepted', 'Succeeded']);
    const { cases, records, operations } = useCases(arm);
    const running = await cases.start({ ...start, operationId: 'op-2' });
    expect(running.status).toBe('running');
    expect(records.entitlements.size).toBe(0);
    const done = await cases.advance((await operations.get('contoso', 'op-2'))!);
    expect(done.status).toBe('succeeded');
    expect(arm.puts).toHaveLength(1);
  });

  it('refuses a plan Partner Center does not show active: AzurePlanNotActive, nothing created', async () => {
    const arm = armAlias(['Succeeded']);
    const { cases } = useCases(arm, { ...planAtPartnerCenter, status: 'suspended' });
    await expect(cases.start({ ...start, operationId: 'op-3' })).rejects.toMatchObject({
      code: 'AzurePlanNotActive',
    });
    expect(arm.puts).toHaveLength(0);
  });
});

describe('reservations', () => {
  const request = {
    azurePlanSubscriptionId: planId,
    productId: 'DZH318Z0BQ3Q',
    skuId: '0001',
    reservationType: 'VirtualMachines',
    region: 'westeurope',
    quantity: 2,
    termDuration: 'P3Y' as const,
    billingCycle: 'monthly' as const,
  };

  function partnerCenter() {
    const calls: string[] = [];
    const carts: CartLine[][] = [];
    const customerIds = new Set<string>();
    const pc = {
      ...noLookup,
      calls,
      carts,
      customerIds,
      registration: 'notregistered',
      orderStatus: 'pending',
      staleOnce: false,
      registerSubscription: (customerId: string) => {
        customerIds.add(customerId);
        calls.push('register');
        pc.registration = 'registering';
        return Promise.resolve();
      },
      getRegistrationStatus: () => Promise.resolve(pc.registration),
      getAvailability: () =>
        Promise.resolve({
          id: 'AV',
          productId: 'DZH318Z0BQ3Q',
          skuId: '0001',
          catalogItemId: `DZH318Z0BQ3Q:0001:AV${carts.length}`,
        }),
      createCart: (customerId: string, lines: CartLine[]) => {
        customerIds.add(customerId);
        carts.push(lines);
        calls.push('cart');
        return Promise.resolve({ id: `cart-${carts.length}`, lineItems: [] });
      },
      checkout: (customerId: string, cartId: string) => {
        customerIds.add(customerId);
        calls.push(`checkout ${cartId}`);
        if (pc.staleOnce) {
          pc.staleOnce = false;
          return Promise.reject(rejected(400, 400019));
        }
        return Promise.resolve({
          orders: [{ id: 'order-r', status: 'pending', lineItems: [] }],
          orderErrors: [],
        });
      },
      getOrder: () =>
        Promise.resolve<Order>({
          id: 'order-r',
          status: pc.orderStatus,
          lineItems: [
            {
              lineItemNumber: 0,
              offerId: 'DZH318Z0BQ3Q:0001:AV',
              subscriptionId: pc.orderStatus === 'completed' ? 'reservation-sub' : null,
            },
          ],
        }),
    };
    return pc;
  }

  function useCases(pc: ReturnType<typeof partnerCenter>) {
    const records = commerceRecords();
    const operations = operationStore();
    const cases = createReservationUseCases({
      customers: customerStore(withPlan),
      operations,
      records,
      partnerCenter: pc,
      reservationsUnavailable: new Set(),
      clock: fixedClock,
      wait: noWait(1),
    });
    return { cases, records, operations };
  }

  it('registers the plan first, then orders with the shared provisioning context, then records the provisioned order', async () => {
    const pc = partnerCenter();
    const { cases, records, operations } = useCases(pc);
    let operation = await cases.start({
      customerId: 'contoso',
      request,
      operationId: 'op-r',
      correlationId: 'c',
    });
    expect(operation.status).toBe('running');
    expect(pc.calls).toEqual(['register']);

    operation = await cases.advance(operation);
    expect(pc.calls).toEqual(['register']);

    pc.registration = 'registered';
    operation = await cases.advance(operation);
    expect(pc.calls).toEqual(['register', 'cart', 'checkout cart-1']);
    expect(pc.carts[0]).toEqual([
      expect.objectContaining({
        quantity: 2,
        termDuration: 'P3Y',
        provisioningContext: { subscriptionId: planId, scope: 'shared', duration: '3Year' },
      }),
    ]);
    expect(operation).toMatchObject({
      status: 'running',
      progress: { cartId: 'cart-1', orderId: 'order-r' },
    });
    expect(records.orders.size).toBe(0);

    pc.orderStatus = 'completed';
    operation = await cases.advance((await operations.get('contoso', 'op-r'))!);
    expect(operation).toMatchObject({ status: 'succeeded', result: { orderId: 'order-r' } });
    expect(records.orders.get('order-r')?.lineItems[0]).toMatchObject({
      subscriptionId: 'reservation-sub',
      provisioningContext: { scope: 'shared', duration: '3Year' },
    });
    expect(pc.calls.filter((call) => call.startsWith('checkout'))).toHaveLength(1);
    expect([...pc.customerIds]).toEqual([pcCustomerId]);
  });

  it('builds the cart again when its availability went stale (400019)', async () => {
    const pc = partnerCenter();
    pc.registration = 'registered';
    pc.staleOnce = true;
    const { cases } = useCases(pc);
    let operation = await cases.start({
      customerId: 'contoso',
      request,
      operationId: 'op-s',
      correlationId: 'c',
    });
    expect(operation.progress.cartId).toBeUndefined();
    operation = await cases.advance(operation);
    expect(pc.calls).toEqual(['cart', 'checkout cart-1', 'cart', 'checkout cart-2']);
    expect(operation.progress.orderId).toBe('order-r');
  });

  it('refuses another scope before calling Microsoft', async () => {
    const pc = partnerCenter();
    const { cases } = useCases(pc);
    await expect(
      cases.start({
        customerId: 'contoso',
        request: { ...request, scope: 'single' },
        operationId: 'x',
        correlationId: 'c',
      }),
    ).rejects.toMatchObject({ code: 'ReservationScopeNotSupported' });
    expect(pc.calls).toEqual([]);
  });
});

describe('Microsoft Azure (0145P) orders', () => {
  function useCases(customer = linked) {
    const calls: string[] = [];
    const customerIds = new Set<string>();
    const records = commerceRecords();
    const cases = createLegacyOrderUseCases({
      customers: customerStore(customer),
      operations: operationStore(),
      records,
      partnerCenter: {
        ...noLookup,
        createCart: (c, lines) => {
          customerIds.add(c);
          calls.push(`cart ${lines.map((line) => line.catalogItemId).join(',')}`);
          return Promise.resolve({ id: 'cart-l', lineItems: [] });
        },
        checkout: (c) => {
          customerIds.add(c);
          calls.push('checkout');
          return Promise.resolve({
            orders: [{ id: 'order-l', status: 'completed', lineItems: [] }],
            orderErrors: [],
          });
        },
        getOrder: (c) => {
          customerIds.add(c);
          return Promise.resolve<Order>({
            id: 'order-l',
            status: 'completed',
            lineItems: [
              { lineItemNumber: 0, offerId: 'MS-AZR-0145P', subscriptionId: 'pc-sub-a' },
              { lineItemNumber: 1, offerId: 'MS-AZR-0145P', subscriptionId: 'pc-sub-b' },
            ],
          });
        },
      },
      clock: fixedClock,
      wait: noWait(1),
    });
    return { cases, calls, records, customerIds };
  }

  const request = {
    lineItems: [
      { offerId: 'MS-AZR-0145P' as const, quantity: 1 as const, friendlyName: 'A' },
      { offerId: 'MS-AZR-0145P' as const, quantity: 1 as const, friendlyName: 'B' },
    ],
  };

  it("are bought through a Partner Center cart and recorded with Partner Center's subscription ids", async () => {
    const { cases, calls, records, customerIds } = useCases();
    const operation = await cases.start({
      customerId: 'contoso',
      request,
      operationId: 'op-l',
      correlationId: 'c',
    });
    expect(operation).toMatchObject({ status: 'succeeded', result: { orderId: 'order-l' } });
    expect(calls).toEqual(['cart MS-AZR-0145P,MS-AZR-0145P', 'checkout']);
    expect([...records.subscriptions.keys()]).toEqual(['pc-sub-a', 'pc-sub-b']);
    expect(records.subscriptions.get('pc-sub-b')).toMatchObject({ friendlyName: 'B', status: 'active' });
    expect([...customerIds]).toEqual([pcCustomerId]);
  });

  it('are refused once the customer has an Azure plan, before Partner Center is called', async () => {
    const { cases, calls } = useCases(withPlan);
    await expect(
      cases.start({ customerId: 'contoso', request, operationId: 'op-x', correlationId: 'c' }),
    ).rejects.toMatchObject({ code: 'LegacyOfferNotEligibleForPurchase' });
    expect(calls).toEqual([]);
  });
});

describe('subscription updates (PATCH with If-Match)', () => {
  function partnerCenter(failures: PartnerCenterError[]) {
    let version = 1;
    const sent: { etag: string | undefined; status: string; customerId: string }[] = [];
    return {
      ...noLookup,
      sent,
      getSubscription: () =>
        Promise.resolve<Subscription>({
          id: 'legacy-1',
          offerId: 'MS-AZR-0145P',
          status: 'active',
          friendlyName: 'Production',
          attributes: { etag: `etag-${version}` },
        }),
      updateSubscription: (customerId: string, subscription: Subscription) => {
        sent.push({ etag: subscription.attributes?.etag, status: subscription.status, customerId });
        const failure = failures.shift();
        if (failure) {
          version += 1;
          return Promise.reject(failure);
        }
        return Promise.resolve({ ...subscription, attributes: { etag: `etag-${version + 1}` } });
      },
    };
  }

  it('reads again and repeats when the ETag was stale (412), and the record follows', async () => {
    const pc = partnerCenter([rejected(412, 0)]);
    const records = commerceRecords({ subscriptions: [aLegacySubscription({ id: 'legacy-1' })] });
    const updates = createSubscriptionUpdates({
      customers: customerStore(linked),
      records,
      partnerCenter: pc,
    });
    const updated = await updates.update({
      customerId: 'contoso',
      subscriptionId: 'legacy-1',
      update: { status: 'suspended' },
      correlationId: 'c',
    });
    expect(updated.status).toBe('suspended');
    expect(pc.sent).toEqual([
      { etag: 'etag-1', status: 'suspended', customerId: pcCustomerId },
      { etag: 'etag-2', status: 'suspended', customerId: pcCustomerId },
    ]);
    expect(records.subscriptions.get('legacy-1')?.status).toBe('suspended');
  });

  it("passes Partner Center's refusal on with its number (900115)", async () => {
    const pc = partnerCenter([rejected(403, 900115)]);
    const updates = createSubscriptionUpdates({
      customers: customerStore(linked),
      records: commerceRecords(),
      partnerCenter: pc,
    });
    await expect(
      updates.update({
        customerId: 'contoso',
        subscriptionId: 'legacy-1',
        update: { status: 'suspended' },
        correlationId: 'c',
      }),
    ).rejects.toMatchObject({ code: 'PartnerCenterRejected', partnerCenterCode: 900115 });
  });
});
