import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type LocalHost, silentLogger } from '@azure-plan-local/functions-host';
import { type RunningSimulators } from '@azure-plan-local/simulators';

import { launchLocalStack, type LocalStack } from '../scripts/local-stack/launchLocalStack';
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
 * The whole service on this machine, started by the launcher as `npm start` does (in this process): the local
 * Functions host running the built app (`dist/main.js`) on the real clock, embedded Azurite, Microsoft's simulators
 * and the given Cosmos server (the bench's counting one).
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
  const stack = await launchLocalStack({
    storage: {},
    cosmos: { endpoint: options.cosmosEndpoint },
    // Provisioning at once and no rate limits, so that the figures measure the service, not the simulated waits; a
    // row that wants Partner Center's published limits turns them on (`publishedThrottleRules`).
    simulators: {
      partnerCenter: { provisioningDelayMs: 0, throttling: [] },
      // The app builds its gateways once per process: a second service in this process must find Microsoft's
      // simulators where the first one did, with the refresh token in the same file.
      ...(simulatorPorts ? { ports: simulatorPorts } : {}),
      refreshTokenFile: path.join(os.tmpdir(), `bench-partner-center-refresh-token-${process.pid}`),
    },
    // Provisioned before the app loads, as `npm start` does: the app creates no database, container or queue.
    provision: options.env?.COSMOS_DATABASE ? { database: options.env.COSMOS_DATABASE } : {},
    baseSettings: sampleAppSettings(options.appDir),
    host: {
      appDir: options.appDir,
      port: 0,
      clock: 'real',
      ...(options.durableStateDirectory ? { durableStateDirectory: options.durableStateDirectory } : {}),
      ...(process.env.BENCH_LOGS ? {} : { logger: silentLogger }),
      ...(options.env ? { env: options.env } : {}),
    },
  });
  const { host, simulators } = stack as Required<Pick<LocalStack, 'host' | 'simulators'>>;
  simulatorPorts ??= {
    identity: Number(new URL(simulators.urls.authorityHost).port),
    partnerCenter: Number(new URL(simulators.urls.partnerCenter).port),
    azureResourceManager: Number(new URL(simulators.urls.azureResourceManager).port),
  };
  return { baseUrl: host.url, settings: stack.settings, host, simulators, stop: () => stack.stop() };
}
