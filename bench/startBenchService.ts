import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startAzurite } from '../local-functions-host/embedded/index';
import { type LocalHost, silentLogger, startLocalHost } from '../local-functions-host/index';
import { type RunningSimulators, startSimulators } from '../local-functions-host/simulators/startSimulators';
import { provisionStores } from '../scripts/local-stack/provisionStores';
import { sampleAppSettings } from './measureColdStart';

export interface BenchService {
  baseUrl: string;
  settings: Record<string, string>;
  host: LocalHost;
  /** Microsoft's simulators the app buys through; the Partner Center one counts calls per route. */
  simulators: RunningSimulators;
  stop(): Promise<void>;
}

/**
 * The whole service on this machine, as `npm start` runs it: the local Functions host running the built app
 * (`dist/main.js`) on the real clock, embedded Azurite, and the given Cosmos server (the bench's counting one).
 */
let simulatorPorts: { identity: number; partnerCenter: number; azureResourceManager: number } | undefined;

export async function startBenchService(options: {
  appDir: string;
  cosmosEndpoint: string;
  /** Keep durable instances in a journal in this folder (as `npm start` does); in memory when omitted. */
  durableStateDirectory?: string;
  /** More app settings (e.g. PARTNER_CENTER_PACE). */
  env?: Record<string, string>;
}): Promise<BenchService | { unavailable: string }> {
  if (!existsSync(path.join(options.appDir, 'dist', 'main.js')))
    return { unavailable: 'run `npm run build` first' };
  const azurite = await startAzurite();
  // Provisioning at once and no rate limits, so that the figures measure the service, not the simulated waits; a
  // row that wants Partner Center's published limits turns them on (`publishedThrottleRules`).
  const simulators = await startSimulators({
    partnerCenter: { provisioningDelayMs: 0, throttling: [] },
    // The app builds its gateways once per process: a second service in this process must find Microsoft's
    // simulators where the first one did, with the refresh token in the same file.
    ...(simulatorPorts ? { ports: simulatorPorts } : {}),
    refreshTokenFile: path.join(os.tmpdir(), `bench-partner-center-refresh-token-${process.pid}`),
  }).catch(async (error: unknown) => {
    await azurite.stop();
    throw error;
  });
  simulatorPorts ??= {
    identity: Number(new URL(simulators.urls.authorityHost).port),
    partnerCenter: Number(new URL(simulators.urls.partnerCenter).port),
    azureResourceManager: Number(new URL(simulators.urls.azureResourceManager).port),
  };
  const settings = {
    ...sampleAppSettings(options.appDir),
    COSMOS_ENDPOINT: options.cosmosEndpoint,
    AzureWebJobsStorage: azurite.connectionString,
    ...simulators.settings,
    ...options.env,
  };
  try {
    // Provisioned before the app loads, as `npm start` does: the app creates no database, container or queue.
    await provisionStores(settings);
    const host = await startLocalHost({
      appDir: options.appDir,
      port: 0,
      clock: 'real',
      ...(options.durableStateDirectory ? { durableStateDirectory: options.durableStateDirectory } : {}),
      logger: process.env.BENCH_LOGS ? undefined : silentLogger,
      env: settings,
    });
    return {
      baseUrl: host.url,
      settings,
      host,
      simulators,
      stop: async () => {
        await host.stop();
        await simulators.stop();
        await azurite.stop();
      },
    };
  } catch (error) {
    await simulators.stop();
    await azurite.stop();
    throw error;
  }
}
