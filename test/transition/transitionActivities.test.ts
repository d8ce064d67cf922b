import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createTransitionActivities,
  type TransitionActivityDependencies,
} from '../../orchestrations/transition/transitionActivities';
import { aCustomer } from '../support/fixtures';
import { createInMemoryPartnerCenterAgreements } from '../support/inMemory/inMemoryPartnerCenterAgreements';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
} from '../support/inMemory/inMemoryRepositories';

const log = new InvocationContext({ functionName: 'activity-test', logHandler: () => undefined });
const step = { transitionId: 't-1', customerId: 'contoso', correlationId: 'c-1' };
const planOffer = 'DZH318Z0BPS6:0001:DZH318Z0BML6';
/** Partner Center's own id for contoso: every call must name the customer by it, never by the path id. */
const pcCustomerId = '5c7b6a41-2d0e-4f3a-9b8c-1d2e3f4a5b6c';
const linkedCustomer = (overrides: Parameters<typeof aCustomer>[0] = {}) =>
  aCustomer({ partnerCenterCustomerId: pcCustomerId, ...overrides });

async function overMemory(customer = linkedCustomer(), upgrades: Record<string, unknown> = {}) {
  const customers = createInMemoryCustomerRepository();
  await customers.create(customer);
  const mca = createInMemoryPartnerCenterAgreements();
  let created = 0;
  const partnerCenter = {
    ...mca,
    createUpgrade: (customerId: string) => {
      if (customerId !== pcCustomerId) return Promise.reject(new Error(`upgrade asked for ${customerId}`));
      created += 1;
      return Promise.resolve('upgrade-1');
    },
    ...upgrades,
  };
  const activities = createTransitionActivities({
    customers,
    agreements: createInMemoryAgreementRepository(),
    partnerCenter: partnerCenter as unknown as TransitionActivityDependencies['partnerCenter'],
  } as unknown as TransitionActivityDependencies);
  return { activities, mca, created: () => created };
}

describe('the transition asks Partner Center, not only its records', () => {
  it('attests the MCA the service holds at Partner Center before the upgrade (once), then starts it', async () => {
    const { activities, mca, created } = await overMemory();

    expect(await activities.startUpgrade(step, log)).toEqual({ outcome: 'started', upgradeId: 'upgrade-1' });
    expect(await activities.startUpgrade(step, log)).toEqual({ outcome: 'started', upgradeId: 'upgrade-1' });

    expect(mca.calls.attest).toBe(1);
    expect(created()).toBe(2);
  });

  it('without an acceptance anywhere it is refused McaNotAccepted and no upgrade is asked for', async () => {
    const { activities, created } = await overMemory(linkedCustomer({ mca: { accepted: false } }));

    expect(await activities.startUpgrade(step, log)).toMatchObject({
      outcome: 'rejected',
      error: { code: 'McaNotAccepted' },
    });
    expect(created()).toBe(0);
  });

  const completed = {
    id: 'upgrade-1',
    status: 'Completed',
    lineItems: [
      // "a GUID that identifies the product": here not the ids of the Azure subscription or the plan.
      {
        sourceProduct: { id: 'product-guid-1' },
        targetProduct: { id: 'product-guid-2' },
        status: 'Completed',
      },
    ],
  };

  it('reads the plan and its Azure subscriptions from Partner Center after the upgrade, not from the product ids', async () => {
    const { activities } = await overMemory(linkedCustomer(), {
      getUpgradeStatus: () => Promise.resolve(completed),
      listSubscriptions: () =>
        Promise.resolve([{ id: 'plan-1', offerId: planOffer, status: 'active', orderId: 'upgrade-1' }]),
      listOrders: () => Promise.resolve([]),
      listAzureEntitlements: (customerId: string, planId: string) =>
        Promise.resolve(
          customerId === pcCustomerId && planId === 'plan-1' ? [{ id: 'azure-sub-1', status: 'active' }] : [],
        ),
    });

    expect(await activities.readUpgradeStatus({ ...step, upgradeId: 'upgrade-1' }, log)).toEqual({
      outcome: 'completed',
      lines: [{ azureSubscriptionId: 'azure-sub-1', planSubscriptionId: 'plan-1' }],
    });
  });

  it('a completed upgrade whose plan Partner Center does not show yet is still in progress', async () => {
    const { activities } = await overMemory(linkedCustomer(), {
      getUpgradeStatus: () => Promise.resolve(completed),
      listSubscriptions: () => Promise.resolve([]),
      listOrders: () => Promise.resolve([]),
    });

    expect(await activities.readUpgradeStatus({ ...step, upgradeId: 'upgrade-1' }, log)).toEqual({
      outcome: 'inProgress',
    });
  });
});
