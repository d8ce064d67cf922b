import { type CosmosClient } from '@azure/cosmos';
import { type QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';

import { getConfig } from '../shared/compositionRoot';
import { createCosmosClient } from '../shared/platform/cosmos/cosmosClient';
import { endpoint } from '../shared/platform/http/endpoint';
import { createQueueServiceClient } from '../shared/platform/queues/queues';

const checkTimeoutMs = 3_000;

const checkStateSchema = z.enum(['ok', 'unavailable']);
const healthSchema = z
  .object({
    status: checkStateSchema,
    checks: z.object({ cosmos: checkStateSchema, storage: checkStateSchema }),
  })
  .meta({ id: 'Health' });

// Own clients, not the composition root: health must answer even when the root cannot be built.
let clients: { cosmos: CosmosClient; storage: QueueServiceClient } | undefined;

async function probe(check: (signal: AbortSignal) => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await check(AbortSignal.timeout(checkTimeoutMs));
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

export const healthEndpoint = endpoint({
  name: 'health',
  method: 'GET',
  route: 'health',
  summary: 'Reports whether the service and its stores (Cosmos DB, Azure Storage) are reachable.',
  tags: ['Operations'],
  access: 'anonymous',
  responses: {
    200: { description: 'Every store answers.', schema: healthSchema },
    503: { description: 'At least one store does not answer.', schema: healthSchema },
  },
  handler: async () => {
    const config = getConfig();
    clients ??= {
      cosmos: await createCosmosClient(config),
      storage: await createQueueServiceClient(config),
    };
    const { cosmos, storage } = clients;
    const [cosmosState, storageState] = await Promise.all([
      probe((abortSignal) => cosmos.database(config.COSMOS_DATABASE).read({ abortSignal })),
      probe((abortSignal) => storage.getProperties({ abortSignal })),
    ]);
    const healthy = cosmosState === 'ok' && storageState === 'ok';
    return {
      status: healthy ? 200 : 503,
      body: {
        status: healthy ? 'ok' : 'unavailable',
        checks: { cosmos: cosmosState, storage: storageState },
      },
      headers: { 'cache-control': 'no-store' },
    };
  },
});
