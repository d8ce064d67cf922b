import { type Container, type CosmosClient, type Database } from '@azure/cosmos';
import { type QueueClient } from '@azure/storage-queue';

import { type Clock, systemClock } from './platform/clock';
import { type AppConfig, loadConfig } from './platform/config';
import {
  containerDefinitions,
  type ContainerName,
  createCosmosClient,
  ensureDatabase,
} from './platform/cosmos/cosmosClient';
import { createFaultInjector, type FaultInjector } from './platform/faultInjection';
import { type Authenticator, createAuthenticator } from './platform/http/authenticate';
import { loadMarketCatalogue, type MarketCatalogue } from './platform/markets';
import { createQueueServiceClient, queueNames } from './platform/queues/queues';
import { createRepositories, type Repositories } from './repositories';

/** Everything the functions need, wired once per process. */
export interface Services {
  config: AppConfig;
  clock: Clock;
  authenticate: Authenticator;
  markets: MarketCatalogue;
  cosmos: { client: CosmosClient; database: Database; containers: Record<ContainerName, Container> };
  queues: { notifications: QueueClient; purchaseRequests: QueueClient };
  repositories: Repositories;
  /** Injected failures for tests (no-op unless FAULT_INJECTION is set). */
  faults: FaultInjector;
}

let config: AppConfig | undefined;
let services: Promise<Services> | undefined;

/** The configuration, parsed once; throws listing every missing or bad key. */
export function getConfig(): AppConfig {
  config ??= loadConfig();
  return config;
}

/**
 * The composition root. The first call creates the clients and makes sure the database, containers and queues
 * exist; a failure is not cached, so the next request tries again (a store that was down may be back).
 */
export function getServices(): Promise<Services> {
  services ??= buildServices().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

async function buildServices(): Promise<Services> {
  const appConfig = getConfig();
  const [client, queueService] = await Promise.all([
    createCosmosClient(appConfig),
    createQueueServiceClient(appConfig),
  ]);
  const notifications = queueService.getQueueClient(queueNames.notifications);
  const purchaseRequests = queueService.getQueueClient(queueNames.purchaseRequests);
  const [database] = await Promise.all([
    ensureDatabase(client, appConfig.COSMOS_DATABASE),
    notifications.createIfNotExists(),
    purchaseRequests.createIfNotExists(),
  ]);
  const containers = Object.fromEntries(
    Object.values(containerDefinitions).map((definition) => [
      definition.id,
      database.container(definition.id),
    ]),
  ) as Record<ContainerName, Container>;
  return {
    config: appConfig,
    clock: systemClock,
    authenticate: createAuthenticator(appConfig),
    markets: loadMarketCatalogue(appConfig.AZURE_PLAN_MARKETS_FILE),
    cosmos: { client, database, containers },
    queues: { notifications, purchaseRequests },
    repositories: createRepositories(containers),
    faults: createFaultInjector(appConfig.FAULT_INJECTION),
  };
}
