/**
 * The one launcher of the local stack: it composes the three local packages (README "Map of the house") for this
 * app, in one order, in the calling process:
 *   1. storage   Azurite (`@azure-plan-local/stores`), or a connection string you give;
 *   2. Cosmos DB the embedded Cosmos DB server, or an endpoint you give;
 *   3. Microsoft the simulators (`@azure-plan-local/simulators`), on the host's clock;
 *   4. provision the app's database, containers and queues in those stores;
 *   5. the host  the local Functions host (`@azure-plan-local/functions-host`) running the app with the settings
 *                 the steps above produced.
 * Each step is optional (`false` skips it), so every way of running the stack is a call of this function:
 * - `npm start` (scripts/start.ts, a supervisor) runs the steps in processes of their own so that the host can
 *   crash alone: Azurite from the supervisor (step 1), the stores process (steps 2-3,
 *   local-stack/storesProcess.ts), the host process (step 5, local-stack/hostProcess.ts);
 * - the full-stack tests (test/support/service.ts, persistentService.ts) and the bench (bench/startBenchService.ts,
 *   bench/measureFirstRequest.ts, bench/scaleOutInstance.ts) run them in their own process;
 * - the crash script (scripts/crashTest.ts) and the whole-stack crash tests drive `npm start`.
 * `stop()` stops what was started in reverse order: the host first (its invocations finish writing), then the
 * stores, which save.
 */
import type { Container, CosmosClient } from '@azure/cosmos';
import {
  type HostClock,
  type LocalHost,
  type LocalHostOptions,
  startLocalHost,
} from '@azure-plan-local/functions-host';
import {
  type RunningSimulators,
  startSimulators,
  type StartSimulatorsOptions,
} from '@azure-plan-local/simulators';
import {
  type AzuriteOptions,
  cosmosEmulatorKey,
  type CosmosServerOptions,
  type EmbeddedAzurite,
  type EmbeddedCosmosServer,
  startAzurite,
  startCosmosServer,
} from '@azure-plan-local/stores';

import type { ContainerName } from '../../shared/platform/cosmos/cosmosClient';

export interface LocalStackOptions {
  /** Step 1: Azurite's options (`{}`: all three services on free ports), or an account's connection string. */
  storage?: false | AzuriteOptions | { connectionString: string };
  /** Step 2: the embedded Cosmos DB server's options (`{}`: in memory on a free port), or an endpoint. */
  cosmos?: false | CosmosServerOptions | { endpoint: string; key?: string };
  /** Step 3: the simulators' options; their clock follows the host's (virtual time moves them too) unless given. */
  simulators?: false | StartSimulatorsOptions;
  /**
   * Step 4: create the app's database (and its containers) in Cosmos DB and its queues in storage before the host
   * starts, so that a store started empty (or restarted empty under a running app) has them. `database` defaults
   * to the settings' `COSMOS_DATABASE`.
   */
  provision?: false | { database?: string };
  /** Step 5: the local Functions host (its `env` goes over the settings of the steps above). */
  host?: false | LocalHostOptions;
  /** App settings under what the steps produce (e.g. the sample settings), for the host and `settings`. */
  baseSettings?: Record<string, string>;
}

export interface LocalStack {
  /** The app settings the steps produced: storage, Cosmos DB, the simulators' endpoints, then the host's `env`. */
  readonly settings: Record<string, string>;
  readonly storage?: { readonly connectionString: string; readonly azurite?: EmbeddedAzurite };
  readonly cosmos?: {
    readonly endpoint: string;
    readonly key: string;
    readonly server?: EmbeddedCosmosServer;
  };
  /** With `provision` and Cosmos DB: a client on the stores and the app's containers, for asserting on what is stored. */
  readonly provisioned?: {
    readonly client: CosmosClient;
    readonly containers: Record<ContainerName, Container>;
  };
  readonly simulators?: RunningSimulators;
  readonly host?: LocalHost;
  /** Stops what was started, the host first; idempotent. */
  stop(): Promise<void>;
}

