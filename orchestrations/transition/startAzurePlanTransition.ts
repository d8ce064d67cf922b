import { randomUUID } from 'node:crypto';

import { type CommerceRepository } from '../../shared/commerce/commerceRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { requireCustomer } from '../../shared/customers/requireCustomer';
import { workInProgressHolderState } from '../../shared/customers/workInProgressHolder';
import { isWorkInProgressStale, orderInProgress } from '../../shared/domain/rules/azurePlanPurchase';
import { selectTransitionSources } from '../../shared/domain/rules/azurePlanTransition';
import { type Clock } from '../../shared/platform/clock';
import { lostRace, retryOnConflict } from '../../shared/platform/cosmos/retryOnConflict';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import {
  azurePlanTransitionOrchestration,
  type TransitionInput,
  transitionInputVersion,
} from './transitionWorkflowContract';

/** What starting a transition uses, and nothing else. */
export interface StartAzurePlanTransitionDependencies {
  customers: Pick<CustomerRepository, 'get' | 'claimWorkInProgress' | 'releaseWorkInProgress'>;
  commerce: Pick<CommerceRepository, 'readSubscriptions'>;
  clock: Clock;
  /** The countries where the Azure plan is sold. */
  azurePlanMarkets: ReadonlySet<string>;
}

export interface StartAzurePlanTransitionRequest {
  customerId: string;
  requestedBy: { userId: string; name?: string | undefined };
  correlationId: string;
}

/**
 * Starts the transition from Microsoft Azure (0145P) to the Azure plan after every up-front check: the customer
 * exists (404), the plan is sold in its country, it has no Azure plan, it has 0145P subscriptions and none is
 * suspended (409 LegacySubscriptionSuspended), nothing else of the customer runs (409 OrderInProgress), and the
 * MCA is accepted (403 McaNotAccepted). Then it claims the customer's work in progress, the same one purchases
 * claim, with a write conditional on the checked read, and starts the orchestration under the transition id.
 */
export async function startAzurePlanTransition(
  { customers, commerce, clock, azurePlanMarkets }: StartAzurePlanTransitionDependencies,
  workflows: WorkflowClient,
  request: StartAzurePlanTransitionRequest,
): Promise<{ transitionId: string; status: 'validating' }> {
  const { customerId, correlationId } = request;
  const transitionId = randomUUID();

  await retryOnConflict(
    `Customer ${customerId}`,
    async () => {
      const customer = await requireCustomer(customers, customerId);
      const now = clock.now();
      const held = customer.workInProgress;
      // A work in progress whose holder ended without freeing it, or never started, does not block (as for purchases).
      const isFree =
        held === null ||
        isWorkInProgressStale(held, await workInProgressHolderState(workflows, held.id), now);
      const legacySubscriptions = await commerce.readSubscriptions(
        customerId,
        customer.legacySubscriptionIds,
      );
      selectTransitionSources({
        customer: isFree ? { ...customer, workInProgress: null } : customer,
        legacySubscriptions,
        azurePlanMarkets,
      });
      const written = await customers.claimWorkInProgress(customer, {
        kind: 'transition',
        id: transitionId,
        startedAt: now.toISOString(),
        correlationId,
      });
      return written === 'changed' ? lostRace : written;
    },
    { giveUp: () => orderInProgress(customerId, undefined) },
  );

  const input: TransitionInput = {
    version: transitionInputVersion,
    transitionId,
    customerId,
    correlationId,
    requestedBy: request.requestedBy,
  };
  try {
    await workflows.start(azurePlanTransitionOrchestration, transitionId, input);
  } catch (error) {
    await customers.releaseWorkInProgress(customerId, transitionId, {
      now: clock.now(),
      correlationId,
    });
    throw error;
  }
  return { transitionId, status: 'validating' };
}
