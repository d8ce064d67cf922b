import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createCustomerRepository,
  type CustomerRepository,
} from '../../../shared/customers/customerRepository';
import { aCustomer } from '../../support/fixtures';
import { type LocalCosmos, startLocalCosmos } from '../../support/localCosmos';

let cosmos: LocalCosmos;
let customers: CustomerRepository;
const stamp = { now: new Date('2026-03-01T12:00:00.000Z'), correlationId: 'correlation-1' };

beforeAll(async () => {
  cosmos = await startLocalCosmos('customer-repository-test');
  customers = createCustomerRepository(cosmos.containers.customers);
});

afterAll(async () => {
  await cosmos.stop();
});

describe('the customer repository', () => {
  it('reads back what it created and says when the customer exists already', async () => {
    const customer = aCustomer({ id: 'fabrikam', customerId: 'fabrikam' });
    expect(await customers.create(customer)).toMatchObject({
      companyName: 'Contoso Ltd',
      customerId: 'fabrikam',
    });
    expect(await customers.create(customer)).toBe('exists');
    expect(await customers.get('nobody')).toBeUndefined();
  });

  it('lets exactly one of twenty concurrent claims take the purchase slot', async () => {
    const created = await customers.create(aCustomer({ id: 'tailspin', customerId: 'tailspin' }));
    if (created === 'exists') throw new Error('fixture exists');

    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        customers.claimPurchaseSlot(created, {
          purchaseId: `purchase-${index}`,
          startedAt: stamp.now.toISOString(),
          correlationId: `correlation-${index}`,
        }),
      ),
    );

    const winners = claims.filter((claim) => claim !== 'changed');
    expect(winners).toHaveLength(1);
    const stored = await customers.get('tailspin');
    expect(stored?.activePurchase?.purchaseId).toBe(winners[0]?.activePurchase?.purchaseId);
  });

  it('releases the slot only for the purchase that holds it', async () => {
    const created = await customers.create(
      aCustomer({
        id: 'wingtip',
        customerId: 'wingtip',
        activePurchase: { purchaseId: 'holder', startedAt: stamp.now.toISOString() },
      }),
    );
    if (created === 'exists') throw new Error('fixture exists');

    await customers.releasePurchaseSlot('wingtip', 'someone-else', stamp);
    expect((await customers.get('wingtip'))?.activePurchase?.purchaseId).toBe('holder');

    await customers.releasePurchaseSlot('wingtip', 'holder', stamp);
    expect((await customers.get('wingtip'))?.activePurchase).toBeNull();
  });
});
