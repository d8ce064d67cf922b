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

  it("lets exactly one of twenty concurrent claims take the customer's work in progress", async () => {
    const created = await customers.create(aCustomer({ id: 'tailspin', customerId: 'tailspin' }));
    if (created === 'exists') throw new Error('fixture exists');

    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        customers.claimWorkInProgress(created, {
          kind: 'purchase',
          id: `purchase-${index}`,
          startedAt: stamp.now.toISOString(),
          correlationId: `correlation-${index}`,
        }),
      ),
    );

    const winners = claims.filter((claim) => claim !== 'changed');
    expect(winners).toHaveLength(1);
    const stored = await customers.get('tailspin');
    expect(stored?.workInProgress?.id).toBe(winners[0]?.workInProgress?.id);
  });

  it('releases the work in progress only for the purchase that holds it', async () => {
    const created = await customers.create(
      aCustomer({
        id: 'wingtip',
        customerId: 'wingtip',
        workInProgress: { kind: 'purchase', id: 'holder', startedAt: stamp.now.toISOString() },
      }),
    );
    if (created === 'exists') throw new Error('fixture exists');

    await customers.releaseWorkInProgress('wingtip', 'someone-else', stamp);
    expect((await customers.get('wingtip'))?.workInProgress?.id).toBe('holder');

    await customers.releaseWorkInProgress('wingtip', 'holder', stamp);
    expect((await customers.get('wingtip'))?.workInProgress).toBeNull();
  });

  it('reads a customer stored before the rename (activePurchase) as holding workInProgress, finds it stranded and frees it', async () => {
    const { workInProgress: _, ...current } = aCustomer({ id: 'northwind', customerId: 'northwind' });
    // As stored before the work in progress was named for what it holds: no workInProgress, and no kind (only purchases then).
    await cosmos.containers.customers.items.create({
      ...current,
      activePurchase: { purchaseId: 'old-purchase', startedAt: '2026-02-01T00:00:00.000Z' },
    });

    expect((await customers.get('northwind'))?.workInProgress).toEqual({
      kind: 'purchase',
      id: 'old-purchase',
      startedAt: '2026-02-01T00:00:00.000Z',
    });
    const stranded = await customers.findWorkInProgressClaimedBefore(
      new Date('2026-02-02T00:00:00.000Z'),
      100,
    );
    expect(stranded.map((customer) => customer.customerId)).toContain('northwind');

    await customers.releaseWorkInProgress('northwind', 'old-purchase', stamp);
    const { resource } = await cosmos.containers.customers.item('northwind', 'northwind').read<object>();
    expect(resource).toMatchObject({ workInProgress: null });
    expect(resource).not.toHaveProperty('activePurchase');
  });
});
