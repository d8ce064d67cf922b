import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningService, startService } from '../../support/service';
import { aContact, hourMs, purchaseScenario } from '../purchaseScenario';

let service: RunningService;
let scenario: ReturnType<typeof purchaseScenario>;

/** Each activity below fails once, for real, right after its write; the durable runtime retries it. */
beforeAll(async () => {
  service = await startService({
    env: {
      FAULT_INJECTION: 'inviteCustomer.afterSend:1,recordAzurePlan.afterWrite:1,remindCustomer.afterSend:1',
    },
  });
  scenario = purchaseScenario(service);
});

afterAll(async () => {
  await service?.stop();
});

describe('activities that fail after their write', () => {
  it('are retried without a second invitation or a second order, and an early acceptance is not lost', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, { mca: { method: 'invite' } });
    const purchaseId = scenario.purchaseIdOf(started);

    // The invitation was written and sent, then the activity failed: its retry waits for a durable timer.
    await service.host.waitForIdle();
    expect((await scenario.purchase(purchaseId)).status).toBe('validating');
    const acceptPath = await scenario.acceptPathOf(purchaseId);

    // The customer accepts before the purchase waits for it: the event is buffered, not lost.
    const accepted = await service.call('POST', acceptPath, { body: aContact });
    expect(accepted.status).toBe(200);

    // The invitation is retried (nothing sent twice); the order is written, then that activity fails once too.
    // (Retries wait 500 ms of virtual time after each failure.)
    await service.host.advance(600);
    // Recording the order follows provisioning at Partner Center: the purchase shows that step meanwhile.
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('provisioning');
    await service.host.advance(2_000);

    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({ status: 'completed' });
    const types = (await scenario.notificationsOf(purchaseId)).map((notification) => notification.type);
    expect(types).toEqual(['mcaInvitation']);
    expect(await scenario.storedDocuments(customerId)).toMatchObject({
      azurePlanMarker: 1,
      order: 1,
      subscription: 1,
      azureEntitlement: 1,
      agreement: 1,
    });
    expect(await scenario.customer(customerId)).toMatchObject({
      mcaAccepted: true,
      activePurchase: null,
      azurePlan: { status: 'active' },
    });
  });

  it('does not lose an acceptance that arrives between two rounds of waiting (while a reminder is retried)', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, {
      mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 5 },
    });
    const purchaseId = scenario.purchaseIdOf(started);
    await service.host.waitForIdle();
    const acceptPath = await scenario.acceptPathOf(purchaseId);

    // The first reminder is sent, then its activity fails: its retry waits 500 ms, and nothing waits for the event.
    await service.host.advance(24 * hourMs);
    await service.host.waitForIdle();
    const accepted = await service.call('POST', acceptPath, { body: aContact });
    expect(accepted.status).toBe(200);
    await service.host.advance(1_000);

    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
      status: 'completed',
      invitation: { remindersSent: 1 },
    });
    const types = (await scenario.notificationsOf(purchaseId)).map((notification) => notification.type);
    expect(types).toEqual(['mcaInvitation', 'mcaReminder']);
  });
});
