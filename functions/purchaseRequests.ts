import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { getServices, startPurchaseDependencies } from '../shared/compositionRoot';
import { queueNames } from '../shared/platform/queues/queues';
import { handlePoisonedPurchaseRequest } from '../shared/purchaseBatches/handlePoisonedPurchaseRequest';
import { handlePurchaseRequest } from '../shared/purchaseBatches/handlePurchaseRequest';
import { purchaseExists } from '../shared/purchases/purchaseStatusReader';
import { startAzurePlanPurchase } from '../shared/purchases/startAzurePlanPurchase';

/**
 * The queue side of batch purchases. `purchase-requests` starts one purchase per message; the host retries a
 * message that throws and, after `maxDequeueCount` attempts (host.json), moves it to `purchase-requests-poison`,
 * whose trigger counts its line as failed.
 */

/** One message of `purchase-requests`: starts its line's purchase (or records why it cannot start). */
export async function handlePurchaseRequestMessage(
  message: unknown,
  context: InvocationContext,
): Promise<void> {
  const services = await getServices();
  const durable = df.getClient(context);
  await handlePurchaseRequest(
    {
      batches: services.repositories.batches,
      startPurchase: (request) =>
        services.purchaseStartPacer(() =>
          startAzurePlanPurchase(startPurchaseDependencies(services), durable, request),
        ),
      clock: services.clock,
      logger: context,
    },
    message,
  );
}

/** A message that failed every attempt: its line is counted as failed, so no line is silently lost. */
export async function handlePoisonedPurchaseRequestMessage(
  message: unknown,
  context: InvocationContext,
): Promise<void> {
  const services = await getServices();
  const durable = df.getClient(context);
  await handlePoisonedPurchaseRequest(
    {
      batches: services.repositories.batches,
      purchaseExists: (purchaseId) => purchaseExists(durable, purchaseId),
      clock: services.clock,
      logger: context,
    },
    message,
  );
}

export function registerPurchaseRequestTriggers(): void {
  app.storageQueue('purchaseRequests', {
    queueName: queueNames.purchaseRequests,
    connection: 'AzureWebJobsStorage',
    extraInputs: [df.input.durableClient()],
    handler: handlePurchaseRequestMessage,
  });
  app.storageQueue('purchaseRequestsPoison', {
    queueName: `${queueNames.purchaseRequests}-poison`,
    connection: 'AzureWebJobsStorage',
    extraInputs: [df.input.durableClient()],
    handler: handlePoisonedPurchaseRequestMessage,
  });
}
