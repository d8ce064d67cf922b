import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { transitionFaultPoints } from '../../../orchestrations/transition/transitionWorkflowContract';
import {
  aLegacyOrder,
  aRegisteredCustomer,
  aTransitionStarted,
  mcaAttested,
  settledTransition,
  storedDocumentCounts,
} from '../../support/customerJourney';
import { type RunningService, startService } from '../../support/service';
import { anAttestation, purchaseScenario } from '../purchaseScenario';

let service: RunningService;
let scenario: ReturnType<typeof purchaseScenario>;

/**
 * `recordAzurePlan` runs at most 5 times (the orchestrator's retry policy). The faults below are real throws inside the
 * activity and are used up in order, so the tests run in this order: first five attempts that fail before the
 * write, then five that fail right after it, then none.
 */
const recordAttempts = 5;
/**
 * Virtual time for every retry of one activity: 500 ms doubling between attempts (0.5 + 1 + 2 + 4 s), and the
 * SDK waits once more (8 s) after the last attempt before it gives up, so 15.5 s; and then some.
 */
const allRetriesMs = 20_000;
/** The reconciliation timer runs every 5 minutes (its default schedule). */
const reconciliationPeriodMs = 5 * 60_000;

beforeAll(async () => {
  service = await startService({
    env: {
      FAULT_INJECTION: [
        `recordAzurePlan.beforeWrite:${recordAttempts}`,
        `recordAzurePlan.afterWrite:${recordAttempts}`,
        `${transitionFaultPoints.afterAzurePlanOrder}:${recordAttempts}`,
      ].join(','),
    },
  });
  scenario = purchaseScenario(service);
});

afterAll(async () => {
  await service?.stop();
});

/** The durable management API, as an operator (or an intruder holding the system key) would call it. */
async function raiseEventThroughManagementApi(instanceId: string, eventName: string): Promise<number> {
  const { webhookBaseUrl, systemKey } = service.host.durable;
  const response = await fetch(`${webhookBaseUrl}/instances/${instanceId}/raiseEvent/${eventName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': systemKey },
    body: '{}',
  });
  return response.status;
}

describe('a purchase whose order keeps failing', () => {
  it('fails when no attempt recorded the order, frees the customer, and the reconciliation records the plan Partner Center holds', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    await service.host.waitForIdle();
    await service.host.advance(allRetriesMs);
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('failed');

    // The next run of the reconciliation timer (every 5 minutes) finds the plan Partner Center provisioned.
    await service.host.advance(reconciliationPeriodMs);
    await service.host.waitForIdle();
    const purchase = await scenario.settledPurchase(purchaseId);
    expect(purchase).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });
    expect(purchase.error?.detail).toContain('could not record it');
    const customer = await scenario.customer(customerId);
    expect(customer).toMatchObject({ activePurchase: null, mcaAccepted: true });
    expect(customer.azurePlan).toMatchObject({ status: 'active' });
  });

  it('completes with its order when an attempt wrote it and only a later step failed', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    await service.host.waitForIdle();
    await service.host.advance(allRetriesMs);

    const purchase = await scenario.settledPurchase(purchaseId);
    expect(purchase).toMatchObject({
      status: 'completed',
      mca: { method: 'attest', accepted: true },
      order: { status: 'completed' },
      subscription: { status: 'active' },
    });
    expect(purchase.error).toBeUndefined();
    expect(await scenario.customer(customerId)).toMatchObject({
      mcaAccepted: true,
      activePurchase: null,
      azurePlan: { subscriptionId: purchase.subscription?.id, status: 'active' },
    });
    expect(await scenario.storedDocuments(customerId)).toMatchObject({
      azurePlanMarker: 1,
      order: 1,
      subscription: 1,
      azureEntitlement: 1,
      agreement: 1,
    });
  });
});

describe('a transition whose plan order keeps failing after its write', () => {
  it('goes on with the plan it bought: the subscriptions move under it', async () => {
    const customerId = await aRegisteredCustomer(service, 'transition-order-fails');
    await aLegacyOrder(service, customerId, ['Production', 'Test']);
    await mcaAttested(service, customerId);
    const { transitionId } = (await aTransitionStarted(service, customerId)).body;
    await service.host.waitForIdle();
    await service.host.advance(allRetriesMs);

    const transition = await settledTransition(service, transitionId);
    expect(transition.status).toBe('completed');
    expect(transition.lineItems.map((line) => line.status)).toEqual(['completed', 'completed']);
    expect(await storedDocumentCounts(service, customerId)).toMatchObject({ azurePlanMarker: 1 });
    expect(await scenario.customer(customerId)).toMatchObject({
      activePurchase: null,
      azurePlan: { subscriptionId: transition.azurePlan?.subscriptionId, status: 'active' },
    });
  });
});

describe('an acceptance event without a stored acceptance', () => {
  it('does not buy the plan: the event only wakes the purchase, which re-reads the truth and keeps waiting', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: { method: 'invite' } }),
    );
    await service.host.waitForIdle();
    expect((await scenario.purchase(purchaseId)).status).toBe('awaitingCustomerSignature');

    // Nobody signed: the event is raised straight at the orchestration, around the invitation link.
    expect(await raiseEventThroughManagementApi(purchaseId, 'McaAccepted')).toBe(202);

    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
      status: 'awaitingCustomerSignature',
      mca: { method: 'invite', accepted: false },
    });
    const stored = await scenario.storedDocuments(customerId);
    expect(stored).not.toHaveProperty('azurePlanMarker');
    expect(stored).not.toHaveProperty('order');
    expect(stored).not.toHaveProperty('subscription');
    expect(await scenario.customer(customerId)).toMatchObject({ mcaAccepted: false, azurePlan: null });
  });
});
