/**
 * Provisioning: the database, the containers with their partition keys and TTLs, and the app's queues (the poison
 * queue included), created when missing. The app does not create them (its composition root only builds clients):
 * in Azure the deploy template does (infra/modules), locally the launcher calls `provisionStores` once the stores
 * listen and before the Functions host loads the app. Idempotent: running it against provisioned stores changes
 * nothing.
 */
import { type CosmosClient, type Database } from '@azure/cosmos';

import { containerDefinitions, createCosmosClient } from '../../shared/platform/cosmos/cosmosClient';
import { createQueueServiceClient, queueNames } from '../../shared/platform/queues/queues';

/** Where the stores are, as the app's settings say. */
export interface StoreSettings {
  COSMOS_ENDPOINT?: string | undefined;
  COSMOS_KEY?: string | undefined;
  COSMOS_DATABASE?: string | undefined;
  AzureWebJobsStorage?: string | undefined;
}

/** The store settings out of an environment (the app's defaults where it has them). */
export function storeSettingsOf(env: Record<string, string | undefined>): StoreSettings {
  return {
    COSMOS_ENDPOINT: env.COSMOS_ENDPOINT,
    COSMOS_KEY: env.COSMOS_KEY,
    COSMOS_DATABASE: env.COSMOS_DATABASE,
    AzureWebJobsStorage: env.AzureWebJobsStorage,
  };
}

/** Every queue the app and its triggers use: the two of the contract and the poison queue of purchase requests. */
export const provisionedQueues = [
  queueNames.notifications,
  queueNames.purchaseRequests,
  `${queueNames.purchaseRequests}-poison`,
] as const;

/** Creates the database and every container of `containerDefinitions` when missing. */
export async function ensureDatabase(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of Object.values(containerDefinitions)) {
    await database.containers.createIfNotExists(definition);
  }
  return database;
}

/**
 * The launcher's provisioning step: the Cosmos DB database and containers, and the queues (each store only when
 * its setting is there: an app folder without Cosmos DB settings provisions its queues alone).
 */
export async function provisionStores(settings: StoreSettings): Promise<void> {
  if (settings.COSMOS_ENDPOINT) {
    const cosmos = createCosmosClient({
      COSMOS_ENDPOINT: settings.COSMOS_ENDPOINT,
      COSMOS_KEY: settings.COSMOS_KEY,
    });
    try {
      await ensureDatabase(cosmos, settings.COSMOS_DATABASE || 'azure-plan');
    } finally {
      cosmos.dispose();
    }
  }
  const storage = settings.AzureWebJobsStorage?.trim();
  if (!storage) return;
  const queues = createQueueServiceClient({ AzureWebJobsStorage: storage });
  await Promise.all(provisionedQueues.map((name) => queues.getQueueClient(name).createIfNotExists()));
}
