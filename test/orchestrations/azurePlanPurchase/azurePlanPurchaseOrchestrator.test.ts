import { describe, expect, it } from 'vitest';

import { azurePlanPurchaseOrchestrator } from '../../../orchestrations/azurePlanPurchase/azurePlanPurchaseOrchestrator';
import {
  type PlacedOrderIds,
  type PlaceOrderResult,
  purchaseActivities,
  purchaseEvents,
  type PurchaseInput,
} from '../../../shared/purchases/purchaseWorkflowContract';
import {
  activityCall,
  type OrchestrationReplay,
  replayOrchestration,
  timerAt,
  timerCancelled,
} from '../../support/orchestrationReplay';

const hour = 3_600_000;
const day = 24 * hour;
const invitedAt = new Date('2026-03-02T09:00:00.000Z');
const order: PlacedOrderIds = {
  orderId: 'order-1',
  subscriptionId: 'plan-1',
  entitlementId: 'entitlement-1',
};
const placed: PlaceOrderResult = { outcome: 'placed', order, alreadyPlaced: false };

function aPurchase(mca: PurchaseInput['mca']): PurchaseInput {
  return {
    purchaseId: 'purchase-1',
    customerId: 'contoso',
    correlationId: 'correlation-1',
    requestedBy: { userId: 'alice' },
    mca,
  };
}

const anInvitedPurchase = aPurchase({
  method: 'invite',
  email: 'ada@contoso.example',
  reminderEveryHours: 24,
  expiresInDays: 2,
});
const attestation = {
  primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' },
  dateAgreed: '2026-03-01',
};
const anAttestedPurchase = aPurchase({ method: 'attest', ...attestation });

function replay(input: PurchaseInput): OrchestrationReplay {
  return replayOrchestration(azurePlanPurchaseOrchestrator, {
    name: 'azurePlanPurchase',
    instanceId: input.purchaseId,
    input,
    startAt: invitedAt,
  });
}

/** Started, invited, and waiting for the first round (the first reminder is due a day later). */
async function waitingForTheSignature(): Promise<OrchestrationReplay> {
  const purchase = replay(anInvitedPurchase);
  await purchase.start();
  await purchase.completeActivity(purchaseActivities.inviteCustomer, null);
  return purchase;
}

