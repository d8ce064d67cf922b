import { setTimeout as sleep } from 'node:timers/promises';

import { AppError } from '../../shared/domain/errors';
import { type InvitationRepository } from '../../shared/invitations/invitationRepository';
import { invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import { type PurchaseState, readPurchaseState } from './purchaseStatusReader';
import { purchaseEvents } from './purchaseWorkflowContract';

/** How long the cancel request waits to report the outcome; the cancellation itself does not depend on it. */
const settleChecks = 30;
const settleCheckIntervalMs = 100;

/** A purchase may be cancelled while it waits for the customer's signature (or is about to). */
export function isCancellable(state: PurchaseState): boolean {
  return (
    state.status === 'awaitingCustomerSignature' ||
    (state.status === 'validating' && state.mcaMethod === 'invite')
  );
}

/**
 * Cancels a purchase that waits for the customer's signature: the purchase closes the invitation, frees the
 * customer's work in progress and ends `cancelled`. The request waits a moment for that, so the answer usually shows it; a
 * signature that arrived first wins, and then the purchase is not cancellable.
 */
export interface CancelPurchaseDependencies {
  invitations: Pick<InvitationRepository, 'close'>;
  invitationTokenSecret: string;
}

export async function cancelPurchase(
  workflows: Pick<WorkflowClient, 'status' | 'raiseEvent'>,
  { invitations, invitationTokenSecret }: CancelPurchaseDependencies,
  purchaseId: string,
  correlationId: string,
): Promise<PurchaseState> {
  const state = await readPurchaseState(workflows, purchaseId);
  if (state === undefined) throw new AppError('PurchaseNotFound', `There is no purchase ${purchaseId}.`);
  if (!isCancellable(state)) throw notCancellable(state);

  // The store holds the cancellation (an accepted invitation stays accepted: the signature wins); the event only
  // wakes the workflow, which re-reads the invitation, so a cancellation is not lost if the event is.
  await invitations.close(
    invitationIdOf(invitationToken(invitationTokenSecret, purchaseId)),
    'cancelled',
    correlationId,
  );
  await workflows.raiseEvent(purchaseId, purchaseEvents.purchaseCancelled, {
    requestedAt: state.lastUpdatedTime,
  });
  let current = state;
  for (let check = 0; check < settleChecks && isCancellable(current); check += 1) {
    await sleep(settleCheckIntervalMs);
    current = (await readPurchaseState(workflows, purchaseId)) ?? current;
  }
  if (current.status !== 'cancelled' && !isCancellable(current)) throw notCancellable(current);
  return current;
}

function notCancellable(state: PurchaseState): AppError {
  return new AppError(
    'PurchaseNotCancellable',
    `Purchase ${state.purchaseId} is ${state.status}; only a purchase waiting for the customer's signature can be cancelled.`,
  );
}
