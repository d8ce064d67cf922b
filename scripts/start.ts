/**
 * `npm start`: the service on http://localhost:7071 with everything it needs, no Azure Functions Core Tools.
 *
 * - Settings come from local.settings.json, else the committed local.settings.sample.json (an environment variable
 *   always wins), as under `func start`.
 * - Storage: when `AzureWebJobsStorage` is `UseDevelopmentStorage=true` (or unset), Azurite runs on the standard
 *   ports 10000–10002, unless something already listens there (an Azurite you started: it is used). Any other
 *   connection string (a real account) is used as it is.
 * - Cosmos DB: when `COSMOS_ENDPOINT` is unset or `http://127.0.0.1:8081` / `http://localhost:8081` and nothing
 *   listens on 8081, the in-process Cosmos DB server runs there (in memory). Anything else (the real emulator on
 *   https, a real account) is used as it is.
 * - Ctrl-C (SIGINT) or SIGTERM stops the host, the Cosmos server and the Azurite process group: nothing is left.
 *
 * `APP_DIR` runs another app folder (e.g. the local host's test fixture); `PORT` changes the port.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { applyLocalSettings } from '../local-functions-host/config/applyLocalSettings';
import {
  type EmbeddedAzurite,
  type EmbeddedCosmosServer,
  isPortOpen,
  startAzurite,
  startCosmosServer,
} from '../local-functions-host/embedded/index';
import { cosmosEmulatorKey } from '../local-functions-host/embedded/startCosmosServer';
import { type LocalHost, startLocalHost } from '../local-functions-host/index';

const repositoryRoot = path.resolve(__dirname, '..');
const appDir = path.resolve(process.env.APP_DIR ?? repositoryRoot);
const standardStoragePorts = { blob: 10000, queue: 10001, table: 10002 };
const standardCosmosPort = 8081;

/** What we started, stopped in reverse order. */
const cleanups: { name: string; stop: () => Promise<void> }[] = [];
let shuttingDown = false;

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  console.log(`\n${reason}: stopping…`);
  // Never hang on the way out: whatever is not stopped after 10 s is killed by the exit (Azurite's exit hook).
  setTimeout(() => process.exit(exitCode), 10_000).unref();
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup.stop();
      console.log(`  stopped ${cleanup.name}`);
    } catch (error) {
      console.error(`  ${cleanup.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exit(exitCode);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function startStorage(): Promise<string> {
  const configured = process.env.AzureWebJobsStorage;
  const isDevelopmentStorage =
    configured === undefined ||
    configured.trim() === '' ||
    /^\s*UseDevelopmentStorage\s*=\s*true/i.test(configured);
  if (!isDevelopmentStorage) {
    return 'AzureWebJobsStorage points to another account (not starting Azurite)';
  }
  process.env.AzureWebJobsStorage = 'UseDevelopmentStorage=true';
  if (await isPortOpen(standardStoragePorts.queue)) {
    return `an Azurite already listening on 127.0.0.1:${standardStoragePorts.queue} (queues)`;
  }
  const othersBusy =
    (await isPortOpen(standardStoragePorts.blob)) || (await isPortOpen(standardStoragePorts.table));
  let azurite: EmbeddedAzurite;
  try {
    azurite = await startAzurite({
      blobPort: standardStoragePorts.blob,
      queuePort: standardStoragePorts.queue,
      tablePort: standardStoragePorts.table,
      // With blob or table taken by something else, queues (all the app uses) still get the standard port.
      ...(othersBusy ? { services: ['queue'] as const } : {}),
    });
  } catch (error) {
    // Another Azurite won the race for the port since we looked: use it.
    if (await isPortOpen(standardStoragePorts.queue)) {
      return `an Azurite already listening on 127.0.0.1:${standardStoragePorts.queue} (queues)`;
    }
    throw error;
  }
  cleanups.push({ name: `Azurite (pid ${azurite.pid})`, stop: () => azurite.stop() });
  const endpoints = [
    azurite.blobPort && `blob ${azurite.blobPort}`,
    `queue ${azurite.queuePort}`,
    azurite.tablePort && `table ${azurite.tablePort}`,
  ].filter(Boolean);
  return `embedded Azurite on 127.0.0.1 (${endpoints.join(', ')}; in memory)`;
}

async function startCosmos(): Promise<string> {
  const configured = process.env.COSMOS_ENDPOINT?.trim().replace(/\/+$/, '');
  const local = [`http://127.0.0.1:${standardCosmosPort}`, `http://localhost:${standardCosmosPort}`];
  if (configured && !local.includes(configured.toLowerCase())) {
    return `${configured} (COSMOS_ENDPOINT; not starting the local server)`;
  }
  // The app reads these; the sample settings have them, a bare environment may not.
  if (!configured) {
    process.env.COSMOS_ENDPOINT = local[0];
  }
  if (!process.env.COSMOS_KEY) {
    process.env.COSMOS_KEY = cosmosEmulatorKey;
  }
  const reuse = `something already listening on ${process.env.COSMOS_ENDPOINT} (used as it is)`;
  if (await isPortOpen(standardCosmosPort)) {
    return reuse;
  }
  let cosmos: EmbeddedCosmosServer;
  try {
    cosmos = await startCosmosServer({ port: standardCosmosPort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      return reuse;
    }
    throw error;
  }
  cleanups.push({ name: 'Cosmos DB server', stop: () => cosmos.stop() });
  return `embedded Cosmos DB server at ${cosmos.endpoint} (in memory, plain HTTP)`;
}

/**
 * `npm start` runs us as npm → sh → tsx → node. A SIGTERM sent to npm alone (a CI timeout, `kill <npm pid>`) ends
 * npm and sh but never reaches us, and tsx keeps running. So we also stop when our parent changes or when the
 * leader of our process group (npm, or the shell job) is gone.
 */
function watchLauncher(): void {
  const parentPid = process.ppid;
  let groupLeader: number | undefined;
  try {
    const pgid = Number(
      execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8' }).trim(),
    );
    groupLeader = Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid ? pgid : undefined;
  } catch {
    // No `ps` (Windows): the parent check alone.
  }
  setInterval(() => {
    if (process.ppid !== parentPid) {
      void shutdown('launcher gone', 0);
      return;
    }
    if (groupLeader !== undefined) {
      try {
        process.kill(groupLeader, 0);
      } catch {
        void shutdown('launcher gone', 0);
      }
    }
  }, 1000).unref();
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(signal, 0));
  }
  watchLauncher();

  const settings = applyLocalSettings(appDir);
  const started = Date.now();
  const [storage, cosmos] = await Promise.all([startStorage(), startCosmos()]);
  if (shuttingDown) {
    return;
  }
  const port = Number(process.env.PORT ?? 7071);
  const host: LocalHost = await startLocalHost({ appDir, port, clock: 'real', logInvocations: true });
  cleanups.push({ name: 'local Functions host', stop: () => host.stop() });
  const url = `http://localhost:${host.port}`;
  console.log(
    [
      '',
      `Azure plan purchase service is running (${Date.now() - started} ms):`,
      `  Functions host   ${url}  (app ${path.relative(process.cwd(), appDir) || '.'}, routes above)`,
      `  Storage          ${storage}`,
      `  Cosmos DB        ${cosmos}`,
      `  Settings         ${settings.file ? path.relative(process.cwd(), settings.file) : 'environment only'}`,
      '',
      `Try:  curl ${url}/api/health`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch(async (error: unknown) => {
  console.error(`npm start failed: ${describeError(error)}`);
  await shutdown('start-up failed', 1);
});
