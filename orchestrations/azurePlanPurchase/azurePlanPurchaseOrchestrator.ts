import * as df from 'durable-functions';
import { type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';

import { type McaPlan } from '../../shared/domain/rules/azurePlanPurchase';
import { invitationDeadline, nextWakeUp } from '../../shared/domain/rules/invitationSchedule';
import {
  azurePlanPurchaseOrchestration,
  type CloseInvitationInput,
  type FindPlacedOrderInput,
  type FindPlacedOrderResult,
  type InvitationProgress,
  type InviteCustomerInput,
  type PlaceOrderInput,
  type PlaceOrderResult,
  purchaseActivities,
  type PurchaseCustomStatus,
  purchaseEvents,
  type PurchaseInput,
  purchaseInputSchema,
  type PurchaseOutcome,
  type ReleaseSlotInput,
  type RemindCustomerInput,
} from '../../shared/purchases/purchaseWorkflowContract';
import { storeRetry } from '../retryPolicy';

type InviteMca = Extract<McaPlan, { method: 'invite' }>;
type SignatureOutcome =
  | { outcome: 'accepted'; invitation: InvitationProgress }
  | { outcome: 'expired' | 'cancelled'; invitation: InvitationProgress };

/**
 * The Azure plan purchase, as Partner Center runs it: get the MCA accepted (already accepted, attested with the
 * purchase, or by inviting the customer and waiting for the signature), then place the order. The purchase id is
 * the instance id; the input carries ids and the small MCA plan only.
 */
export const azurePlanPurchaseOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Generator<Task, PurchaseOutcome, unknown> {
  const input = purchaseInputSchema.parse(context.df.getInput());
  const mcaMethod = input.mca.method;
  let invitation: InvitationProgress | undefined;

  if (input.mca.method === 'invite') {
    const signature = yield* awaitCustomerSignature(context, input, input.mca);
    invitation = signature.invitation;
    if (signature.outcome !== 'accepted') return { status: signature.outcome, invitation };
  }

  showStep(context, { step: 'placingOrder', mcaMethod, ...(invitation ? { invitation } : {}) });
  const placeOrder: PlaceOrderInput = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    requestedBy: input.requestedBy,
    // New ids from the replay-safe generator: a retried activity writes the same ids.
    ids: {
      orderId: context.df.newGuid(context.df.instanceId),
      subscriptionId: context.df.newGuid(context.df.instanceId),
      entitlementId: context.df.newGuid(context.df.instanceId),
    },
    ...(input.mca.method === 'attest'
      ? { attestation: { primaryContact: input.mca.primaryContact, dateAgreed: input.mca.dateAgreed } }
      : {}),
    placedAt: context.df.currentUtcDateTime.toISOString(),
  };

  const release: ReleaseSlotInput = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    correlationId: input.correlationId,
  };
  let result: PlaceOrderResult;
  try {
    result = (yield context.df.callActivityWithRetry(
      purchaseActivities.placeOrder,
      storeRetry,
      placeOrder,
    )) as PlaceOrderResult;
  } catch {
    // The retries ran out: the order may have been written by an attempt that failed afterwards. Ask the store.
    result = yield* settleAfterFailedOrder(context, release);
  }

  if (result.outcome === 'placed') {
    const outcome: PurchaseOutcome = {
      status: 'completed',
      order: result.order,
      ...(invitation ? { invitation } : {}),
    };
    showStep(context, { step: 'completed', mcaMethod, order: result.order });
    return outcome;
  }
  yield context.df.callActivityWithRetry(purchaseActivities.releaseSlot, storeRetry, release);
  return { status: 'failed', error: result.error, ...(invitation ? { invitation } : {}) };
};

/**
 * What a purchase whose `placeOrder` kept failing has bought: its order if the Azure plan marker shows it was
 * written (a later step failed), else nothing. The slot is freed either way (releasing is idempotent), so a
 * summary write that never landed does not keep the customer blocked.
 */
