import { type Container, CosmosClient } from '@azure/cosmos';

import { ensureDatabase } from '../scripts/local-stack/provisionStores';
import { appContainers, type ContainerName } from '../shared/platform/cosmos/cosmosClient';
import { wellKnownEmulatorKey } from './startCountingCosmosServer';

export const benchDatabaseId = 'azure-plan';

/** The app's database and containers on the bench's Cosmos server, through a client of the bench's own. */
export async function createBenchCosmosContainers(
  endpoint: string,
): Promise<Record<ContainerName, Container> & { dispose(): void }> {
  const client = new CosmosClient({
    endpoint,
    key: wellKnownEmulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const database = await ensureDatabase(client, benchDatabaseId);
  const containers = appContainers(database);
  return { ...containers, dispose: () => client.dispose() };
}
