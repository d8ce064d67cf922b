import { type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';

import { createHttpServer } from '@vercel/cosmosdb-server';

/** What a request to the Cosmos server did, as far as the round-trip count cares. */
export type CosmosRequestKind = 'pointRead' | 'batch' | 'query' | 'write' | 'delete' | 'metadata';

export interface CountingCosmosServer {
  endpoint: string;
  /** Requests received since the start (or the last `reset`), by kind. */
  counts(): Record<CosmosRequestKind, number>;
  total(): number;
  reset(): void;
  stop(): Promise<void>;
}

export const wellKnownEmulatorKey =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

function isTrue(header: string | string[] | undefined): boolean {
  return String(header).toLowerCase() === 'true';
}

function kindOf(request: IncomingMessage): CosmosRequestKind {
  const path = new URL(request.url ?? '/', 'http://cosmos').pathname;
  const onDocuments = /\/docs(\/|$)/.test(path);
  if (!onDocuments) return 'metadata';
  if (request.method === 'GET') return 'pointRead';
  if (request.method === 'DELETE') return 'delete';
  if (isTrue(request.headers['x-ms-cosmos-is-batch-request'])) return 'batch';
  if (isTrue(request.headers['x-ms-documentdb-isquery'])) return 'query';
  return 'write';
}

function zeroCounts(): Record<CosmosRequestKind, number> {
  return { pointRead: 0, batch: 0, query: 0, write: 0, delete: 0, metadata: 0 };
}

/**
 * The in-memory Cosmos DB server, in this process, counting every request it receives: the round trips are
 * counted where they arrive, not estimated from the code.
 */
export async function startCountingCosmosServer(): Promise<CountingCosmosServer> {
  // Keep connections open as Cosmos DB does; the package closes each one after its response by default, which
  // costs the client a TCP connect per request.
  const server = createHttpServer({ keepAlive: true });
  let counts = zeroCounts();
  server.prependListener('request', (request: IncomingMessage) => {
    counts[kindOf(request)] += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, count) => sum + count, 0),
    reset: () => {
      counts = zeroCounts();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
