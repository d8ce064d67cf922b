import path from 'node:path';

import { type Container, CosmosClient } from '@azure/cosmos';

import { startAzurite, startCosmosServer } from '../../local-functions-host/embedded/index';
import { type HostClock, silentLogger, startLocalHost } from '../../local-functions-host/index';
import { startSimulators } from '../../local-functions-host/simulators/startSimulators';
import { provisionStores } from '../../scripts/local-stack/provisionStores';
import { containerDefinitions, type ContainerName } from '../../shared/platform/cosmos/cosmosClient';
import { devToken, sampleSettings } from './devToken';
import { type RunningService } from './service';
import { createServiceCaller } from './serviceCaller';

/**
 * The whole service on the stores `npm start` uses, each keeping its data on disk in `stateDir` the way
 * `.local-state/` does (Azurite's `--location`, the Cosmos DB server's journal, the durable journal, the timers'
 * schedule status), so a test can stop it and start it again on the same data. `persist: false` keeps every store
 * in memory instead: the negative control, with which a restart forgets everything.
 *
 * The stores listen on the same ports across restarts, because the app keeps its clients for the life of the
 * process (the host reloads no module when it starts the same app again). The host runs in this process on the
 * virtual clock, started at `startTime`, so a restart can come up days later.
 */
export interface PersistentServiceOptions {
  stateDir: string;
  /**
   * [Azurite queue, Cosmos DB, identity, Partner Center, ARM] ports, the same for every start on this `stateDir`
   * (the app keeps its clients, gateways included, for the life of the process).
   */
  ports: readonly [number, number, number, number, number];
  startTime: Date;
  persist: boolean;
  env?: Record<string, string>;
}

const repositoryRoot = path.resolve(__dirname, '..', '..');
const settings = sampleSettings;

export async function startPersistentService(options: PersistentServiceOptions): Promise<RunningService> {
  const [queuePort, cosmosPort, identityPort, partnerCenterPort, armPort] = options.ports;
  const where = (folder: string) => (options.persist ? path.join(options.stateDir, folder) : undefined);
  const azuriteLocation = where('azurite');
  const cosmosDirectory = where('cosmos');
  const durableDirectory = where('durable');
  const timerDirectory = where('timers');
  const azurite = await startAzurite({
    services: ['queue'],
    queuePort,
    ...(azuriteLocation ? { location: azuriteLocation } : {}),
  });
  const cosmosServer = await startCosmosServer({
    port: cosmosPort,
    ...(cosmosDirectory ? { persistDirectory: cosmosDirectory } : {}),
  });
  const client = new CosmosClient({
    endpoint: cosmosServer.endpoint,
    key: cosmosServer.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  // Provisioned as `npm start` does it (the app creates nothing): a store started empty gets them again.
  await provisionStores({
    COSMOS_ENDPOINT: cosmosServer.endpoint,
    COSMOS_KEY: cosmosServer.key,
    COSMOS_DATABASE: settings.COSMOS_DATABASE,
    AzureWebJobsStorage: azurite.connectionString,
  });
  const database = client.database(settings.COSMOS_DATABASE ?? 'azure-plan');
  const containers = Object.fromEntries(
    Object.values(containerDefinitions).map((definition) => [
      definition.id,
      database.container(definition.id),
    ]),
  ) as Record<ContainerName, Container>;
  // Microsoft's simulators keep their state beside the stores' and follow the host's virtual clock, as in
  // test/support/service.ts.
  const clockOf: { host?: HostClock } = {};
  const simulatorDirectory = where('simulators');
  const simulators = await startSimulators({
    ports: { identity: identityPort, partnerCenter: partnerCenterPort, azureResourceManager: armPort },
    ...(simulatorDirectory ? { stateDirectory: simulatorDirectory } : {}),
    partnerCenter: { provisioningDelayMs: 0 },
    identity: { accessTokenLifetimeSeconds: 400 * 24 * 3600 },
    clock: () => new Date(clockOf.host ? clockOf.host.now() : options.startTime.getTime()),
  });
  const stopStores = async () => {
    client.dispose();
    await simulators.stop();
    await cosmosServer.stop();
    await azurite.stop();
  };

  let host: Awaited<ReturnType<typeof startLocalHost>>;
  try {
    host = await startLocalHost({
      appDir: repositoryRoot,
      port: 0,
      clock: 'virtual',
      startTime: options.startTime,
      logger: process.env.SERVICE_LOGS ? undefined : silentLogger,
      ...(durableDirectory ? { durableStateDirectory: durableDirectory } : {}),
      ...(timerDirectory ? { timerStateDirectory: timerDirectory } : {}),
      env: {
        COSMOS_ENDPOINT: cosmosServer.endpoint,
        COSMOS_KEY: cosmosServer.key,
        AzureWebJobsStorage: azurite.connectionString,
        FAULT_INJECTION: '',
        ...simulators.settings,
        ...options.env,
      },
    });
  } catch (error) {
    await stopStores();
    throw error;
  }
  clockOf.host = host.clock;

  const token = devToken;

  return {
    url: host.url,
    host,
    cosmos: { endpoint: cosmosServer.endpoint, client, containers, stop: stopStores },
    storageConnectionString: azurite.connectionString,
    simulators,
    partnerCenter: simulators.partnerCenter.controls,
    arm: simulators.azureResourceManager.controls,
    identity: simulators.identity.controls,
    token,
    call: createServiceCaller(host.url, token),
    /** Graceful: the host first (its invocations finish, the journal is compacted), then the stores, which save. */
    async stop(): Promise<void> {
      await host.stop();
      await stopStores();
    },
  };
}
