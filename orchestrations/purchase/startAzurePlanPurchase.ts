import { randomUUID } from 'node:crypto';

import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { requireCustomer } from '../../shared/customers/requireCustomer';
import { workInProgressHolderState } from '../../shared/customers/workInProgressHolder';
import {
  type McaOptionInput,
  mcaOptionSchema,
  type PurchaseStatus,
} from '../../shared/domain/api/azurePlanPurchase';
import { type CustomerDocument } from '../../shared/domain/documents/documents';
import { AppError, fieldErrorsFromZod } from '../../shared/domain/errors';
import {
  assertCustomerMayBuyAzurePlan,
  decideMca,
  isWorkInProgressStale,
  orderInProgress,
} from '../../shared/domain/rules/azurePlanPurchase';
import { type Clock } from '../../shared/platform/clock';
import { type LostRace, lostRace, retryOnConflict } from '../../shared/platform/cosmos/retryOnConflict';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import { currentTraceparent, purchaseMetrics } from '../../shared/platform/telemetry/telemetry';
import { readPurchaseState } from './purchaseStatusReader';
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
  customers: Pick<CustomerRepository, 'get' | 'claimWorkInProgress' | 'releaseWorkInProgress'>;
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
 * One point read of the customer answers the checks; the work in progress is then claimed with a write
 * conditional on that read (of concurrent requests exactly one wins, the others see the winner's work in progress and get
 * OrderInProgress). A work in progress whose holder ended without releasing it, or never started, is taken over.
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

  const input = await retryOnConflict(
    `Customer ${customerId}`,
    async (): Promise<PurchaseInput | LostRace> => {
      const read = await requireCustomer(customers, customerId);
      const now = clock.now();
      // The claim below is conditional on this document: a refreshed one carries its new ETag.
      const customer =
        mcaOption === undefined && !read.mca.accepted
          ? await withMcaFromPartnerCenter(read, correlationId)
          : read;
      assertCustomerMayBuyAzurePlan(customer, azurePlanMarkets);
      const held = customer.workInProgress;
      if (held !== null && held.id !== purchaseId) {
        const holder = await workInProgressHolderState(workflows, held.id);
        if (!isWorkInProgressStale(held, holder, now)) throw orderInProgress(customerId, held);
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
      if (held?.id === purchaseId) return input;
      const written = await customers.claimWorkInProgress(customer, {
        kind: 'purchase',
        id: purchaseId,
        startedAt: now.toISOString(),
        correlationId,
      });
      return written === 'changed' ? lostRace : input;
    },
    { giveUp: () => orderInProgress(customerId, undefined) },
  );

  try {
    await workflows.start(azurePlanPurchaseOrchestration, purchaseId, input);
  } catch (error) {
    // A concurrent delivery of the same purchase may have started it; otherwise free the work in progress for a retry.
    const started = await readPurchaseState(workflows, purchaseId).catch(() => undefined);
    if (started) return { purchaseId, status: started.status };
    await customers.releaseWorkInProgress(customerId, purchaseId, { now: clock.now(), correlationId });
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
