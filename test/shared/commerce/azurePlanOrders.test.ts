import { type ItemDefinition } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type AzurePlanOrderRequest,
  findAzurePlanOrder,
  placeAzurePlanOrder,
} from '../../../shared/commerce/azurePlanOrders';
import { createCustomerRepository } from '../../../shared/customers/customerRepository';
import { type CustomerDocument } from '../../../shared/domain/documents/documents';
import { AppError } from '../../../shared/domain/errors';
import { newPartnerAttestation } from '../../../shared/domain/rules/mcaAgreement';
import { aCustomer } from '../../support/fixtures';
import { type LocalCosmos, startLocalCosmos } from '../../support/localCosmos';

let cosmos: LocalCosmos;
let customerCount = 0;
const now = new Date('2026-03-01T12:00:00.000Z');

beforeAll(async () => {
  cosmos = await startLocalCosmos('azure-plan-orders-test');
});

afterAll(async () => {
  await cosmos.stop();
});

/** A customer in the store that holds its work in progress for `purchaseId`. */
async function aStoredCustomerBuying(
  purchaseId: string,
  overrides: Partial<CustomerDocument> = {},
): Promise<CustomerDocument> {
  customerCount += 1;
  const customerId = `customer-${customerCount}`;
  const created = await createCustomerRepository(cosmos.containers.customers).create(
    aCustomer({
      id: customerId,
      customerId,
      workInProgress: { kind: 'purchase', id: purchaseId, startedAt: now.toISOString() },
      ...overrides,
    }),
  );
  if (created === 'exists') throw new Error('fixture customer exists');
  return created;
}

function anOrderRequest(customerId: string, purchaseId: string, suffix = purchaseId): AzurePlanOrderRequest {
  return {
    customerId,
    workInProgressId: purchaseId,
    orderId: `order-${suffix}`,
    subscriptionId: `subscription-${suffix}`,
    entitlementId: `entitlement-${suffix}`,
    correlationId: `correlation-${suffix}`,
    now,
  };
}

async function documentsOf(customerId: string): Promise<{ id: string; docType: string }[]> {
  const { resources } = await cosmos.containers.customers.items
    .query<{ id: string; docType: string }>(
      {
        query: 'SELECT c.id, c.docType FROM c WHERE c.customerId = @customerId',
        parameters: [{ name: '@customerId', value: customerId }],
      },
      { partitionKey: customerId },
    )
    .fetchAll();
  return resources;
}

function countByType(documents: { docType: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const document of documents) counts[document.docType] = (counts[document.docType] ?? 0) + 1;
  return counts;
}

