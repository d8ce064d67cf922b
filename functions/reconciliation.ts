import { randomUUID } from 'node:crypto';

import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';

import { getServices } from '../shared/compositionRoot';
import { createInvitationAcceptance, wakePurchaseWith } from '../shared/invitations/invitationAcceptance';
import { workflowClientOver } from '../shared/platform/durable/workflowClient';
import { encodeQueueMessage } from '../shared/platform/queues/queues';
import { slotHolderState } from '../shared/purchases/purchaseStatusReader';
import { reconcileStrandedWork } from '../shared/reconciliation/reconcileStrandedWork';

/**
 * The reconciliation timer: finds and finishes work a crash stranded between Cosmos DB, the queue and the durable
 * store (shared/reconciliation/reconcileStrandedWork.ts). `runOnStartup` stays false: in Azure every scale-out
 * instance and every restart would run it at once, and a sweep at start finds nothing the next scheduled run would
 * not find minutes later (the grace period is longer than the schedule). A run missed while the app was down runs
 * once at start anyway, as past due (the schedule monitor).
 */
export async function reconcileStrandedWorkOnSchedule(
  timer: Timer,
  context: InvocationContext,
): Promise<void> {
  const services = await getServices();
  const durable = df.getClient(context);
  const correlationId = `reconciliation-${randomUUID()}`;
  const report = await reconcileStrandedWork(
    {
      batches: services.repositories.batches,
      customers: services.repositories.customers,
      invitations: services.repositories.invitations,
      finishAcceptance: (invitation) =>
        createInvitationAcceptance({ ...services.repositories, clock: services.clock }).recordAcceptance(
          invitation,
          wakePurchaseWith(workflowClientOver(durable), context),
        ),
      slotHolderState: (instanceId) => slotHolderState(durable, instanceId),
      sendPurchaseRequest: async (message) => {
        await services.queues.purchaseRequests.sendMessage(encodeQueueMessage(message));
      },
      clock: services.clock,
      logger: context,
    },
    { graceMs: services.config.RECONCILE_GRACE_SECONDS * 1000, correlationId },
  );
  context.log(
    `reconciliation: ${report.requeuedLines} batch line(s) re-enqueued, ${report.releasedSlots} slot(s) released, ${report.finishedAcceptances} acceptance(s) finished${timer.isPastDue ? ' (past due)' : ''} correlationId=${correlationId}`,
  );
}

export function registerReconciliationTimer(): void {
  app.timer('reconcileStrandedWork', {
    schedule: '%RECONCILE_SCHEDULE%',
    runOnStartup: false,
    extraInputs: [df.input.durableClient()],
    handler: reconcileStrandedWorkOnSchedule,
  });
}
