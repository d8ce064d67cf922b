import type { AddressInfo } from 'node:net';

import { createHttpServer } from '@vercel/cosmosdb-server';

/** The Cosmos DB emulator's published key; the local server accepts any key, so the same settings fit both. */
export const cosmosEmulatorKey =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface EmbeddedCosmosServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  key: string;
  stop(): Promise<void>;
}

/**
 * Starts the Cosmos DB protocol server from npm (`@vercel/cosmosdb-server`) in this process over plain HTTP.
 * Everything is in memory: create databases and containers at start (`createIfNotExists`). Clients must not follow
 * the account's advertised https endpoints: `connectionPolicy: { enableEndpointDiscovery: false }`.
 *
 * Its transactional batch is NOT atomic: when an operation fails, the ones before it stay written (the batch
 * answers 200 with per-operation status codes, later ones 424), where Cosmos DB rolls the whole batch back. The app
 * therefore puts the operation that can conflict first in every batch, so a conflict writes nothing on either
 * store, and checks each operation's status code.
 */
export async function startCosmosServer(options: { port?: number } = {}): Promise<EmbeddedCosmosServer> {
  // Keep connections open as Cosmos DB does; the package closes each one after its response by default, which
  // costs the client a TCP connect per request.
  const server = createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    key: cosmosEmulatorKey,
    stop(): Promise<void> {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
