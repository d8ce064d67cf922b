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

app.storageQueue('purchaseRequests', {
  queueName: queueNames.purchaseRequests,
  connection: 'AzureWebJobsStorage',
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext) => {
    const services = await getServices();
    const durable = df.getClient(context);
    await handlePurchaseRequest(
      {
        batches: services.repositories.batches,
        startPurchase: (request) =>
          startAzurePlanPurchase(startPurchaseDependencies(services), durable, request),
        clock: services.clock,
        logger: context,
      },
      message,
    );
  },
});

app.storageQueue('purchaseRequestsPoison', {
  queueName: `${queueNames.purchaseRequests}-poison`,
  connection: 'AzureWebJobsStorage',
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext) => {
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
  },
});