describe('azurePlanPurchaseOrchestrator, replayed from history', () => {
  it('invites the customer first, with the deadline computed from the orchestration clock', async () => {
    const purchase = replay(anInvitedPurchase);

    const first = await purchase.start();

    expect(first.actions).toEqual([
      activityCall(purchaseActivities.inviteCustomer, {
        purchaseId: 'purchase-1',
        customerId: 'contoso',
        email: 'ada@contoso.example',
        expiresAt: new Date(invitedAt.getTime() + 2 * day).toISOString(),
        correlationId: 'correlation-1',
      }),
    ]);
    expect(first.done).toBe(false);
  });

  it('then waits for the signature, a cancellation, or the first reminder time', async () => {
    const purchase = replay(anInvitedPurchase);
    await purchase.start();

    const next = await purchase.completeActivity(purchaseActivities.inviteCustomer, null);

    expect(next.actions).toEqual([timerAt(new Date(invitedAt.getTime() + day))]);
    expect(next.customStatus).toMatchObject({ step: 'awaitingCustomerSignature', mcaMethod: 'invite' });
  });

  it('when the signature wins, cancels the timer and places the order', async () => {
    const purchase = await waitingForTheSignature();

    const next = await purchase.raiseEvent(purchaseEvents.mcaAccepted, {});

    expect(next.actions).toEqual([
      timerCancelled(new Date(invitedAt.getTime() + day)),
      activityCall(purchaseActivities.placeOrder, expect.objectContaining({ purchaseId: 'purchase-1' })),
    ]);
    const done = await purchase.completeActivity(purchaseActivities.placeOrder, placed);
    expect(done.done).toBe(true);
    expect(done.output).toMatchObject({ status: 'completed', order, invitation: { remindersSent: 0 } });
  });

  it('when the timer wins, reminds the customer and waits for the next round', async () => {
    const purchase = await waitingForTheSignature();

    const afterTimer = await purchase.fireTimer();
    expect(afterTimer.actions).toEqual([
      activityCall(purchaseActivities.remindCustomer, expect.objectContaining({ round: 1 })),
    ]);

    const nextRound = await purchase.completeActivity(purchaseActivities.remindCustomer, null);
    // The last round sleeps until the deadline (no reminder fits before it).
    expect(nextRound.actions).toEqual([timerAt(new Date(invitedAt.getTime() + 2 * day))]);
  });

  it('when the deadline passes without a signature, closes the invitation and ends expired, buying nothing', async () => {
    const purchase = await waitingForTheSignature();
    await purchase.fireTimer();
    await purchase.completeActivity(purchaseActivities.remindCustomer, null);

    const atDeadline = await purchase.fireTimer();

    expect(atDeadline.actions).toEqual([
      activityCall(purchaseActivities.closeInvitation, expect.objectContaining({ outcome: 'expired' })),
    ]);
    const done = await purchase.completeActivity(purchaseActivities.closeInvitation, null);
    expect(done.output).toMatchObject({ status: 'expired', invitation: { remindersSent: 1 } });
    expect(done.output).not.toHaveProperty('order');
  });

  it('when cancelled, cancels the timer, closes the invitation and ends cancelled', async () => {
    const purchase = await waitingForTheSignature();

    const next = await purchase.raiseEvent(purchaseEvents.purchaseCancelled, {});

    expect(next.actions).toEqual([
      timerCancelled(new Date(invitedAt.getTime() + day)),
      activityCall(purchaseActivities.closeInvitation, expect.objectContaining({ outcome: 'cancelled' })),
    ]);
    const done = await purchase.completeActivity(purchaseActivities.closeInvitation, null);
    expect(done.output).toMatchObject({ status: 'cancelled' });
  });

  it('takes a signature that arrives while a reminder is being sent', async () => {
    const purchase = await waitingForTheSignature();
    await purchase.fireTimer();

    const duringReminder = await purchase.raiseEvent(purchaseEvents.mcaAccepted, {});
    expect(duringReminder.actions).toEqual([]);

    const next = await purchase.completeActivity(purchaseActivities.remindCustomer, null);
    expect(next.actions).toEqual([activityCall(purchaseActivities.placeOrder)]);
  });

  it('does not proceed on a wrongly named event', async () => {
    const purchase = await waitingForTheSignature();

    const next = await purchase.raiseEvent('mcaaccepted', {});

    expect(next.actions).toEqual([]);
    expect(next.done).toBe(false);
    expect(purchase.openActivities).toEqual([]);
  });

  it('retries a failing order placement with the store policy before giving up', async () => {
    const purchase = replay(anAttestedPurchase);
    await purchase.start();

    const retried = await purchase.failActivity(purchaseActivities.placeOrder, 'Cosmos DB is not answering');

    // A retry is the extension's work: the orchestrator decides nothing new, the same attempt is open again.
    expect(retried.actions).toEqual([]);
    expect(purchase.openActivities).toEqual([purchaseActivities.placeOrder]);
    const done = await purchase.completeActivity(purchaseActivities.placeOrder, placed);
    expect(done.output).toMatchObject({ status: 'completed', order });
  });

  it('when the retries run out, asks the store whether the order was placed', async () => {
    const purchase = replay(anAttestedPurchase);
    await purchase.start();

    const exhausted = await purchase.exhaustRetries(
      purchaseActivities.placeOrder,
      'Cosmos DB is not answering',
    );

    expect(exhausted.actions).toEqual([
      activityCall(purchaseActivities.findPlacedOrder, {
        purchaseId: 'purchase-1',
        customerId: 'contoso',
        correlationId: 'correlation-1',
      }),
    ]);
  });

  it('after the retries ran out and nothing was placed, frees the slot and ends failed', async () => {
    const purchase = replay(anAttestedPurchase);
    await purchase.start();
    await purchase.exhaustRetries(purchaseActivities.placeOrder, 'Cosmos DB is not answering');

    const nothingPlaced = await purchase.completeActivity(purchaseActivities.findPlacedOrder, null);

    expect(nothingPlaced.actions).toEqual([activityCall(purchaseActivities.releaseSlot)]);
    const done = await purchase.completeActivity(purchaseActivities.releaseSlot, null);
    expect(done.output).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });
  });

  it('after the retries ran out but the order was written, frees the slot and completes with that order', async () => {
    const purchase = replay(anAttestedPurchase);
    await purchase.start();
    await purchase.exhaustRetries(purchaseActivities.placeOrder, 'Cosmos DB is not answering');

    const wasPlaced = await purchase.completeActivity(purchaseActivities.findPlacedOrder, order);

    expect(wasPlaced.actions).toEqual([activityCall(purchaseActivities.releaseSlot)]);
    const done = await purchase.completeActivity(purchaseActivities.releaseSlot, null);
    expect(done.output).toMatchObject({ status: 'completed', order });
  });

  it('gives the order the same ids on every replay, so a retried placement writes the same documents', async () => {
    const first = replay(anAttestedPurchase);
    const second = replay(anAttestedPurchase);

    const [a, b] = [await first.start(), await second.start()];

    expect(a.actions).toEqual(b.actions);
    expect(a.actions).toEqual([
      activityCall(
        purchaseActivities.placeOrder,
        expect.objectContaining({ placedAt: invitedAt.toISOString(), attestation }),
      ),
    ]);
  });
});