function* settleAfterFailedOrder(
  context: OrchestrationContext,
  release: ReleaseSlotInput,
): Generator<Task, PlaceOrderResult, unknown> {
  let placed: FindPlacedOrderResult;
  try {
    placed = (yield context.df.callActivityWithRetry(
      purchaseActivities.findPlacedOrder,
      storeRetry,
      release satisfies FindPlacedOrderInput,
    )) as FindPlacedOrderResult;
  } catch {
    return {
      outcome: 'rejected',
      error: {
        code: 'InternalError',
        detail:
          "The order could not be placed, and whether it was cannot be confirmed now; check the customer's " +
          'Azure plan before starting the purchase again.',
      },
    };
  }
  if (placed !== null) {
    yield context.df.callActivityWithRetry(purchaseActivities.releaseSlot, storeRetry, release);
    return { outcome: 'placed', order: placed, alreadyPlaced: true };
  }
  return {
    outcome: 'rejected',
    error: {
      code: 'InternalError',
      detail: 'The order could not be placed: this purchase bought nothing. Start the purchase again.',
    },
  };
}

/**
 * Invites the customer, then waits for the signature: each round races the acceptance and a cancellation against
 * a timer that wakes for the next reminder or, at last, the deadline.
 */
function* awaitCustomerSignature(
  context: OrchestrationContext,
  input: PurchaseInput,
  mca: InviteMca,
): Generator<Task, SignatureOutcome, unknown> {
  const schedule = {
    invitedAt: context.df.currentUtcDateTime,
    reminderEveryHours: mca.reminderEveryHours,
    expiresInDays: mca.expiresInDays,
  };
  const invite: InviteCustomerInput = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    email: mca.email,
    expiresAt: invitationDeadline(schedule).toISOString(),
    correlationId: input.correlationId,
  };
  yield context.df.callActivityWithRetry(purchaseActivities.inviteCustomer, storeRetry, invite);

  let remindersSent = 0;
  const progress = (): InvitationProgress => ({
    email: invite.email,
    expiresAt: invite.expiresAt,
    remindersSent,
  });
  const maxRounds = Math.ceil((mca.expiresInDays * 24) / mca.reminderEveryHours) + 1;

  // One pair of waiters for the whole wait, not one per round: the SDK hands an event to the most recently
  // created waiter of its name, so an event arriving between rounds (during a reminder) would otherwise go to a
  // waiter of a finished round and be lost. A waiter completed between rounds is seen at the start of the next.
  const accepted = context.df.waitForExternalEvent(purchaseEvents.mcaAccepted);
  const cancelled = context.df.waitForExternalEvent(purchaseEvents.purchaseCancelled);

  for (let round = 0; round < maxRounds && !accepted.isCompleted && !cancelled.isCompleted; round += 1) {
    showStep(context, { step: 'awaitingCustomerSignature', mcaMethod: 'invite', invitation: progress() });
    const wake = nextWakeUp(schedule, remindersSent);
    const timer = context.df.createTimer(wake.at);
    const winner: unknown = yield context.df.Task.any([accepted, cancelled, timer]);
    if (winner !== timer) {
      // An orchestration cannot finish while a timer is pending.
      timer.cancel();
      break;
    }
    if (wake.reason === 'deadline') break;
    remindersSent += 1;
    const reminder: RemindCustomerInput = { ...invite, round: remindersSent };
    yield context.df.callActivityWithRetry(purchaseActivities.remindCustomer, storeRetry, reminder);
  }

  // The signature wins over a cancellation that arrived in the same breath (the cancel request reports it).
  if (accepted.isCompleted) return { outcome: 'accepted', invitation: progress() };
  if (cancelled.isCompleted) {
    yield* closeInvitation(context, invite, 'cancelled');
    return { outcome: 'cancelled', invitation: progress() };
  }
  yield* closeInvitation(context, invite, 'expired');
  return { outcome: 'expired', invitation: progress() };
}

function* closeInvitation(
  context: OrchestrationContext,
  invite: InviteCustomerInput,
  outcome: CloseInvitationInput['outcome'],
): Generator<Task, void, unknown> {
  const close: CloseInvitationInput = { ...invite, outcome };
  yield context.df.callActivityWithRetry(purchaseActivities.closeInvitation, storeRetry, close);
}

function showStep(context: OrchestrationContext, status: PurchaseCustomStatus): void {
  context.df.setCustomStatus(status);
}

export function registerAzurePlanPurchaseOrchestrator(): void {
  df.app.orchestration(azurePlanPurchaseOrchestration, azurePlanPurchaseOrchestrator);
}
