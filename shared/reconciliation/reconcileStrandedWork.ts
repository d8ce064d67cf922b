import { type CustomerRepository } from '../customers/customerRepository';
import { type PurchaseRequestMessage } from '../domain/api/purchaseBatch';
import { type InvitationDocument } from '../domain/documents/invitation';
import { isWorkInProgressStale, type WorkInProgressHolderState } from '../domain/rules/azurePlanPurchase';
import { type InvitationRepository } from '../invitations/invitationRepository';
import { type Clock } from '../platform/clock';
import { mapWithConcurrency } from '../platform/mapWithConcurrency';
import { type BatchRepository } from '../purchaseBatches/batchRepository';

/** How much one run looks at: a run that finds more leaves the rest to the next run (oldest first). */
const itemsPerRun = 500;
/** Store calls in flight during a run: a background sweep must not crowd out requests. */
const concurrency = 8;

export interface ReconciliationDependencies {
  batches: Pick<BatchRepository, 'findQueuedLinesUnchangedSince' | 'readHeader' | 'moveLine'>;
  customers: Pick<CustomerRepository, 'findWorkInProgressClaimedBefore' | 'releaseWorkInProgress'>;
  /** Whether the orchestration holding a work in progress runs, ended, or was never started. */
  workInProgressHolderState: (instanceId: string) => Promise<WorkInProgressHolderState>;
  invitations: Pick<InvitationRepository, 'findAcceptancesUnrecordedBefore'>;
  /** Records an accepted invitation's agreement and wakes its purchase (shared/invitations). */
  finishAcceptance: (invitation: InvitationDocument) => Promise<unknown>;
  /** Puts a message on `purchase-requests`. */
  sendPurchaseRequest: (message: PurchaseRequestMessage) => Promise<void>;
  clock: Clock;
  logger: { log(...args: unknown[]): void; warn(...args: unknown[]): void };
}

export interface ReconciliationOptions {
  /**
   * Work younger than this is left alone: a batch of 1,000 lines is still being sent, a purchase has just claimed
   * its work in progress and is about to start its orchestration.
   */
  graceMs: number;
  correlationId: string;
}

export interface ReconciliationReport {
  requeuedLines: number;
  releasedWorkInProgress: number;
  finishedAcceptances: number;
}

/**
 * Finds and finishes the work a crash can strand between two stores, so nothing stays stuck:
 *
 * - a batch line written as `queued` whose message never reached the queue (the submitting process died between
 *   the Cosmos DB write and the send) is enqueued again. Its purchase id is derived from the batch and line ids,
 *   so a message that was in fact sent (and is merely slow) starts nothing twice; the line's `updatedAt` is
 *   touched so the next run waits a full grace period before sending it again;
 * - an invitation link claimed by the customer whose agreement was never recorded, or whose purchase was never
 *   woken (the process died in between), is finished from what the claim stored: the purchase would otherwise
 *   wait for a signature the customer already gave until its next hourly look (or its deadline if the record is
 *   what is missing);
 * - a customer's work in progress held by a purchase or transition that never started, or that ended without
 *   releasing it, is released (the same test the purchase start applies when it meets such a work in progress).
 *
 * Safe to run at any time and from several instances at once: every write is conditional or idempotent.
 */
export async function reconcileStrandedWork(
  dependencies: ReconciliationDependencies,
  options: ReconciliationOptions,
): Promise<ReconciliationReport> {
  const {
    batches,
    customers,
    invitations,
    finishAcceptance,
    workInProgressHolderState,
    sendPurchaseRequest,
    clock,
    logger,
  } = dependencies;
  const now = clock.now();
  const before = new Date(now.getTime() - options.graceMs);

  const lines = await batches.findQueuedLinesUnchangedSince(before, itemsPerRun);
  const requeued = await mapWithConcurrency(lines, concurrency, async (line) => {
    const header = await batches.readHeader(line.batchId);
    if (header === undefined) {
      // A line enqueued straight onto the queue by another system has no header: its message did arrive.
      return false;
    }
    const touched = await batches.moveLine(line, {
      from: ['queued'],
      to: { status: 'queued' },
      now: clock.now(),
    });
    if (touched?.status !== 'queued') return false;
    await sendPurchaseRequest({
      batchId: line.batchId,
      lineId: line.lineId,
      customerId: line.customerId,
      ...(line.mca ? { mca: line.mca } : {}),
      requestedBy: header.requestedBy,
      correlationId: line.correlationId ?? header.correlationId ?? line.batchId,
    });
    logger.log(
      `reconciliation: re-enqueued batch=${line.batchId} line=${line.lineId} (queued since ${line.updatedAt}) correlationId=${options.correlationId}`,
    );
    return true;
  });

  const held = await customers.findWorkInProgressClaimedBefore(before, itemsPerRun);
  const released = await mapWithConcurrency(held, concurrency, async (customer) => {
    const held = customer.workInProgress;
    if (held === null) return false;
    const holder = await workInProgressHolderState(held.id);
    if (!isWorkInProgressStale(held, holder, now)) return false;
    await customers.releaseWorkInProgress(customer.customerId, held.id, {
      now: clock.now(),
      correlationId: options.correlationId,
    });
    logger.warn(
      `reconciliation: released the work in progress of customer ${customer.customerId} held by ${held.id} (${holder}) correlationId=${options.correlationId}`,
    );
    return true;
  });

  const unrecorded = await invitations.findAcceptancesUnrecordedBefore(before, itemsPerRun);
  await mapWithConcurrency(unrecorded, concurrency, async (invitation) => {
    await finishAcceptance(invitation);
    logger.warn(
      `reconciliation: finished the acceptance of invitation ${invitation.id.slice(0, 12)}… for purchase ${invitation.purchaseId} (accepted ${invitation.acceptedAt ?? ''}) correlationId=${options.correlationId}`,
    );
  });

  return {
    finishedAcceptances: unrecorded.length,
    requeuedLines: requeued.filter(Boolean).length,
    releasedWorkInProgress: released.filter(Boolean).length,
  };
}
