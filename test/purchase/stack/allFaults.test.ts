import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Purchase } from '../../../orchestrations/purchase/readPurchase';
import { purchaseIdForLine } from '../../../shared/domain/rules/purchaseBatch';
import {
  aLegacyOrder,
  aTransitionStarted,
  mcaAttested,
  storedDocumentCounts,
} from '../../support/customerJourney';
import { eventually } from '../../support/eventually';
import { everyFault } from '../../support/everyFault';
import { startService, type TestService } from '../../support/service';
import { anAttestation, purchaseScenario, salesAgent } from '../purchaseScenario';

/**
 * Purchases through the whole stack with every Partner Center fault switch on (docs/partner-center.md, "Fault
 * switches"), short windows, on the virtual clock. Which purchase meets which fault depends on how the calls
 * interleave; what must hold whatever they meet is checked against Partner Center's own state (the simulator):
 * a purchase that completed has exactly the plan Partner Center holds, every Azure plan order Partner Center holds
 * is recorded by the service (after the reconciliation ran), and no customer has two.
 */
const purchases = 8;
const terminal = ['completed', 'failed', 'expired', 'cancelled'];
/** Failures after which nothing may have been bought. */
const nothingBought = ['PartnerCenterUnavailable', 'OrderCancelled', 'PartnerCenterRejected'];
const minute = 60_000;

