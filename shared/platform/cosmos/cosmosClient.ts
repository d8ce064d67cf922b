import {
  type Container,
  type ContainerDefinition,
  CosmosClient,
  type CosmosClientOptions,
  type Database,
} from '@azure/cosmos';

import { type AppConfig } from '../config';
import { lazyDefaultAzureCredential } from '../defaultCredential';

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

/** The app's containers in `database`, by name (no I/O: a container handle connects on its first request). */
export function appContainers(database: Database): Record<ContainerName, Container> {
  return Object.fromEntries(
    Object.values(containerDefinitions).map((definition) => [
      definition.id,
      database.container(definition.id),
    ]),
  ) as Record<ContainerName, Container>;
}

/**
 * The Cosmos DB client, built when the app loads (the composition root): constructing it does no I/O, the first
 * request connects. The database and containers are not created here: `npm start` and the deploy template
 * provision them (scripts/local-stack/provisionStores.ts, infra/modules).
 */
export function createCosmosClient(
  config: Pick<AppConfig, 'COSMOS_ENDPOINT' | 'COSMOS_KEY'>,
  extra: Partial<CosmosClientOptions> = {},
): CosmosClient {
  const endpoint = config.COSMOS_ENDPOINT;
  const key = config.COSMOS_KEY?.trim();
  return new CosmosClient({
    endpoint,
    // No key configured: sign in with the app's managed identity (or the developer's Azure CLI login).
    ...(key ? { key } : { aadCredentials: lazyDefaultAzureCredential() }),
    // A plain-http endpoint is a local server: don't follow the https endpoints it advertises.
    connectionPolicy: { enableEndpointDiscovery: !endpoint.startsWith('http://') },
    ...extra,
  });
}
