import { type ItemDefinition } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type CommerceRepository,
  createCommerceRepository,
} from '../../../shared/commerce/commerceRepository';
import {
  customerDocumentSchema,
  entitlementDocumentSchema,
} from '../../../shared/domain/documents/documents';
import { legacyOrder } from '../../../shared/domain/rules/legacyOffer';
import { aCustomer, aLegacySubscription, anAzurePlanSubscription } from '../../support/fixtures';
import { type LocalCosmos, startLocalCosmos } from '../../support/localCosmos';

let cosmos: LocalCosmos;
let repository: CommerceRepository;
let customerSequence = 0;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  repository = createCommerceRepository(cosmos.containers.customers);
});

afterAll(async () => {
  await cosmos.stop();
});

/** A customer of its own for each test, stored. */
async function aStoredCustomer() {
  customerSequence += 1;
  const customer = aCustomer({
    id: `customer-${customerSequence}`,
    customerId: `customer-${customerSequence}`,
  });
  await cosmos.containers.customers.items.create(customer);
  return readCustomer(customer.customerId);
}

async function readCustomer(customerId: string) {
  const { resource } = await cosmos.containers.customers.item(customerId, customerId).read<ItemDefinition>();
  return customerDocumentSchema.parse(resource);
}

async function countDocuments(customerId: string, docType: string): Promise<number> {
  const { resources } = await cosmos.containers.customers.items
    .query<number>({
      query: 'SELECT VALUE COUNT(1) FROM c WHERE c.customerId = @customerId AND c.docType = @docType',
      parameters: [
        { name: '@customerId', value: customerId },
        { name: '@docType', value: docType },
      ],
    })
    .fetchAll();
  return resources[0] ?? 0;
}

function aLegacyOrderFor(customer: Awaited<ReturnType<typeof readCustomer>>, suffix: string) {
  return legacyOrder({
    customer,
    request: { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1 }] },
    orderId: `order-${suffix}`,
    lines: [{ subscriptionId: `legacy-${suffix}`, azureSubscriptionId: `azure-${suffix}` }],
    correlationId: 'corr',
    now: new Date('2026-02-01T00:00:00Z'),
  });
}

