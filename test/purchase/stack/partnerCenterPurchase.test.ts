import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { storedDocumentCounts } from '../../support/customerJourney';
import { startService, type TestService } from '../../support/service';
import { aContact, anAttestation, purchaseScenario, salesAgent } from '../purchaseScenario';

// Full stack through the gateways and the simulators, with their fault injection; the workflow's branches are
// covered by the replay tests (test/purchase/azurePlanPurchaseReplay.test.ts), so these are few and about what needs the real stack.
describe('a purchase through Partner Center (simulated), with faults', () => {
  let service: TestService;
  let scenario: ReturnType<typeof purchaseScenario>;

  beforeAll(async () => {
    service = await startService();
    scenario = purchaseScenario(service);
  });

  afterAll(async () => {
    await service?.stop();
  });

  afterEach(() => {
    service.partnerCenter.clearFaults();
    service.partnerCenter.setThrottling([]);
    service.partnerCenter.setBehaviour({ provisioningDelayMs: 0 });
  });

  async function partnerCenterIdOf(customerId: string): Promise<string> {
    const customer = (await scenario.customer(customerId)) as { partnerCenterCustomerId?: string };
    expect(customer.partnerCenterCustomerId).toMatch(/^[0-9a-f-]{36}$/);
    return customer.partnerCenterCustomerId as string;
  }

  /** Moves virtual time in steps until the purchase ends (or the steps run out). */
  async function advanceUntilEnded(purchaseId: string, stepMs: number, steps: number) {
    let purchase = await scenario.settledPurchase(purchaseId);
    for (
      let step = 0;
      step < steps && !['completed', 'failed', 'expired', 'cancelled'].includes(purchase.status);
      step++
    ) {
      await service.host.advance(stepMs);
      purchase = await scenario.settledPurchase(purchaseId);
    }
    return purchase;
  }

  /** The purchase's order and plan are Partner Center's, and Partner Center holds exactly that one plan. */
  async function expectBoughtOnceAtPartnerCenter(
    customerId: string,
    purchase: Awaited<ReturnType<typeof scenario.purchase>>,
  ) {
    expect(purchase.status).toBe('completed');
    const pcId = await partnerCenterIdOf(customerId);
    const plan = service.partnerCenter.findAzurePlan(pcId);
    expect(plan?.subscriptionId).toBe(purchase.subscription?.id);
    const counts = await storedDocumentCounts(service, customerId);
    expect(counts).toMatchObject({ order: 1, subscription: 1 });
  }

  it('links the customer it creates in Partner Center, and records Partner Center ids and the catalog id', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    const purchase = await scenario.settledPurchase(purchaseId);
    await expectBoughtOnceAtPartnerCenter(customerId, purchase);
    expect(purchase.subscription?.offerId).toMatch(/^DZH318Z0BPS6:0001:.+/);
  });

  it('posts an attestation to Partner Center at once (once, though its answer was lost), and sees a direct signature', async () => {
    service.partnerCenter.injectFault({
      route: 'POST /v1/customers/{customerId}/agreements',
      kind: 'dropAfterCommit',
    });
    const attested = await scenario.aRegisteredCustomer();
    const posted = await service.call('POST', `/api/customers/${attested}/agreements`, {
      as: salesAgent,
      body: { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2026-01-05' },
    });
    expect(posted.status).toBe(201);
    expect(service.partnerCenter.agreementsOf(await partnerCenterIdOf(attested))).toEqual([
      expect.objectContaining({ type: 'MicrosoftCustomerAgreement', primaryContact: aContact }),
    ]);

    const signer = await scenario.aRegisteredCustomer();
    expect((await scenario.customer(signer)).mcaAccepted).toBe(false);
    service.partnerCenter.setDirectSigned(await partnerCenterIdOf(signer), true);
    expect((await scenario.customer(signer)).mcaAccepted).toBe(true);
  });

  it('buys for a customer who signed directly with Microsoft, with no mca option and no customer read before', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    service.partnerCenter.setDirectSigned(await partnerCenterIdOf(customerId), true);

    const purchaseId = scenario.purchaseIdOf(await scenario.startPurchase(customerId, {}));

    await expectBoughtOnceAtPartnerCenter(customerId, await scenario.settledPurchase(purchaseId));
  });

  it('rides out a 429 storm on durable timers, buying once per customer', async () => {
    service.partnerCenter.setThrottling([
      { resources: ['carts'], limit: 1, windowSeconds: 600, scope: 'partner' },
    ]);
    const customers = [await scenario.aRegisteredCustomer(), await scenario.aRegisteredCustomer()];
    const purchases = [];
    for (const customerId of customers) {
      purchases.push(
        scenario.purchaseIdOf(await scenario.startPurchase(customerId, { mca: anAttestation() })),
      );
    }
    for (const [index, purchaseId] of purchases.entries()) {
      const purchase = await advanceUntilEnded(purchaseId, 5 * 60_000, 40);
      await expectBoughtOnceAtPartnerCenter(customers[index] as string, purchase);
    }
  });

  it('survives 5xx bursts and a checkout answer lost after Partner Center committed: one order', async () => {
    service.partnerCenter.injectFault({ route: '*', count: 2, status: 503 });
    service.partnerCenter.injectFault({
      route: 'POST /v1/customers/{customerId}/carts/{cartId}/checkout',
      kind: 'dropAfterCommit',
    });
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    const purchase = await advanceUntilEnded(purchaseId, 60_000, 20);
    await expectBoughtOnceAtPartnerCenter(customerId, purchase);
  });

  it('waits in provisioning for hours of virtual time, then completes', async () => {
    service.partnerCenter.setBehaviour({ provisioningDelayMs: 3 * 3_600_000 });
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, { mca: anAttestation() }),
    );
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('provisioning');
    const purchase = await advanceUntilEnded(purchaseId, 30 * 60_000, 12);
    await expectBoughtOnceAtPartnerCenter(customerId, purchase);
  });

  it('goes on when a customer invited by the service signs directly with Microsoft instead', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, {
        mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 30 },
      }),
    );
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('awaitingCustomerSignature');
    service.partnerCenter.setDirectSigned(await partnerCenterIdOf(customerId), true);
    const purchase = await advanceUntilEnded(purchaseId, 30 * 60_000, 6);
    await expectBoughtOnceAtPartnerCenter(customerId, purchase);
  });

  // Last: the revoked consent stays revoked for the rest of this service.
  it('fails PartnerCenterConsentRequired (not a retry loop) when the consent is revoked mid-run', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const purchaseId = scenario.purchaseIdOf(
      await scenario.startPurchase(customerId, {
        mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 30 },
      }),
    );
    const acceptPath = await scenario.acceptPathOf(purchaseId);
    service.identity.revokeConsent();
    service.identity.expireAccessTokens();
    const accepted = await service.call('POST', acceptPath, { body: aContact });
    expect(accepted.status).toBe(200);
    const purchase = await advanceUntilEnded(purchaseId, 60_000, 5);
    expect(purchase).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterConsentRequired' } });
    expect((await scenario.customer(customerId)).activePurchase).toBeNull();
  });
});
