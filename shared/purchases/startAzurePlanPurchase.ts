import { randomUUID } from 'node:crypto';

import { type CustomerRepository } from '../customers/customerRepository';
import { requireCustomer } from '../customers/requireCustomer';
import { type McaOptionInput, mcaOptionSchema, type PurchaseStatus } from '../domain/api/azurePlanPurchase';
import { type CustomerDocument } from '../domain/documents/documents';
import { AppError, fieldErrorsFromZod } from '../domain/errors';
import {
  assertCustomerMayBuyAzurePlan,
  decideMca,
  isSlotStale,
  orderInProgress,
} from '../domain/rules/azurePlanPurchase';
import { type Clock } from '../platform/clock';
import { type LostRace, lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import { type WorkflowClient } from '../platform/durable/workflowClient';
import { currentTraceparent, purchaseMetrics } from '../platform/telemetry/telemetry';
import { forgetClaimedCustomer, rememberClaimedCustomer } from './claimedCustomers';
import { readPurchaseState, slotHolderState } from './purchaseStatusReader';
import {
  azurePlanPurchaseOrchestration,
  type PurchaseInput,
  purchaseInputVersion,
} from './purchaseWorkflowContract';

export interface StartAzurePlanPurchaseRequest {
  customerId: string;
  /** How to get the MCA accepted when the customer has not accepted it yet (the contract's `mca` option). */
  mca?: McaOptionInput | undefined;
  /** The partner user on whose behalf the purchase runs (roles are checked by the caller). */
  requestedBy: { userId: string; name?: string | undefined };
  correlationId: string;
  /**
   * A purchase id chosen by the caller (the batch trigger derives it from the message, for at-least-once
   * delivery); a random one when omitted. The same id twice starts nothing new: the existing purchase is returned.
   */
  purchaseId?: string | undefined;
}

/** What starting a purchase uses, and nothing else. */
export interface StartAzurePlanPurchaseDependencies {
  customers: Pick<CustomerRepository, 'get' | 'claimWorkSlot' | 'releaseWorkSlot'>;
  clock: Clock;
  /** The countries where the Azure plan is sold. */
  azurePlanMarkets: ReadonlySet<string>;
  /**
   * The customer with its MCA brought up to date from Partner Center (shared/customers/withMcaFromPartnerCenter.ts): asked only
   * when our record does not say accepted and no `mca` option was given, so a customer who signed directly with
   * Microsoft, or was attested elsewhere, is not refused.
   */
  withMcaFromPartnerCenter: (customer: CustomerDocument, correlationId: string) => Promise<CustomerDocument>;
}

export interface StartedPurchase {
  purchaseId: string;
  status: PurchaseStatus;
}

/**
 * Starts an Azure plan purchase after every check of the contract, in its order: the customer exists (404), the
 * country sells the Azure plan, the customer has no Azure plan and no 0145P subscription, no purchase of this
 * customer is running, and the MCA is accepted or an `mca` option says how to get it (attest: not for an indirect
 * reseller's customer, not dated in the future). Throws `AppError` for each.
 *
 * One point read of the customer answers the checks; the one-purchase-at-a-time slot is then claimed with a write
 * conditional on that read (of concurrent requests exactly one wins, the others see the winner's slot and get
 * OrderInProgress). A slot whose holder ended without releasing it, or never started, is taken over.
 */
export async function startAzurePlanPurchase(
  { customers, clock, azurePlanMarkets, withMcaFromPartnerCenter }: StartAzurePlanPurchaseDependencies,
  workflows: Pick<WorkflowClient, 'start' | 'status'>,
  request: StartAzurePlanPurchaseRequest,
): Promise<StartedPurchase> {
  const { customerId, correlationId } = request;
  // The request's trace, carried into the workflow (one purchase, one trace).
  const traceparent = currentTraceparent();
  const mcaOption = parseMcaOption(request.mca);

  if (request.purchaseId !== undefined) {
    const existing = await readPurchaseState(workflows, request.purchaseId);
    if (existing) return { purchaseId: existing.purchaseId, status: existing.status };
  }
  const purchaseId = request.purchaseId ?? randomUUID();

  const { claimed, input } = await retryOnConflict(
    `Customer ${customerId}`,
    async (): Promise<{ claimed: CustomerDocument; input: PurchaseInput } | LostRace> => {
      const read = await requireCustomer(customers, customerId);
      const now = clock.now();
      // The slot claim below is conditional on this document: a refreshed one carries its new ETag.
      const customer =
        mcaOption === undefined && !read.mca.accepted
          ? await withMcaFromPartnerCenter(read, correlationId)
          : read;
      assertCustomerMayBuyAzurePlan(customer, azurePlanMarkets);
      const slot = customer.workInProgress;
      if (slot !== null && slot.id !== purchaseId) {
        const holder = await slotHolderState(workflows, slot.id);
        if (!isSlotStale(slot, holder, now)) throw orderInProgress(customerId, slot);
      }
      const mca = decideMca(customer, mcaOption, now);
      const input: PurchaseInput = {
        version: purchaseInputVersion,
        purchaseId,
        customerId,
        correlationId,
        requestedBy: request.requestedBy,
        mca,
        telemetry: {
          startedAt: now.toISOString(),
          ...(traceparent ? { traceparent } : {}),
        },
      };

      // Claimed by an earlier delivery of the same request that did not get to start the orchestration.
      if (slot?.id === purchaseId) return { claimed: customer, input };
      const written = await customers.claimWorkSlot(customer, {
        kind: 'purchase',
        id: purchaseId,
        startedAt: now.toISOString(),
        correlationId,
      });
      return written === 'changed' ? lostRace : { claimed: written, input };
    },
    { giveUp: () => orderInProgress(customerId, undefined) },
  );

  if (input.mca.method !== 'invite') {
    rememberClaimedCustomer(purchaseId, claimed, clock.now().getTime());
  }
  try {
    await workflows.start(azurePlanPurchaseOrchestration, purchaseId, input);
  } catch (error) {
    // A concurrent delivery of the same purchase may have started it; otherwise free the slot for a retry.
    const started = await readPurchaseState(workflows, purchaseId).catch(() => undefined);
    if (started) return { purchaseId, status: started.status };
    forgetClaimedCustomer(purchaseId);
    await customers.releaseWorkSlot(customerId, purchaseId, { now: clock.now(), correlationId });
    throw error;
  }
  purchaseMetrics.started({ mcaMethod: input.mca.method });
  return { purchaseId, status: 'validating' };
}

function parseMcaOption(mca: McaOptionInput | undefined) {
  if (mca === undefined) return undefined;
  const parsed = mcaOptionSchema.safeParse(mca);
  if (!parsed.success) {
    throw new AppError(
      'InvalidRequest',
      'The mca option is not valid.',
      fieldErrorsFromZod(parsed.error, '/mca'),
    );
  }
  return parsed.data;
}
