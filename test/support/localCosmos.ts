import { type AddressInfo } from 'node:net';

import { type Container, CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';

import {
  containerDefinitions,
  type ContainerName,
  ensureDatabase,
} from '../../shared/platform/cosmos/cosmosClient';

export interface LocalCosmos {
  endpoint: string;
  client: CosmosClient;
  containers: Record<ContainerName, Container>;
  stop(): Promise<void>;
}

/** An in-memory Cosmos DB server in this process, with the app's database and containers, for repository tests. */
export async function startLocalCosmos(databaseId = 'azure-plan-test'): Promise<LocalCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CosmosClient({
    endpoint,
    key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const database = await ensureDatabase(client, databaseId);
  const containers = Object.fromEntries(
    Object.values(containerDefinitions).map((definition) => [
      definition.id,
      database.container(definition.id),
    ]),
  ) as Record<ContainerName, Container>;
  return {
    endpoint,
    client,
    containers,
    stop: async () => {
      client.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
