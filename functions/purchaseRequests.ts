import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { purchaseExists } from '../orchestrations/purchase/purchaseStatusReader';
import {
  startAzurePlanPurchase,
  type StartAzurePlanPurchaseDependencies,
} from '../orchestrations/purchase/startAzurePlanPurchase';
import { type PartnerCenterPace } from '../shared/partnerCenterPace/partnerCenterPace';
import { type Clock } from '../shared/platform/clock';
import { workflowClientOver } from '../shared/platform/durable/workflowClient';
import { queueNames } from '../shared/platform/queues/queues';
import { type BatchRepository } from '../shared/purchaseBatches/batchRepository';
import { handlePoisonedPurchaseRequest } from '../shared/purchaseBatches/handlePoisonedPurchaseRequest';
import { handlePurchaseRequest } from '../shared/purchaseBatches/handlePurchaseRequest';

/**
 * The queue side of batch purchases. `purchase-requests` starts one purchase per message; the host retries a
 * message that throws and, after `maxDequeueCount` attempts (host.json), moves it to `purchase-requests-poison`,
 * whose trigger counts its line as failed.
 */

/** What the queue triggers use; functions/index.ts hands it over from the composition root. */
export interface PurchaseRequestTriggerDependencies {
  batches: BatchRepository;
  startPurchase: StartAzurePlanPurchaseDependencies;
  /** Batch lines wait their turn in it before their purchase starts: the partner's one pace at Partner Center. */
  partnerCenterPace: PartnerCenterPace;
  clock: Clock;
}

/** The two queue handlers over their dependencies. */
export function purchaseRequestHandlers(dependencies: PurchaseRequestTriggerDependencies) {
  return {
    /** One message of `purchase-requests`: starts its line's purchase (or records why it cannot start). */
    handlePurchaseRequestMessage: async (message: unknown, context: InvocationContext): Promise<void> => {
      const { batches, startPurchase, partnerCenterPace, clock } = dependencies;
      const workflows = workflowClientOver(df.getClient(context));
      await handlePurchaseRequest(
        {
          batches,
          awaitTurn: (onWait) => partnerCenterPace.awaitTurn(onWait),
          startPurchase: (request) => startAzurePlanPurchase(startPurchase, workflows, request),
          clock,
          logger: context,
        },
        message,
      );
    },

    /** A message that failed every attempt: its line is counted as failed, so no line is silently lost. */
    handlePoisonedPurchaseRequestMessage: async (
      message: unknown,
      context: InvocationContext,
    ): Promise<void> => {
      const { batches, clock } = dependencies;
      const workflows = workflowClientOver(df.getClient(context));
      await handlePoisonedPurchaseRequest(
        {
          batches,
          purchaseExists: (purchaseId) => purchaseExists(workflows, purchaseId),
          clock,
          logger: context,
        },
        message,
      );
    },
  };
}

export function registerPurchaseRequestTriggers(dependencies: PurchaseRequestTriggerDependencies): void {
  const handlers = purchaseRequestHandlers(dependencies);
  app.storageQueue('purchaseRequests', {
    queueName: queueNames.purchaseRequests,
    connection: 'AzureWebJobsStorage',
    extraInputs: [df.input.durableClient()],
    handler: handlers.handlePurchaseRequestMessage,
  });
  app.storageQueue('purchaseRequestsPoison', {
    queueName: `${queueNames.purchaseRequests}-poison`,
    connection: 'AzureWebJobsStorage',
    extraInputs: [df.input.durableClient()],
    handler: handlers.handlePoisonedPurchaseRequestMessage,
  });
}