export async function launchLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const each of stops.reverse()) await each();
    })();
    return stopping;
  };
  const settings: Record<string, string> = { ...options.baseSettings };
  try {
    // ---- 1. storage ------------------------------------------------------------------------------------------
    let storage: LocalStack['storage'];
    if (options.storage && 'connectionString' in options.storage) {
      storage = { connectionString: options.storage.connectionString };
    } else if (options.storage) {
      const azurite = await startAzurite(options.storage);
      stops.push(() => azurite.stop());
      storage = { connectionString: azurite.connectionString, azurite };
    }
    if (storage) settings.AzureWebJobsStorage = storage.connectionString;

    // ---- 2. Cosmos DB ----------------------------------------------------------------------------------------
    let cosmos: LocalStack['cosmos'];
    if (options.cosmos && 'endpoint' in options.cosmos) {
      cosmos = { endpoint: options.cosmos.endpoint, key: options.cosmos.key ?? cosmosEmulatorKey };
      settings.COSMOS_ENDPOINT = cosmos.endpoint;
      if (options.cosmos.key) settings.COSMOS_KEY = options.cosmos.key;
    } else if (options.cosmos) {
      const server = await startCosmosServer(options.cosmos);
      stops.push(() => server.stop());
      cosmos = { endpoint: server.endpoint, key: server.key, server };
      settings.COSMOS_ENDPOINT = server.endpoint;
      settings.COSMOS_KEY = server.key;
    }

    // ---- 3. Microsoft's services -----------------------------------------------------------------------------
    const clockOf: { host?: HostClock } = {};
    const startTime = options.host ? options.host.startTime?.getTime() : undefined;
    let simulators: RunningSimulators | undefined;
    if (options.simulators) {
      simulators = await startSimulators({
        // The simulators start before the host (the app's settings point at them) and read its clock once it
        // exists, so that virtual time moves Microsoft's provisioning delays and token expiries with the workflow's.
        clock: () => new Date(clockOf.host ? clockOf.host.now() : (startTime ?? Date.now())),
        ...options.simulators,
      });
      const running = simulators;
      stops.push(() => running.stop());
      Object.assign(settings, simulators.settings);
    }

    // ---- 4. provision the stores -----------------------------------------------------------------------------
    // The app's database, containers and queues (provisionStores.ts, the same step `npm start` runs): the app
    // creates none of them, as in Azure, where the deploy template does.
    let provisioned: LocalStack['provisioned'];
    if (options.provision) {
      // Loaded here: the processes that skip this step (npm start's host process) do not pay for the SDKs.
      const [{ CosmosClient }, { provisionStores }, { appContainers }] = await Promise.all([
        import('@azure/cosmos'),
        import('./provisionStores'),
        import('../../shared/platform/cosmos/cosmosClient'),
      ]);
      const databaseId = options.provision.database ?? settings.COSMOS_DATABASE ?? 'azure-plan';
      await provisionStores({
        ...(cosmos
          ? { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: databaseId }
          : {}),
        ...(storage ? { AzureWebJobsStorage: storage.connectionString } : {}),
      });
      if (cosmos) {
        const client = new CosmosClient({
          endpoint: cosmos.endpoint,
          key: cosmos.key,
          connectionPolicy: { enableEndpointDiscovery: false },
        });
        stops.push(() => Promise.resolve(client.dispose()));
        const database = client.database(databaseId);
        const containers = appContainers(database);
        provisioned = { client, containers };
      }
    }

    // ---- 5. the Functions host -------------------------------------------------------------------------------
    let host: LocalHost | undefined;
    if (options.host) {
      Object.assign(settings, options.host.env);
      host = await startLocalHost({ ...options.host, env: { ...settings } });
      const started = host;
      stops.push(() => started.stop());
      clockOf.host = host.clock;
    }

    return {
      settings,
      ...(storage ? { storage } : {}),
      ...(cosmos ? { cosmos } : {}),
      ...(provisioned ? { provisioned } : {}),
      ...(simulators ? { simulators } : {}),
      ...(host ? { host } : {}),
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
