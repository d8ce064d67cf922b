import { describe, expect, it } from 'vitest';

import {
  legacyOrderRequestSchema,
  legacySubscriptionUpdateSchema,
} from '../../../../shared/domain/api/legacyOffer';
import {
  assertLegacyOfferPurchasable,
  legacyOrder,
  updatedLegacySubscription,
} from '../../../../shared/domain/rules/legacyOffer';
import { aCustomer, aLegacySubscription, anAzurePlanSubscription } from '../../../support/fixtures';
import { refusalCode } from '../../../support/refusalCode';

describe('Microsoft Azure (0145P) orders', () => {
  it('may be placed for a customer without an Azure plan and nothing running', () => {
    expect(refusalCode(() => assertLegacyOfferPurchasable(aCustomer()))).toBeUndefined();
  });

  it('are refused with LegacyOfferNotEligibleForPurchase once the customer has an Azure plan', () => {
    const customer = aCustomer({ azurePlan: { subscriptionId: 'plan-1', orderId: 'o', status: 'active' } });
    expect(refusalCode(() => assertLegacyOfferPurchasable(customer))).toBe(
      'LegacyOfferNotEligibleForPurchase',
    );
  });

  it('are refused with OrderInProgress while a purchase or transition holds the customer', () => {
    const customer = aCustomer({
      workInProgress: { kind: 'purchase', id: 'purchase-1', startedAt: '2026-01-05T09:00:00.000Z' },
    });
    expect(refusalCode(() => assertLegacyOfferPurchasable(customer))).toBe('OrderInProgress');
  });

  it('accept only the 0145P offer, one per line', () => {
    const valid = { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1 }] };
    expect(legacyOrderRequestSchema.safeParse(valid).success).toBe(true);
    expect(
      legacyOrderRequestSchema.safeParse({ lineItems: [{ offerId: 'MS-AZR-0017G', quantity: 1 }] }).success,
    ).toBe(false);
    expect(
      legacyOrderRequestSchema.safeParse({ lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 2 }] }).success,
    ).toBe(false);
    expect(legacyOrderRequestSchema.safeParse({ lineItems: [] }).success).toBe(false);
  });

  it('create one usage-based subscription per line, each billing its own Azure subscription, listed on the customer', () => {
    const { customer, order, subscriptions } = legacyOrder({
      customer: aCustomer({ legacySubscriptionIds: ['older-legacy'] }),
      request: {
        lineItems: [
          { offerId: 'MS-AZR-0145P', quantity: 1, friendlyName: 'Production' },
          { offerId: 'MS-AZR-0145P', quantity: 1 },
        ],
      },
      orderId: 'order-1',
      lines: [
        { subscriptionId: 'sub-a', azureSubscriptionId: 'azure-a' },
        { subscriptionId: 'sub-b', azureSubscriptionId: 'azure-b' },
      ],
      correlationId: 'corr-1',
      now: new Date('2026-02-01T00:00:00Z'),
    });
    expect(order.lineItems).toEqual([
      { lineItemNumber: 0, offerId: 'MS-AZR-0145P', subscriptionId: 'sub-a', quantity: 1 },
      { lineItemNumber: 1, offerId: 'MS-AZR-0145P', subscriptionId: 'sub-b', quantity: 1 },
    ]);
    expect(
      subscriptions.map((s) => [s.id, s.azureSubscriptionId, s.friendlyName, s.billingType, s.orderId]),
    ).toEqual([
      ['sub-a', 'azure-a', 'Production', 'usage', 'order-1'],
      ['sub-b', 'azure-b', 'Microsoft Azure (0145P)', 'usage', 'order-1'],
    ]);
    expect(customer.legacySubscriptionIds).toEqual(['older-legacy', 'sub-a', 'sub-b']);
  });
});

describe('updating a 0145P subscription', () => {
  it('suspends, reactivates and renames it', () => {
    const suspended = updatedLegacySubscription(aCustomer(), aLegacySubscription(), { status: 'suspended' });
    expect(suspended.status).toBe('suspended');
    const reactivated = updatedLegacySubscription(aCustomer(), suspended, {
      status: 'active',
      friendlyName: 'Prod',
    });
    expect(reactivated).toMatchObject({ status: 'active', friendlyName: 'Prod' });
  });

  it('does not reactivate one once the customer has an Azure plan', () => {
    const customer = aCustomer({ azurePlan: { subscriptionId: 'plan-1', orderId: 'o', status: 'active' } });
    const suspended = aLegacySubscription({ status: 'suspended' });
    expect(refusalCode(() => updatedLegacySubscription(customer, suspended, { status: 'active' }))).toBe(
      'LegacyOfferNotEligibleForPurchase',
    );
  });

  it('leaves other subscriptions alone', () => {
    expect(
      refusalCode(() =>
        updatedLegacySubscription(aCustomer(), anAzurePlanSubscription(), { status: 'suspended' }),
      ),
    ).toBe('InvalidRequest');
  });

  it('needs something to change', () => {
    expect(legacySubscriptionUpdateSchema.safeParse({}).success).toBe(false);
  });
});
