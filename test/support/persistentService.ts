import path from 'node:path';

import { silentLogger } from '@azure-plan-local/functions-host';

import { launchLocalStack } from '../../scripts/local-stack/launchLocalStack';
import { sampleSettings } from './devToken';
import { type RunningService, serviceOver } from './service';

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
  const simulatorDirectory = where('simulators');
  const stack = await launchLocalStack({
    storage: { services: ['queue'], queuePort, ...(azuriteLocation ? { location: azuriteLocation } : {}) },
    cosmos: { port: cosmosPort, ...(cosmosDirectory ? { persistDirectory: cosmosDirectory } : {}) },
    // The app creates its queues and containers once per process; a store started empty under it needs them again.
    provision: { database: settings.COSMOS_DATABASE ?? 'azure-plan' },
    // Microsoft's simulators keep their state beside the stores' and follow the host's virtual clock.
    simulators: {
      ports: { identity: identityPort, partnerCenter: partnerCenterPort, azureResourceManager: armPort },
      ...(simulatorDirectory ? { stateDirectory: simulatorDirectory } : {}),
      partnerCenter: { provisioningDelayMs: 0 },
      identity: { accessTokenLifetimeSeconds: 400 * 24 * 3600 },
    },
    // Stopped gracefully by `stop()`: the host first (its invocations finish, the journal is compacted), then the
    // stores, which save.
    host: {
      appDir: repositoryRoot,
      port: 0,
      clock: 'virtual',
      startTime: options.startTime,
      ...(process.env.SERVICE_LOGS ? {} : { logger: silentLogger }),
      ...(durableDirectory ? { durableStateDirectory: durableDirectory } : {}),
      ...(timerDirectory ? { timerStateDirectory: timerDirectory } : {}),
      env: { FAULT_INJECTION: '', ...options.env },
    },
  });
  return serviceOver(stack);
}
