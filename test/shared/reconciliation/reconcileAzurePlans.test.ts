import { describe, expect, it } from 'vitest';

import { type AzurePlanOrderRequest } from '../../../shared/commerce/azurePlanOrders';
import {
  type AzurePlanReconciliationDependencies,
  reconcileAzurePlans,
} from '../../../shared/reconciliation/reconcileAzurePlans';
import { aCustomer } from '../../support/fixtures';
import { createInMemoryCustomerRepository } from '../../support/inMemory/inMemoryRepositories';

const planOffer = 'DZH318Z0BPS6:0001:DZH318Z0BML6';
const now = new Date('2026-03-01T00:00:00Z');
const quiet = { log: () => undefined, warn: () => undefined };

/** Partner Center as the reconciliation reads it: per Partner Center customer id, its plan (or order) and entitlements. */
function partnerCenterWith(
  holdings: Record<string, { orderId: string; planId?: string; entitlements?: string[]; status?: string }>,
): AzurePlanReconciliationDependencies['partnerCenter'] {
  return {
    listSubscriptions: (pcId) => {
      const held = holdings[pcId];
      return Promise.resolve(
        held?.planId
          ? [{ id: held.planId, offerId: planOffer, status: 'active', orderId: held.orderId }]
          : [],
      );
    },
    listOrders: (pcId) => {
      const held = holdings[pcId];
      return Promise.resolve(
        held
          ? [
              {
                id: held.orderId,
                status: held.status ?? 'pending',
                lineItems: [{ lineItemNumber: 0, offerId: planOffer }],
              },
            ]
          : [],
      );
    },
    listAzureEntitlements: (pcId) =>
      Promise.resolve((holdings[pcId]?.entitlements ?? []).map((id) => ({ id, status: 'active' }))),
  };
}

describe('the reconciliation compares each customer’s Azure plan at Partner Center with our records', () => {
  it('records a provisioned plan we did not know, reports what it does not change, leaves running work alone', async () => {
    const customers = createInMemoryCustomerRepository();
    const plan = { subscriptionId: 'plan-ours', orderId: 'order-ours', status: 'active' as const };
    await customers.create(
      aCustomer({ customerId: 'unrecorded', partnerCenterCustomerId: 'pc-1', azurePlan: null }),
    );
    await customers.create(
      aCustomer({ customerId: 'under-way', partnerCenterCustomerId: 'pc-2', azurePlan: null }),
    );
    await customers.create(
      aCustomer({ customerId: 'gone', partnerCenterCustomerId: 'pc-3', azurePlan: plan }),
    );
    await customers.create(
      aCustomer({ customerId: 'other', partnerCenterCustomerId: 'pc-4', azurePlan: plan }),
    );
    await customers.create(
      aCustomer({ customerId: 'agrees', partnerCenterCustomerId: 'pc-5', azurePlan: plan }),
    );
    await customers.create(
      aCustomer({
        customerId: 'running',
        partnerCenterCustomerId: 'pc-6',
        azurePlan: null,
        workInProgress: { kind: 'purchase', id: 'p-1', startedAt: now.toISOString() },
      }),
    );
    await customers.create(aCustomer({ customerId: 'not-linked', azurePlan: null }));
    const placed: AzurePlanOrderRequest[] = [];

    const differences = await reconcileAzurePlans(
      {
        customers,
        partnerCenter: partnerCenterWith({
          'pc-1': { orderId: 'pc-order-1', planId: 'pc-plan-1', entitlements: ['az-1'] },
          'pc-2': { orderId: 'pc-order-2' },
          'pc-4': { orderId: 'pc-order-4', planId: 'pc-plan-4', entitlements: ['az-4'] },
          'pc-5': { orderId: 'order-ours', planId: 'plan-ours', entitlements: ['az-5'] },
          'pc-6': { orderId: 'pc-order-6', planId: 'pc-plan-6', entitlements: ['az-6'] },
        }),
        azurePlanOrders: {
          place: (request) => {
            placed.push(request);
            return Promise.resolve({ ...request, alreadyPlaced: false });
          },
        },
        clock: { now: () => now },
        logger: quiet,
        cursor: { after: '' },
      },
      'reconcile-1',
    );

    expect(placed).toMatchObject([
      { customerId: 'unrecorded', orderId: 'pc-order-1', subscriptionId: 'pc-plan-1', entitlementId: 'az-1' },
    ]);
    expect(
      Object.fromEntries(differences.map((difference) => [difference.customerId, difference.kind])),
    ).toEqual({
      unrecorded: 'recorded',
      'under-way': 'orderUnderWay',
      gone: 'missingAtPartnerCenter',
      other: 'differentPlan',
    });
  });
});
