import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import type { createHttpServer } from '@vercel/cosmosdb-server';

import { type AccountPersistence, type CosmosAccount, persistCosmosAccount } from './persistCosmosAccount';

/** The Cosmos DB emulator's published key; the local server accepts any key, so the same settings fit both. */
export const cosmosEmulatorKey =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface EmbeddedCosmosServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  key: string;
  /** Closes the port; with `persistDirectory`, then writes the snapshot. */
  stop(): Promise<void>;
}

export interface CosmosServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Keep the documents in this folder (restored at start, every write journaled); default in memory. */
  persistDirectory?: string;
}

type AccountConstructor = new (host: string, port: number) => CosmosAccount;

/**
 * The server builds its account inside its own 'listening' handler and keeps it in a closure. To restore into it
 * before the first request can arrive, the package's Account class is replaced once by a subclass that hands each
 * new account to whoever is starting a server right now (servers start one at a time: see `starting`).
 */
let onAccountCreated: ((account: CosmosAccount) => void) | undefined;
let accountHooked = false;
let starting: Promise<unknown> = Promise.resolve();

function hookAccountCreation(): void {
  if (accountHooked) {
    return;
  }
  accountHooked = true;
  const accountModule = createRequire(require.resolve('@vercel/cosmosdb-server'))('./account') as {
    default: AccountConstructor;
  };
  const Original = accountModule.default;
  accountModule.default = class ObservedAccount extends Original {
    constructor(host: string, port: number) {
      super(host, port);
      onAccountCreated?.(this);
    }
  };
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
export async function startCosmosServer(options: CosmosServerOptions = {}): Promise<EmbeddedCosmosServer> {
  hookAccountCreation();
  const previous = starting;
  const started = previous.then(() => listenWithAccount(options));
  starting = started.catch(() => {});
  const { server, persistence } = await started;
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
      }).then(() => {
        persistence?.snapshot();
        persistence?.close();
      });
      return stopping;
    },
  };
}

async function listenWithAccount(
  options: CosmosServerOptions,
): Promise<{ server: ReturnType<typeof createHttpServer>; persistence?: AccountPersistence }> {
  // Loaded on first use: this package's index is also loaded by the Functions host (for its journal), which must
  // not pay for the Cosmos DB server (~0.2 s to load) it never starts.
  const { createHttpServer: createServer } = await import('@vercel/cosmosdb-server');
  // Keep connections open as Cosmos DB does; the package closes each one after its response by default, which
  // costs the client a TCP connect per request.
  const server = createServer({ keepAlive: true });
  let persistence: AccountPersistence | undefined;
  let restoreError: unknown;
  onAccountCreated = (account) => {
    onAccountCreated = undefined;
    if (options.persistDirectory === undefined) {
      return;
    }
    try {
      persistence = persistCosmosAccount(account, { directory: options.persistDirectory });
    } catch (error) {
      restoreError = error;
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    onAccountCreated = undefined;
  }
  if (restoreError !== undefined) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new Error(`The Cosmos DB server's saved state in ${options.persistDirectory} cannot be restored.`, {
      cause: restoreError,
    });
  }
  return persistence ? { server, persistence } : { server };
}
