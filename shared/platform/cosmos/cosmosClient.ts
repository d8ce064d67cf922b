import {
  type ContainerDefinition,
  type CosmosClient,
  type CosmosClientOptions,
  type Database,
} from '@azure/cosmos';

import { type AppConfig } from '../config';

/**
 * Every container the app uses. All of a customer's documents (customer, agreements, orders, subscriptions,
 * entitlements, the Azure plan marker) share the `customers` partition, so one transactional batch can write an
 * order with its subscriptions atomically.
 */
export const containerDefinitions = {
  customers: { id: 'customers', partitionKey: { paths: ['/customerId'] } },
  invitations: { id: 'invitations', partitionKey: { paths: ['/id'] } },
  idempotency: { id: 'idempotency', partitionKey: { paths: ['/id'] }, defaultTtl: 7 * 24 * 3600 },
  batches: { id: 'batches', partitionKey: { paths: ['/batchId'] } },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof containerDefinitions;

/**
 * The SDKs are imported on first use, not when the app loads: the Functions host imports the app on every cold
 * start, and most of that time would otherwise go to evaluating SDKs that only the first request needs.
 */
export async function createCosmosClient(
  config: Pick<AppConfig, 'COSMOS_ENDPOINT' | 'COSMOS_KEY'>,
  extra: Partial<CosmosClientOptions> = {},
): Promise<CosmosClient> {
  const endpoint = config.COSMOS_ENDPOINT;
  const key = config.COSMOS_KEY?.trim();
  const { CosmosClient } = await import('@azure/cosmos');
  return new CosmosClient({
    endpoint,
    // No key configured: sign in with the app's managed identity (or the developer's Azure CLI login).
    ...(key ? { key } : { aadCredentials: new (await import('@azure/identity')).DefaultAzureCredential() }),
    // A plain-http endpoint is a local server: don't follow the https endpoints it advertises.
    connectionPolicy: { enableEndpointDiscovery: !endpoint.startsWith('http://') },
    ...extra,
  });
}

/**
 * Creates the database and containers when missing. With managed identity the data plane may not create them
 * (that is a control-plane right); then they are expected to exist already, provisioned with the infrastructure.
 */
export async function ensureDatabase(client: CosmosClient, databaseId: string): Promise<Database> {
  try {
    const { database } = await client.databases.createIfNotExists({ id: databaseId });
    for (const definition of Object.values(containerDefinitions)) {
      await database.containers.createIfNotExists(definition);
    }
    return database;
  } catch (error) {
    if ((error as { code?: unknown }).code === 403) return client.database(databaseId);
    throw error;
  }
}
