import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';

import { sampleAppSettings } from './measureColdStart';

/** The part of the local host's harness the bench drives. */
export interface LocalHostHandle {
  waitForIdle(): Promise<void>;
  drainQueues?(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchService {
  baseUrl: string;
  settings: Record<string, string>;
  host: LocalHostHandle;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForTcp(port: number, attempts = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Nothing listens on 127.0.0.1:${port}.`);
}

/** Azurite's queue service, in memory, on a free port (readiness by TCP connect, as the reference advises). */
async function startAzuriteQueue(appDir: string): Promise<{ connection: string; process: ChildProcess }> {
  const port = await freePort();
  const bin = path.join(appDir, 'node_modules', 'azurite', 'dist', 'src', 'queue', 'main.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--queuePort',
      String(port),
      '--inMemoryPersistence',
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { stdio: 'ignore' },
  );
  await waitForTcp(port);
  const connection =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  return { connection, process: child };
}

/**
 * The whole service on this machine: the local Functions host running the built app (`dist/main.js`) on a real
 * clock, Azurite's queues, and the given Cosmos server. Answers why not when the local host is not there.
 */
export async function startBenchService(options: {
  appDir: string;
  cosmosEndpoint: string;
}): Promise<BenchService | { unavailable: string }> {
  const hostModule = path.join(options.appDir, 'local-functions-host', 'index.ts');
  if (!existsSync(hostModule)) return { unavailable: 'local Functions host not available yet' };
  if (!existsSync(path.join(options.appDir, 'dist', 'main.js')))
    return { unavailable: 'run `npm run build` first' };
  const azurite = await startAzuriteQueue(options.appDir);
  const settings = {
    ...sampleAppSettings(options.appDir),
    COSMOS_ENDPOINT: options.cosmosEndpoint,
    AzureWebJobsStorage: azurite.connection,
  };
  Object.assign(process.env, settings);
  const { startLocalHost } = (await import(hostModule)) as {
    startLocalHost: (options: {
      appDir: string;
      port: number;
      clock: 'real' | 'virtual';
    }) => Promise<LocalHostHandle & { baseUrl?: string; url?: string; port?: number }>;
  };
  const host = await startLocalHost({ appDir: options.appDir, port: 0, clock: 'real' });
  const baseUrl = host.baseUrl ?? host.url ?? `http://127.0.0.1:${host.port}`;
  return {
    baseUrl,
    settings,
    host,
    stop: async () => {
      await host.stop();
      azurite.process.kill();
    },
  };
}