describe('purchases with every Partner Center fault switch on', () => {
  let service: TestService;
  let scenario: ReturnType<typeof purchaseScenario>;

  beforeAll(async () => {
    service = await startService({
      env: { RECONCILE_SCHEDULE: '0 */5 * * * *', RECONCILE_GRACE_SECONDS: '600' },
      simulators: { partnerCenter: { provisioningDelayMs: 30_000, orderListDelayMs: 0 } },
    });
    scenario = purchaseScenario(service);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it(
    'end with exact outcomes: one plan per completed purchase, every Partner Center order recorded, no duplicate',
    {
      timeout: 120_000,
    },
    async () => {
      const customerIds: string[] = [];
      for (let index = 0; index < purchases; index += 1)
        customerIds.push(await scenario.aRegisteredCustomer());

      service.partnerCenter.setFaults(everyFault);

      // Half start one by one, half as a batch (through the purchase-requests queue).
      const single = customerIds.slice(0, purchases / 2);
      const batched = customerIds.slice(purchases / 2);
      const purchaseIds = await Promise.all(
        single.map(async (customerId) =>
          scenario.purchaseIdOf(await scenario.startPurchase(customerId, { mca: anAttestation() })),
        ),
      );
      const batch = await service.call<{ batchId: string }>('POST', '/api/purchase-batches', {
        as: salesAgent,
        body: { items: batched.map((customerId) => ({ customerId, mca: anAttestation() })) },
      });
      expect(batch.status).toBe(202);
      await eventually(async () => {
        const read = await service.call<{ counts: { queued: number } }>(
          'GET',
          `/api/purchase-batches/${batch.body.batchId}`,
          { as: salesAgent },
        );
        return read.body.counts.queued === 0;
      }, 30_000);
      purchaseIds.push(
        ...batched.map((_customerId, index) => purchaseIdForLine(batch.body.batchId, String(index + 1))),
      );
      const ended = new Map<string, Purchase>();
      for (let step = 0; step < 20 && ended.size < purchases; step += 1) {
        await service.host.advance(20 * minute);
        for (const purchaseId of purchaseIds.filter((id) => !ended.has(id))) {
          const purchase = await scenario.settledPurchase(purchaseId);
          if (terminal.includes(purchase.status)) ended.set(purchaseId, purchase);
        }
      }
      expect(ended.size).toBe(purchases);

      // The faults stop; the reconciliation runs (every 5 minutes, for work older than 10).
      service.partnerCenter.setFaults({ switches: [] });
      await service.host.advance(30 * minute);
      await service.host.waitForIdle();

      const outcomes: string[] = [];
      for (const [index, customerId] of customerIds.entries()) {
        const purchase = ended.get(purchaseIds[index]!)!;
        outcomes.push(purchase.status === 'completed' ? 'completed' : `failed ${purchase.error?.code ?? ''}`);
        const customer = (await scenario.customer(customerId)) as {
          partnerCenterCustomerId: string;
          azurePlan: { subscriptionId: string } | null;
        };
        const pcId = customer.partnerCenterCustomerId;
        const liveOrders = service.partnerCenter
          .ordersOf(pcId)
          .filter(
            (order) =>
              order.status !== 'cancelled' &&
              (order.lineItems as { offerId: string }[]).some((line) =>
                line.offerId.startsWith('DZH318Z0BPS6:'),
              ),
          );
        const plan = service.partnerCenter.findAzurePlan(pcId);
        // No duplicate: Partner Center holds at most one Azure plan order per customer.
        expect(liveOrders.length, customerId).toBeLessThanOrEqual(1);
        if (purchase.status === 'completed') {
          expect(purchase.order?.id).toBe(liveOrders[0]?.id);
          expect(plan?.subscriptionId).toBe(purchase.subscription?.id);
          expect(customer.azurePlan?.subscriptionId).toBe(plan?.subscriptionId);
          expect(await storedDocumentCounts(service, customerId)).toMatchObject({
            order: 1,
            subscription: 1,
          });
        } else {
          expect(purchase.status).toBe('failed');
          if (nothingBought.includes(purchase.error?.code ?? '')) expect(liveOrders, customerId).toEqual([]);
        }
        // Nothing Partner Center sold is unknown to the service.
        if (plan) expect(customer.azurePlan?.subscriptionId, customerId).toBe(plan.subscriptionId);
        else expect(customer.azurePlan, customerId).toBeNull();
      }
      // The faults were met: not every purchase went through untouched.
      const stats = service.partnerCenter.stats();
      expect(stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
      expect(outcomes.filter((outcome) => outcome === 'completed').length).toBeGreaterThan(0);
    },
  );

  it('a checkout whose answer was lost, then answered 800064 and 800065 while the order list lags, completes with that one order', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    service.partnerCenter.setFaults({
      // Held, so the plan subscription does not show the order either while the list lags.
      switches: ['checkoutInProgress', 'checkoutAlreadySubmitted', 'orderListLag', 'provisioningHeld'],
      inProgressMs: 2 * minute,
      listLagMs: 10 * minute,
      heldShare: 1,
      heldMs: 60 * minute,
    });
    service.partnerCenter.injectFault({
      route: 'POST /v1/customers/{customerId}/carts/{cartId}/checkout',
      kind: 'dropAfterCommit',
    });
    service.partnerCenter.resetStats();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    let purchase = await scenario.settledPurchase(purchaseId);
    for (let step = 0; step < 60 && !terminal.includes(purchase.status); step += 1) {
      await service.host.advance(2 * minute);
      purchase = await scenario.settledPurchase(purchaseId);
    }
    service.partnerCenter.setFaults({ switches: [] });

    expect(purchase).toMatchObject({ status: 'completed' });
    const { byStatus } = service.partnerCenter.stats();
    expect(byStatus).toMatchObject({ dropped: 1 });
    expect(byStatus['409']).toBeGreaterThan(0);
    expect(byStatus['400']).toBeGreaterThan(0);
    const customer = (await scenario.customer(customerId)) as { partnerCenterCustomerId: string };
    const orders = service.partnerCenter.ordersOf(customer.partnerCenterCustomerId);
    expect(orders.map((order) => order.id)).toEqual([purchase.order?.id]);
    expect(service.partnerCenter.findAzurePlan(customer.partnerCenterCustomerId)?.subscriptionId).toBe(
      purchase.subscription?.id,
    );
  });

  it(
    'transitions from 0145P with throttling and outages on: the plan the service records is the one Partner Center holds',
    {
      timeout: 60_000,
    },
    async () => {
      const customerIds: string[] = [];
      for (let index = 0; index < 3; index += 1) {
        const customerId = await scenario.aRegisteredCustomer();
        await aLegacyOrder(service, customerId);
        await mcaAttested(service, customerId);
        customerIds.push(customerId);
      }
      service.partnerCenter.setFaults({
        switches: ['throttle', 'outage'],
        seed: 21,
        throttleShare: 0.1,
        throttleRetryAfterSeconds: 30,
        outageShare: 0.05,
      });
      const transitions = await Promise.all(
        customerIds.map(
          async (customerId) => (await aTransitionStarted(service, customerId)).body.transitionId,
        ),
      );
      const ended = new Map<string, string>();
      for (let step = 0; step < 20 && ended.size < transitions.length; step += 1) {
        await service.host.advance(10 * minute);
        await service.host.waitForIdle();
        for (const transitionId of transitions.filter((id) => !ended.has(id))) {
          const { body } = await service.call<{ status: string }>('GET', `/api/transitions/${transitionId}`, {
            as: { roles: ['SalesAgent'] },
          });
          if (['completed', 'partiallyCompleted', 'failed'].includes(body.status))
            ended.set(transitionId, body.status);
        }
      }
      expect(ended.size).toBe(transitions.length);
      service.partnerCenter.setFaults({ switches: [] });
      await service.host.advance(30 * minute);
      await service.host.waitForIdle();

      for (const [index, customerId] of customerIds.entries()) {
        const customer = (await scenario.customer(customerId)) as {
          partnerCenterCustomerId: string;
          azurePlan: { subscriptionId: string } | null;
        };
        const plan = service.partnerCenter.findAzurePlan(customer.partnerCenterCustomerId);
        if (ended.get(transitions[index]!) === 'completed') expect(plan).toBeDefined();
        // The plan Partner Center made is the one the service records (by the transition or the reconciliation).
        expect(customer.azurePlan?.subscriptionId ?? null, customerId).toBe(plan?.subscriptionId ?? null);
      }
    },
  );
});
