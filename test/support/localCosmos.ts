import { type Container, CosmosClient } from '@azure/cosmos';
import { startCosmosServer } from '@azure-plan-local/stores';

import { ensureDatabase } from '../../scripts/local-stack/provisionStores';
import { appContainers, type ContainerName } from '../../shared/platform/cosmos/cosmosClient';

export interface LocalCosmos {
  endpoint: string;
  client: CosmosClient;
  containers: Record<ContainerName, Container>;
  stop(): Promise<void>;
}

/**
 * The embedded Cosmos DB server (the one `npm start` runs) on a free port, with the app's database and containers,
 * for repository tests and the running service.
 */
export async function startLocalCosmos(databaseId = 'azure-plan-test'): Promise<LocalCosmos> {
  const server = await startCosmosServer();
  const client = new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const database = await ensureDatabase(client, databaseId);
  const containers = appContainers(database);
  return {
    endpoint: server.endpoint,
    client,
    containers,
    stop: async () => {
      client.dispose();
      await server.stop();
    },
  };
}
