import { randomUUID } from 'node:crypto';

import { type CommerceRepository } from '../commerce/commerceRepository';
import { type CustomerRepository } from '../customers/customerRepository';
import { requireCustomer } from '../customers/requireCustomer';
import { isSlotStale, orderInProgress } from '../domain/rules/azurePlanPurchase';
import { selectTransitionSources } from '../domain/rules/azurePlanTransition';
import { type Clock } from '../platform/clock';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import { isRunning, type WorkflowClient } from '../platform/durable/workflowClient';
import {
  azurePlanTransitionOrchestration,
  type TransitionInput,
  transitionInputVersion,
} from './transitionWorkflowContract';

/** What starting a transition uses, and nothing else. */
export interface StartAzurePlanTransitionDependencies {
  customers: Pick<CustomerRepository, 'get' | 'claimWorkSlot' | 'releaseWorkSlot'>;
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
 * MCA is accepted (403 McaNotAccepted). Then it claims the customer's one-at-a-time slot, the same one purchases
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
      const slot = customer.workInProgress;
      // A slot whose holder ended without freeing it, or never started, does not block (as for purchases).
      const slotIsFree = slot === null || isSlotStale(slot, await slotHolderState(workflows, slot.id), now);
      const legacySubscriptions = await commerce.readSubscriptions(
        customerId,
        customer.legacySubscriptionIds,
      );
      selectTransitionSources({
        customer: slotIsFree ? { ...customer, workInProgress: null } : customer,
        legacySubscriptions,
        azurePlanMarkets,
      });
      const written = await customers.claimWorkSlot(customer, {
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
    await customers.releaseWorkSlot(customerId, transitionId, {
      now: clock.now(),
      correlationId,
    });
    throw error;
  }
  return { transitionId, status: 'validating' };
}

/** Whether the instance holding a customer's slot still runs (purchases and transitions alike). */
async function slotHolderState(
  workflows: WorkflowClient,
  instanceId: string,
): Promise<'running' | 'finished' | 'unknown'> {
  const status = await workflows.status(instanceId);
  if (status === undefined) return 'unknown';
  return isRunning(status) ? 'running' : 'finished';
}
