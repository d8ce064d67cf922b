import { randomUUID } from 'node:crypto';

import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';

import { wakePurchaseWith } from '../orchestrations/purchase/continueWaitingPurchase';
import {
  azurePlanPurchaseOrchestration,
  purchaseCustomStatusSchema,
} from '../orchestrations/purchase/purchaseWorkflowContract';
import { workInProgressHolderState } from '../shared/customers/workInProgressHolder';
import { type PurchaseRequestMessage } from '../shared/domain/api/purchaseBatch';
import { type InvitationAcceptance } from '../shared/invitations/invitationAcceptance';
import { type NotificationSender } from '../shared/notifications/notificationSender';
import { workflowClientOver } from '../shared/platform/durable/workflowClient';
import { purchaseMetrics } from '../shared/platform/telemetry/telemetry';
import {
  type AzurePlanReconciliationDependencies,
  reconcileAzurePlans,
} from '../shared/reconciliation/reconcileAzurePlans';
import {
  reconcileStrandedWork,
  type ReconciliationDependencies,
} from '../shared/reconciliation/reconcileStrandedWork';

/**
 * The reconciliation timer: finds and finishes work a crash stranded between Cosmos DB, the queue and the durable
 * store (shared/reconciliation/reconcileStrandedWork.ts). `runOnStartup` stays false: in Azure every scale-out
 * instance and every restart would run it at once, and a sweep at start finds nothing the next scheduled run would
 * not find minutes later (the grace period is longer than the schedule). A run missed while the app was down runs
 * once at start anyway, as past due (the schedule monitor).
 */
/** What the timer uses; functions/index.ts hands it over from the composition root. */
export interface ReconciliationTimerDependencies extends Pick<
  ReconciliationDependencies,
  'batches' | 'invitations' | 'clock'
> {
  customers: ReconciliationDependencies['customers'] & AzurePlanReconciliationDependencies['customers'];
  /** Partner Center, whose Azure plans are compared with our records (shared/reconciliation/reconcileAzurePlans.ts). */
  partnerCenter: AzurePlanReconciliationDependencies['partnerCenter'];
  azurePlanOrders: AzurePlanReconciliationDependencies['azurePlanOrders'];
  invitationAcceptance: Pick<InvitationAcceptance, 'recordAcceptance'>;
  /** Puts a message on `purchase-requests`. */
  sendPurchaseRequest: (message: PurchaseRequestMessage) => Promise<void>;
  /** Work younger than this is left alone (RECONCILE_GRACE_SECONDS). */
  graceMs: number;
  /** The notification outbox: sends not confirmed are sent again (shared/notifications/notificationSender.ts). */
  notifications: Pick<NotificationSender, 'resendUnconfirmed'>;
}

/**
 * A notification claimed this long ago and still not confirmed was cut by a crash (a send takes milliseconds): it is
 * sent again, with its message id. Short, because a lost invitation leaves a customer without the link to sign;
 * never longer than the grace period.
 */
const unconfirmedNotificationAfterMs = 60_000;

/** The outbox's part of a run: its own step, apart from the stranded work of shared/reconciliation. */
async function resendUnconfirmedNotifications(
  { notifications, clock, graceMs }: ReconciliationTimerDependencies,
  context: InvocationContext,
  correlationId: string,
): Promise<void> {
  const before = new Date(clock.now().getTime() - Math.min(graceMs, unconfirmedNotificationAfterMs));
  const { resent, failed } = await notifications.resendUnconfirmed(before, () => clock.now());
  if (resent + failed > 0) {
    context.warn(
      `reconciliation: ${resent} unconfirmed notification(s) sent again, ${failed} failed (next run) correlationId=${correlationId}`,
    );
  }
}

/** The timer's handler over its dependencies. */
export function reconciliationHandler(dependencies: ReconciliationTimerDependencies) {
  // Which customers the Azure plan comparison reached, per process (an instance that starts begins again).
  const cursor = { after: '' };
  return async function reconcileStrandedWorkOnSchedule(
    timer: Timer,
    context: InvocationContext,
  ): Promise<void> {
    const { invitationAcceptance, graceMs, partnerCenter, azurePlanOrders, ...stores } = dependencies;
    const durable = df.getClient(context);
    const workflows = workflowClientOver(durable);
    const correlationId = `reconciliation-${randomUUID()}`;
    const report = await reconcileStrandedWork(
      {
        ...stores,
        finishAcceptance: (invitation) =>
          invitationAcceptance.recordAcceptance(invitation, wakePurchaseWith(workflows, context)),
        workInProgressHolderState: (instanceId) => workInProgressHolderState(workflows, instanceId),
        logger: context,
      },
      { graceMs, correlationId },
    );
    await reportWaitingPurchases(durable, stores.clock.now(), context);
    await resendUnconfirmedNotifications(dependencies, context, correlationId);
    const planDifferences = await reconcileAzurePlans(
      {
        customers: stores.customers,
        partnerCenter,
        azurePlanOrders,
        clock: stores.clock,
        logger: context,
        cursor,
      },
      correlationId,
    );
    const recorded = planDifferences.filter((difference) => difference.kind === 'recorded').length;
    context.log(
      `reconciliation: ${report.requeuedLines} batch line(s) re-enqueued, ${report.releasedWorkInProgress} work in progress released, ${report.finishedAcceptances} acceptance(s) finished, ${recorded} Azure plan(s) recorded from Partner Center, ${planDifferences.length - recorded} other difference(s) reported${timer.isPastDue ? ' (past due)' : ''} correlationId=${correlationId}`,
    );
  };
}

export function registerReconciliationTimer(dependencies: ReconciliationTimerDependencies): void {
  app.timer('reconcileStrandedWork', {
    schedule: '%RECONCILE_SCHEDULE%',
    runOnStartup: false,
    extraInputs: [df.input.durableClient()],
    handler: reconciliationHandler(dependencies),
  });
}

/** The waiting statuses counted for the `purchases.waiting` gauge; `pastDeadline` is an invitation past its expiry. */
const waitingStatuses = [
  'validating',
  'awaitingCustomerSignature',
  'placingOrder',
  'provisioning',
  'pastDeadline',
];

/**
 * Counts the running purchases by the step their custom status shows (the gauge the workbook charts and the
 * "past their deadline" alert reads). Telemetry only: a failure is logged and the run goes on.
 */
async function reportWaitingPurchases(
  durable: df.DurableClient,
  now: Date,
  logger: Pick<InvocationContext, 'warn'>,
): Promise<void> {
  try {
    const running = await durable.getStatusBy({
      runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
    });
    const counts = Object.fromEntries(waitingStatuses.map((status) => [status, 0]));
    for (const instance of running) {
      if (instance.name !== azurePlanPurchaseOrchestration) continue;
      const shown = purchaseCustomStatusSchema.safeParse(instance.customStatus);
      const step = shown.success ? shown.data.step : 'validating';
      counts[step] = (counts[step] ?? 0) + 1;
      const expiresAt = shown.success ? shown.data.invitation?.expiresAt : undefined;
      if (expiresAt !== undefined && Date.parse(expiresAt) < now.getTime())
        counts.pastDeadline = (counts.pastDeadline ?? 0) + 1;
    }
    purchaseMetrics.waiting(counts);
  } catch (error) {
    logger.warn(
      `reconciliation: purchases waiting not counted: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