describe('the commerce repository', () => {
  it('places a 0145P order with its subscription and grows the customer legacy summary', async () => {
    const customer = await aStoredCustomer();
    const outcome = await repository.placeLegacyOrder(aLegacyOrderFor(customer, 'a'));
    expect(outcome).toBe('placed');
    expect((await readCustomer(customer.customerId)).legacySubscriptionIds).toEqual(['legacy-a']);
    expect((await repository.listOrders(customer.customerId)).map((order) => order.id)).toEqual(['order-a']);
    expect(
      (await repository.listSubscriptions(customer.customerId)).map((s) => s.azureSubscriptionId),
    ).toEqual(['azure-a']);
  });

  it('writes nothing of a 0145P order when the customer changed since it was read', async () => {
    const customer = await aStoredCustomer();
    await cosmos.containers.customers.item(customer.id, customer.customerId).patch([
      {
        op: 'set',
        path: '/workInProgress',
        value: { kind: 'purchase', id: 'p', startedAt: '2026-02-01T00:00:00Z' },
      },
    ]);
    const outcome = await repository.placeLegacyOrder(aLegacyOrderFor(customer, 'b'));
    expect(outcome).toBe('customerChanged');
    expect(await countDocuments(customer.customerId, 'order')).toBe(0);
    expect(await countDocuments(customer.customerId, 'subscription')).toBe(0);
    expect((await readCustomer(customer.customerId)).legacySubscriptionIds).toEqual([]);
  });

  it('lists subscriptions oldest first and leaves other documents out', async () => {
    const { customerId } = await aStoredCustomer();
    const later = anAzurePlanSubscription({ customerId, creationDate: '2026-03-01T00:00:00.000Z' });
    const earlier = aLegacySubscription({ customerId, creationDate: '2026-01-01T00:00:00.000Z' });
    await cosmos.containers.customers.items.create(later);
    await cosmos.containers.customers.items.create(earlier);
    expect((await repository.listSubscriptions(customerId)).map((s) => s.id)).toEqual([earlier.id, later.id]);
    expect(await repository.readSubscription(customerId, customerId)).toBeUndefined();
    expect(await repository.readSubscription(customerId, 'no-such-subscription')).toBeUndefined();
  });

  it('moves an Azure subscription under the plan once, however often it is asked', async () => {
    const { customerId } = await aStoredCustomer();
    const move = {
      customerId,
      azureSubscriptionId: 'azure-moved',
      sourceSubscriptionId: 'legacy-1',
      friendlyName: 'Production',
      planSubscriptionId: 'plan-1',
      correlationId: 'corr',
      now: new Date('2026-02-01T00:00:00Z'),
    };
    expect(await repository.moveAzureSubscriptionUnderPlan(move)).toEqual({
      entitlementId: 'azure-moved',
      created: true,
    });
    expect(await repository.moveAzureSubscriptionUnderPlan(move)).toEqual({
      entitlementId: 'azure-moved',
      created: false,
    });
    const entitlements = await repository.listEntitlements(customerId, 'plan-1');
    expect(entitlements.map((e) => [e.id, e.movedFromSubscriptionId])).toEqual([['azure-moved', 'legacy-1']]);
    expect(await repository.listEntitlements(customerId, 'another-plan')).toEqual([]);
  });

  it('counts an entitlement already under the plan as moved and refuses one under another plan', async () => {
    const { customerId } = await aStoredCustomer();
    const underThisPlan = entitlementDocumentSchema.parse({
      id: 'azure-first',
      customerId,
      docType: 'azureEntitlement',
      friendlyName: 'First',
      status: 'active',
      subscriptionId: 'plan-1',
      createdAt: '2026-02-01T00:00:00.000Z',
    });
    await repository.createEntitlement(underThisPlan);
    await repository.createEntitlement({ ...underThisPlan, id: 'azure-elsewhere', subscriptionId: 'plan-0' });
    const move = {
      customerId,
      sourceSubscriptionId: 'legacy-1',
      friendlyName: 'Production',
      planSubscriptionId: 'plan-1',
      correlationId: 'corr',
      now: new Date('2026-02-01T00:00:00Z'),
    };
    expect(
      await repository.moveAzureSubscriptionUnderPlan({ ...move, azureSubscriptionId: 'azure-first' }),
    ).toEqual({
      entitlementId: 'azure-first',
      created: false,
    });
    expect((await repository.listEntitlements(customerId, 'plan-1'))[0]?.movedFromSubscriptionId).toBe(
      'legacy-1',
    );
    await expect(
      repository.moveAzureSubscriptionUnderPlan({ ...move, azureSubscriptionId: 'azure-elsewhere' }),
    ).rejects.toThrow(/already under another plan/);
  });

  it('suspends a legacy subscription and links it to its entitlement, idempotently', async () => {
    const { customerId } = await aStoredCustomer();
    await cosmos.containers.customers.items.create(aLegacySubscription({ customerId, id: 'legacy-9' }));
    const suspension = { customerId, subscriptionId: 'legacy-9', entitlementId: 'azure-9' };
    await repository.suspendLegacySubscription(suspension);
    await repository.suspendLegacySubscription(suspension);
    expect(await repository.readSubscription(customerId, 'legacy-9')).toMatchObject({
      status: 'suspended',
      transitionedToEntitlementId: 'azure-9',
    });
  });

  it('places a reservation order with its subscription', async () => {
    const { customerId } = await aStoredCustomer();
    await repository.placeReservationOrder(
      {
        id: 'reservation-order',
        customerId,
        docType: 'order',
        referenceCustomerId: customerId,
        billingCycle: 'one_time',
        lineItems: [
          { lineItemNumber: 0, offerId: 'DZH318Z0BQ3Q:0001', subscriptionId: 'reservation-1', quantity: 1 },
        ],
        creationDate: '2026-02-01T00:00:00.000Z',
        status: 'completed',
      },
      anAzurePlanSubscription({ customerId, id: 'reservation-1', orderId: 'reservation-order' }),
    );
    expect((await repository.readSubscription(customerId, 'reservation-1'))?.orderId).toBe(
      'reservation-order',
    );
  });
});
