import { type InvocationContext } from '@azure/functions';

import { type AgreementDocument } from '../../shared/domain/documents/documents';
import { type WakePurchase } from '../../shared/invitations/invitationAcceptance';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import { purchaseEvents } from './purchaseWorkflowContract';

/**
 * Tells the customer's running purchase that the MCA is accepted (an invitation accepted, a partner attestation).
 * A purchase that waits for the signature goes on at once; one that is not waiting ignores the event; an event for
 * an instance that does not exist (any more) is dropped by the durable runtime. The agreement is recorded either
 * way, so a failure here is logged, not reported to the caller.
 *
 * @returns false when the event could not be handed to the durable runtime (the caller may try again later).
 */
export async function continueWaitingPurchase(
  workflows: Pick<WorkflowClient, 'raiseEvent'>,
  purchaseId: string | undefined,
  agreement: Pick<AgreementDocument, 'id' | 'customerId' | 'correlationId'>,
  log: Pick<InvocationContext, 'warn'>,
): Promise<boolean> {
  if (purchaseId === undefined) return true;
  try {
    await workflows.raiseEvent(purchaseId, purchaseEvents.mcaAccepted, { agreementId: agreement.id });
    return true;
  } catch (error) {
    log.warn(
      `McaAccepted not delivered to purchase ${purchaseId} of customer ${agreement.customerId} ` +
        `correlationId=${agreement.correlationId ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}

/** Wakes the invitation's purchase through the durable client (a failure is logged: the purchase re-reads the truth). */
export function wakePurchaseWith(
  workflows: Pick<WorkflowClient, 'raiseEvent'>,
  log: Pick<InvocationContext, 'warn'>,
): WakePurchase {
  return (invitation, agreement) => continueWaitingPurchase(workflows, invitation.purchaseId, agreement, log);
}