describe('placeAzurePlanOrder', () => {
  it('writes the order, the usage-based plan, its first Azure entitlement and the customer summary together', async () => {
    const customer = await aStoredCustomerBuying('purchase-a');

    const placed = await placeAzurePlanOrder(
      cosmos.containers.customers,
      anOrderRequest(customer.customerId, 'purchase-a'),
    );

    expect(placed).toEqual({
      orderId: 'order-purchase-a',
      subscriptionId: 'subscription-purchase-a',
      entitlementId: 'entitlement-purchase-a',
      alreadyPlaced: false,
    });
    const container = cosmos.containers.customers;
    const { resource: order } = await container
      .item('order-purchase-a', customer.customerId)
      .read<ItemDefinition>();
    expect(order).toMatchObject({
      docType: 'order',
      billingCycle: 'one_time',
      status: 'completed',
      lineItems: [{ offerId: 'DZH318Z0BPS6:0001', quantity: 1, subscriptionId: 'subscription-purchase-a' }],
      correlationId: 'correlation-purchase-a',
    });
    const { resource: subscription } = await container
      .item('subscription-purchase-a', customer.customerId)
      .read<ItemDefinition>();
    expect(subscription).toMatchObject({
      offerName: 'Microsoft Azure plan',
      billingType: 'usage',
      unitType: 'Usage-based',
      status: 'active',
      orderId: 'order-purchase-a',
    });
    const { resource: entitlement } = await container
      .item('entitlement-purchase-a', customer.customerId)
      .read<ItemDefinition>();
    expect(entitlement).toMatchObject({ subscriptionId: 'subscription-purchase-a', status: 'active' });
    const stored = await createCustomerRepository(container).get(customer.customerId);
    expect(stored?.azurePlan).toEqual({
      subscriptionId: 'subscription-purchase-a',
      orderId: 'order-purchase-a',
      status: 'active',
    });
    expect(stored?.workInProgress).toBeNull();
  });

  it('returns the same ids without writing twice when the same purchase retries', async () => {
    const customer = await aStoredCustomerBuying('purchase-b');
    const request = anOrderRequest(customer.customerId, 'purchase-b');
    await placeAzurePlanOrder(cosmos.containers.customers, request);
    const before = await documentsOf(customer.customerId);

    const retried = await placeAzurePlanOrder(cosmos.containers.customers, request);

    expect(retried).toMatchObject({ orderId: 'order-purchase-b', alreadyPlaced: true });
    expect(await documentsOf(customer.customerId)).toHaveLength(before.length);
  });

  it('refuses a second Azure plan from another purchase and writes none of its documents', async () => {
    const customer = await aStoredCustomerBuying('purchase-c');
    await placeAzurePlanOrder(cosmos.containers.customers, anOrderRequest(customer.customerId, 'purchase-c'));

    const second = placeAzurePlanOrder(
      cosmos.containers.customers,
      anOrderRequest(customer.customerId, 'purchase-d'),
    );

    await expect(second).rejects.toMatchObject({ code: 'AzurePlanAlreadyExists' });
    await expect(second).rejects.toBeInstanceOf(AppError);
    const ids = (await documentsOf(customer.customerId)).map((document) => document.id);
    expect(ids.filter((id) => id.endsWith('purchase-d'))).toEqual([]);
  });

  it("settles on the plan the reconciliation recorded for the purchase's own order, and frees the customer", async () => {
    const customer = await aStoredCustomerBuying('purchase-e');
    const order = anOrderRequest(customer.customerId, 'purchase-e');
    await placeAzurePlanOrder(cosmos.containers.customers, {
      ...order,
      workInProgressId: `reconciliation:${order.orderId}`,
      mcaConfirmedByPartnerCenter: true,
      releaseWorkInProgress: false,
    });

    const placed = await placeAzurePlanOrder(cosmos.containers.customers, order);

    expect(placed).toMatchObject({
      orderId: order.orderId,
      subscriptionId: order.subscriptionId,
      alreadyPlaced: true,
    });
    const stored = await createCustomerRepository(cosmos.containers.customers).get(customer.customerId);
    expect(stored?.azurePlan?.subscriptionId).toBe(order.subscriptionId);
    expect(stored?.workInProgress).toBeNull();
  });

  it('refuses a purchase whose order differs from the plan the reconciliation recorded', async () => {
    const customer = await aStoredCustomerBuying('purchase-f');
    await placeAzurePlanOrder(cosmos.containers.customers, {
      ...anOrderRequest(customer.customerId, 'reconciliation:order-bought-elsewhere', 'bought-elsewhere'),
      mcaConfirmedByPartnerCenter: true,
      releaseWorkInProgress: false,
    });

    const placed = placeAzurePlanOrder(
      cosmos.containers.customers,
      anOrderRequest(customer.customerId, 'purchase-f'),
    );

    await expect(placed).rejects.toMatchObject({ code: 'AzurePlanAlreadyExists' });
  });

  it('places exactly one plan when twenty purchases of one customer race', async () => {
    const customer = await aStoredCustomerBuying('purchase-race-0');
    const attempts = Array.from({ length: 20 }, (_, index) =>
      placeAzurePlanOrder(
        cosmos.containers.customers,
        anOrderRequest(customer.customerId, `purchase-race-${index}`),
      ).then(
        () => 'placed',
        (error: unknown) => (error instanceof AppError ? error.code : 'crashed'),
      ),
    );

    const outcomes = await Promise.all(attempts);

    expect(outcomes.filter((outcome) => outcome === 'placed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'AzurePlanAlreadyExists')).toHaveLength(19);
    const counts = countByType(await documentsOf(customer.customerId));
    expect(counts).toMatchObject({ azurePlanMarker: 1, order: 1, subscription: 1, azureEntitlement: 1 });
  });

  it('still writes the summary when the customer changed after the snapshot the caller passed', async () => {
    const customer = await aStoredCustomerBuying('purchase-e');
    const repository = createCustomerRepository(cosmos.containers.customers);
    const renamed = await repository.replace({ ...customer, companyName: 'Renamed Ltd' });
    expect(renamed).not.toBe('changed');

    const placed = await placeAzurePlanOrder(cosmos.containers.customers, {
      ...anOrderRequest(customer.customerId, 'purchase-e'),
      customerSnapshot: customer,
    });

    expect(placed.orderId).toBe('order-purchase-e');
    const stored = await repository.get(customer.customerId);
    expect(stored).toMatchObject({ companyName: 'Renamed Ltd', workInProgress: null });
    expect(stored?.azurePlan?.subscriptionId).toBe('subscription-purchase-e');
    expect(countByType(await documentsOf(customer.customerId))).toMatchObject({ order: 1, subscription: 1 });
  });

  it('records an attestation given with the purchase in the same write, and accepts a known contact again', async () => {
    const customer = await aStoredCustomerBuying('purchase-f', { mca: { accepted: false } });
    const agreement = newPartnerAttestation({
      customerId: customer.customerId,
      primaryContact: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.example' },
      dateAgreed: '2026-02-27T00:00:00.000Z',
      userId: 'partner-user-1',
      correlationId: 'correlation-f',
      now,
    });
    await cosmos.containers.customers.items.create(agreement);

    await placeAzurePlanOrder(cosmos.containers.customers, {
      ...anOrderRequest(customer.customerId, 'purchase-f'),
      agreement,
    });

    const stored = await createCustomerRepository(cosmos.containers.customers).get(customer.customerId);
    expect(stored?.mca).toEqual({
      accepted: true,
      agreementId: agreement.id,
      dateAgreed: agreement.dateAgreed,
    });
    expect(countByType(await documentsOf(customer.customerId)).agreement).toBe(1);
  });

  it('refuses with McaNotAccepted, writing nothing, when the stored customer has not accepted the MCA', async () => {
    const customer = await aStoredCustomerBuying('purchase-h', { mca: { accepted: false } });

    await expect(
      placeAzurePlanOrder(cosmos.containers.customers, anOrderRequest(customer.customerId, 'purchase-h')),
    ).rejects.toMatchObject({ code: 'McaNotAccepted' });
    // The transition's plan order (it keeps the work in progress) is refused the same way.
    await expect(
      placeAzurePlanOrder(cosmos.containers.customers, {
        ...anOrderRequest(customer.customerId, 'purchase-h'),
        releaseWorkInProgress: false,
      }),
    ).rejects.toMatchObject({ code: 'McaNotAccepted' });

    expect(countByType(await documentsOf(customer.customerId))).toEqual({ customer: 1 });
  });

  it('trusts the stored customer over a snapshot taken before the customer accepted the MCA', async () => {
    const unsigned = await aStoredCustomerBuying('purchase-i', { mca: { accepted: false } });
    const repository = createCustomerRepository(cosmos.containers.customers);
    const signed = await repository.replace({
      ...unsigned,
      mca: { accepted: true, agreementId: 'agreement-i', dateAgreed: now.toISOString() },
    });
    expect(signed).not.toBe('changed');

    const placed = await placeAzurePlanOrder(cosmos.containers.customers, {
      ...anOrderRequest(unsigned.customerId, 'purchase-i'),
      customerSnapshot: unsigned,
    });

    expect(placed).toMatchObject({ orderId: 'order-purchase-i', alreadyPlaced: false });
    expect((await repository.get(unsigned.customerId))?.azurePlan?.subscriptionId).toBe(
      'subscription-purchase-i',
    );
  });

  it('answers CustomerNotFound for a customer that does not exist', async () => {
    await expect(
      placeAzurePlanOrder(cosmos.containers.customers, anOrderRequest('nobody', 'purchase-g')),
    ).rejects.toMatchObject({ code: 'CustomerNotFound' });
  });
});

describe('findAzurePlanOrder', () => {
  it('finds the order a purchase placed, and nothing for another purchase or a customer without a plan', async () => {
    const customer = await aStoredCustomerBuying('purchase-j');
    expect(
      await findAzurePlanOrder(cosmos.containers.customers, customer.customerId, 'purchase-j'),
    ).toBeUndefined();

    await placeAzurePlanOrder(cosmos.containers.customers, anOrderRequest(customer.customerId, 'purchase-j'));

    expect(await findAzurePlanOrder(cosmos.containers.customers, customer.customerId, 'purchase-j')).toEqual({
      orderId: 'order-purchase-j',
      subscriptionId: 'subscription-purchase-j',
      entitlementId: 'entitlement-purchase-j',
    });
    expect(
      await findAzurePlanOrder(cosmos.containers.customers, customer.customerId, 'purchase-other'),
    ).toBeUndefined();
  });
});
