/**
 * `npm start`: the service on http://localhost:7071 with everything it needs, no Azure Functions Core Tools.
 *
 * This process is a small supervisor over the launcher (`local-stack/launchLocalStack.ts`, the one way the stack
 * starts): it runs the launcher's steps, each in a process of its own:
 * - Azurite (storage), when `AzureWebJobsStorage` is `UseDevelopmentStorage=true` (or unset) and nothing listens on
 *   its queue port yet (an Azurite you started is used); any other connection string (a real account) is used as
 *   it is;
 * - the stores process (`local-stack/storesProcess.ts`: the Cosmos DB server), when `COSMOS_ENDPOINT` is unset or
 *   the local endpoint and nothing listens there;
 * - and the simulators of Microsoft's services (identity, Partner Center, ARM) in that same stores process, unless
 *   `PARTNER_CENTER_ENDPOINT` points somewhere other than this machine (then the real services are used);
 * - the local Functions host (`local-stack/hostProcess.ts`), restarted when it dies unexpectedly, so that a crash
 *   of the host alone (`kill -9`) behaves as on Azure: the stores keep their state and the host comes back.
 *
 * State: everything lives in one git-ignored folder, `.local-state/` (`azurite/`, `cosmos/`, `durable/`,
 * `timers/`), kept across restarts and crashes; `npm run reset` wipes it. `LOCAL_STATE=memory` keeps it all in
 * memory instead.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops the host first (its invocations finish), then the stores, which save.
 *
 * Environment: `APP_DIR` runs another app folder (e.g. the local host's test fixture); `PORT` the host's port;
 * `AZURITE_BLOB_PORT`, `AZURITE_QUEUE_PORT`, `AZURITE_TABLE_PORT`, `COSMOS_PORT` the stores' ports (default the
 * standard 10000–10002 and 8081; 0 picks free ones); `LOCAL_STATE_DIR` another state folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

import { applyLocalSettings } from '@azure-plan-local/functions-host';
import { cosmosEmulatorKey, type EmbeddedAzurite, findFreePorts, isPortOpen } from '@azure-plan-local/stores';

import {
  type ChildReport,
  childReport,
  describeError,
  type HostStartMessage,
} from './local-stack/childMessages';
import { launchLocalStack, type LocalStack } from './local-stack/launchLocalStack';
import { provisionStores, storeSettingsOf } from './local-stack/provisionStores';
import { letCommandLinePortsWin } from './local-stack/settingsPrecedence';
import {
  acquireStateLock,
  resolveStateDirectory,
  stateEnvironment,
  stateFolders,
  type StateLock,
} from './local-stack/stateDirectory';

const repositoryRoot = path.resolve(__dirname, '..');
const appDir = path.resolve(process.env.APP_DIR ?? repositoryRoot);
// The one place that decides where the state lives; every child process is handed this decision (spawnChild).
const stateDir = resolveStateDirectory(repositoryRoot);
const childStateEnvironment = stateEnvironment(stateDir);
const folders = stateFolders(childStateEnvironment);
const storagePorts = {
  blob: portSetting('AZURITE_BLOB_PORT', 10000),
  queue: portSetting('AZURITE_QUEUE_PORT', 10001),
  table: portSetting('AZURITE_TABLE_PORT', 10002),
};
const standardStoragePorts =
  storagePorts.blob === 10000 && storagePorts.queue === 10001 && storagePorts.table === 10002;
const cosmosPort = portSetting('COSMOS_PORT', 8081);

/** Host crashes tolerated within `crashWindowMs` before the supervisor gives up (a crash loop is a bug). */
const maxCrashes = 5;
const crashWindowMs = 60_000;

/** What we started, stopped in reverse order. */
const cleanups: { name: string; stop: () => Promise<void> }[] = [];
let shuttingDown = false;
let host: ChildProcess | undefined;

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0 picks a free one), not "${raw}".`);
  }
  return port;
}

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  console.log(`\n${reason}: stopping…`);
  // Never hang on the way out: the children bound their own stops; whatever is left then is killed by the exit.
  setTimeout(() => process.exit(exitCode), 25_000).unref();
  // The host first: its invocations finish writing to the stores before the stores save and stop.
  if (host) {
    await stopChild(host, 12_000);
    console.log(`  stopped the local Functions host (pid ${host.pid})`);
  }
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

/** Runs one of `local-stack/*Process.ts` in a process (and process group) of its own, with an IPC channel. */
function spawnChild(script: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'local-stack', script)], {
    cwd: repositoryRoot,
    // Every child, restarts included, gets the state folder decided here, whatever its own environment says.
    env: { ...env, ...childStateEnvironment },
    // Its own group: a Ctrl-C in the terminal reaches only us, and we stop the children in order.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A message sent to a child that just died fails here; its 'exit' is what the supervisor acts on.
  child.on('error', (error) => console.error(`${script} (pid ${child.pid}): ${error.message}`));
  return child;
}

/** The child's first report (ready or failed); rejects when it exits before reporting. */
function firstReport(child: ChildProcess, name: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const parsed = childReport.safeParse(raw);
      if (parsed.success) {
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(parsed.data);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      child.off('message', onMessage);
      reject(new Error(`${name} exited during start-up (${signal ?? `exit code ${code}`}).`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function startStorage(): Promise<{ description: string; connection: string | undefined }> {
  const configured = process.env.AzureWebJobsStorage;
  const isDevelopmentStorage =
    configured === undefined ||
    configured.trim() === '' ||
    /^\s*UseDevelopmentStorage\s*=\s*true/i.test(configured);
  if (!isDevelopmentStorage) {
    return {
      description: 'AzureWebJobsStorage points to another account (not starting Azurite)',
      connection: undefined,
    };
  }
  const developmentStorage = 'UseDevelopmentStorage=true';
  const reuse = {
    description: `an Azurite already listening on 127.0.0.1:${storagePorts.queue} (queues)`,
    connection: developmentStorage,
  };
  if (standardStoragePorts && (await isPortOpen(storagePorts.queue))) {
    return reuse;
  }
  const othersBusy =
    standardStoragePorts && ((await isPortOpen(storagePorts.blob)) || (await isPortOpen(storagePorts.table)));
  const location = folders?.azurite;
  let storage: LocalStack;
  try {
    // The launcher's step 1 (local-stack/launchLocalStack.ts), in this process: Azurite is a child process anyway.
    storage = await launchLocalStack({
      storage: {
        ...(storagePorts.blob ? { blobPort: storagePorts.blob } : {}),
        ...(storagePorts.queue ? { queuePort: storagePorts.queue } : {}),
        ...(storagePorts.table ? { tablePort: storagePorts.table } : {}),
        ...(location ? { location } : {}),
        // With blob or table taken by something else, queues (all the app uses) still get the standard port.
        ...(othersBusy ? { services: ['queue'] as const } : {}),
      },
    });
  } catch (error) {
    // Another Azurite won the race for the port since we looked: use it.
    if (standardStoragePorts && (await isPortOpen(storagePorts.queue))) {
      return reuse;
    }
    throw error;
  }
  const azurite = storage.storage?.azurite as EmbeddedAzurite;
  cleanups.push({ name: `Azurite (pid ${azurite.pid})`, stop: () => storage.stop() });
  const endpoints = [
    azurite.blobPort && `blob ${azurite.blobPort}`,
    `queue ${azurite.queuePort}`,
    azurite.tablePort && `table ${azurite.tablePort}`,
  ].filter(Boolean);
  return {
    description: `embedded Azurite on 127.0.0.1 (${endpoints.join(', ')}; ${location ? 'on disk' : 'in memory'}, pid ${azurite.pid})`,
    connection: standardStoragePorts ? developmentStorage : azurite.connectionString,
  };
}

interface StoresPlan {
  cosmos: { description: string; endpoint: string | undefined; start: boolean };
  simulators: {
    start: boolean;
    ports: { identity: number; partnerCenter: number; azureResourceManager: number };
  };
}

async function planCosmos(): Promise<StoresPlan['cosmos']> {
  const configured = process.env.COSMOS_ENDPOINT?.trim().replace(/\/+$/, '');
  const local = [`http://127.0.0.1:${cosmosPort}`, `http://localhost:${cosmosPort}`];
  if (configured && (cosmosPort === 0 || !local.includes(configured.toLowerCase()))) {
    return {
      description: `${configured} (COSMOS_ENDPOINT; not starting the local server)`,
      endpoint: undefined,
      start: false,
    };
  }
  const reuse = {
    description: `something already listening on ${configured || local[0]} (used as it is)`,
    endpoint: configured || local[0],
    start: false,
  };
  if (cosmosPort !== 0 && (await isPortOpen(cosmosPort))) return reuse;
  return { ...reuse, start: true };
}

/**
 * The simulators run unless Partner Center is configured somewhere other than this machine (the real endpoints and
 * credentials are then used). Their ports come from the local settings' loopback URLs (7310–7312 in the sample);
 * `SIMULATOR_PORTS=0` picks free ones (tests that run `npm start` beside others).
 */
function planSimulators(): StoresPlan['simulators'] {
  const loopbackPort = (setting: string | undefined): number | undefined => {
    if (!setting?.trim()) return 0;
    const url = new URL(setting);
    if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return undefined;
    return process.env.SIMULATOR_PORTS?.trim() === '0' ? 0 : Number(url.port || 0);
  };
  const partnerCenter = loopbackPort(process.env.PARTNER_CENTER_ENDPOINT);
  const azureResourceManager = loopbackPort(process.env.ARM_ENDPOINT) ?? 0;
  const identity = loopbackPort(process.env.PARTNER_CENTER_AUTHORITY_HOST) ?? 0;
  return {
    start: partnerCenter !== undefined,
    ports: { identity, partnerCenter: partnerCenter ?? 0, azureResourceManager },
  };
}

/** Starts the stores process when Cosmos DB or the simulators are to run locally. */
async function startStores(): Promise<{
  cosmos: { description: string; endpoint: string | undefined };
  simulators: { description: string; settings: Record<string, string> };
}> {
  const plan: StoresPlan = { cosmos: await planCosmos(), simulators: planSimulators() };
  const external = {
    description: `${process.env.PARTNER_CENTER_ENDPOINT ?? ''} (PARTNER_CENTER_ENDPOINT; not starting the simulators)`,
    settings: {},
  };
  if (!plan.cosmos.start && !plan.simulators.start) return { cosmos: plan.cosmos, simulators: external };
  const cosmosDirectory = folders?.cosmos;
  const simulatorsDirectory = folders?.simulators;
  const stores = spawnChild('storesProcess.ts', {
    ...process.env,
    ...(plan.cosmos.start ? { COSMOS_PORT: String(cosmosPort) } : { COSMOS_PORT: undefined }),
    ...(plan.simulators.start
      ? {
          SIMULATORS: '1',
          SIMULATOR_IDENTITY_PORT: String(plan.simulators.ports.identity),
          SIMULATOR_PARTNER_CENTER_PORT: String(plan.simulators.ports.partnerCenter),
          SIMULATOR_ARM_PORT: String(plan.simulators.ports.azureResourceManager),
        }
      : {}),
  });
  cleanups.push({ name: `stores process (pid ${stores.pid})`, stop: () => stopChild(stores, 10_000) });
  const ready = await firstReport(stores, 'The stores process');
  if (ready.type === 'failed') {
    if (ready.code === 'EADDRINUSE') {
      throw new Error(
        `The stores process could not listen: ${ready.message}\nAnother npm start may be running; set COSMOS_PORT=0 SIMULATOR_PORTS=0 to pick free ports.`,
      );
    }
    throw new Error(`The stores process failed to start: ${ready.message}`);
  }
  stores.once('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`The stores process (pid ${stores.pid}) exited (${signal ?? `exit code ${code}`}).`);
      void shutdown('a store is gone', 1);
    }
  });
  const settings = ready.settings ?? {};
  return {
    cosmos: plan.cosmos.start
      ? {
          description: `embedded Cosmos DB server at http://127.0.0.1:${ready.port} (${cosmosDirectory ? 'on disk' : 'in memory'}, plain HTTP, pid ${stores.pid})`,
          endpoint: `http://127.0.0.1:${ready.port}`,
        }
      : plan.cosmos,
    simulators: plan.simulators.start
      ? {
          description:
            `embedded simulators (${simulatorsDirectory ? 'on disk' : 'in memory'}, pid ${stores.pid}): ` +
            `Partner Center ${settings.PARTNER_CENTER_ENDPOINT}, ARM ${settings.ARM_ENDPOINT}, ` +
            `identity ${settings.PARTNER_CENTER_AUTHORITY_HOST}, refresh token file ${settings.PARTNER_CENTER_REFRESH_TOKEN_FILE}`,
          settings,
        }
      : external,
  };
}

/** Starts (or restarts) the host process and waits until it serves; later unexpected exits restart it. */
async function runHost(child: ChildProcess, start: HostStartMessage): Promise<number> {
  host = child;
  child.send(start);
  const ready = await firstReport(child, 'The Functions host');
  if (ready.type === 'failed') {
    throw new Error(`The Functions host failed to start: ${ready.message}`);
  }
  return ready.port;
}

/** Restarts the host whenever it exits without being asked to, until it crashes too often. */
function superviseHost(start: HostStartMessage, crashes: number[] = []): void {
  const child = host;
  child?.once('exit', (code, signal) => {
    if (shuttingDown || child !== host) {
      return;
    }
    console.error(
      `\nThe Functions host (pid ${child.pid}) exited unexpectedly (${signal ?? `exit code ${code}`}).`,
    );
    void restartHost(start, crashes);
  });
}

async function restartHost(start: HostStartMessage, previousCrashes: number[]): Promise<void> {
  let crashes = previousCrashes;
  while (!shuttingDown) {
    const now = Date.now();
    crashes = [...crashes.filter((at) => now - at < crashWindowMs), now];
    if (crashes.length > maxCrashes) {
      await shutdown(`the Functions host crashed ${crashes.length} times within a minute`, 1);
      return;
    }
    console.log('Restarting the Functions host…');
    try {
      await runHost(spawnChild('hostProcess.ts'), start);
      console.log(`The Functions host is back (pid ${host?.pid}, ${Date.now() - now} ms).`);
      superviseHost(start, crashes);
      return;
    } catch (error) {
      console.error(describeError(error));
    }
  }
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
  // PORT=0: the port is picked here, before anything starts, so that the invitation links can name it.
  const requestedPort = portSetting('PORT', settings.localHttpPort ?? 7071);
  const hostPort = requestedPort === 0 ? ((await findFreePorts(1))[0] ?? 0) : requestedPort;
  // What the command line says wins over the settings file (COSMOS_PORT over its COSMOS_ENDPOINT, PORT over its
  // PUBLIC_BASE_URL), before the children inherit the environment.
  const overridden = letCommandLinePortsWin(process.env, settings.applied, hostPort);
  const started = Date.now();
  let lock: StateLock | undefined;
  if (stateDir) {
    lock = acquireStateLock(stateDir);
    cleanups.push({
      name: `the lock on ${displayPath(stateDir)}`,
      stop: () => {
        lock?.release();
        return Promise.resolve();
      },
    });
  }
  // Loads the host's modules while the stores start.
  const hostChild = spawnChild('hostProcess.ts');
  host = hostChild;
  // One after the other: Azurite binds ports that were found free a moment earlier, and a stores process starting
  // at the same time may be handed one of them by the kernel (seen as "Azurite exited during startup").
  const storage = await startStorage();
  const { cosmos, simulators } = await startStores();
  if (shuttingDown) {
    return;
  }
  const env: Record<string, string> = {};
  if (storage.connection) {
    env.AzureWebJobsStorage = storage.connection;
  }
  if (cosmos.endpoint) {
    env.COSMOS_ENDPOINT = cosmos.endpoint;
    // The app reads it; the sample settings have it, a bare environment may not.
    env.COSMOS_KEY = process.env.COSMOS_KEY || cosmosEmulatorKey;
  }
  Object.assign(env, simulators.settings);
  // The host reads the settings file again: what was decided above must win there too.
  if (process.env.PUBLIC_BASE_URL) env.PUBLIC_BASE_URL = process.env.PUBLIC_BASE_URL;
  // The database, containers and queues exist before the app loads (it creates none; in Azure the template does).
  const provisioning = Date.now();
  await provisionStores(storeSettingsOf({ ...process.env, ...env }));
  console.log(`  provisioned the database, containers and queues (${Date.now() - provisioning} ms)`);
  const port = await runHost(hostChild, { type: 'start', env, port: hostPort });
  // Restarts keep the port (also one picked with PORT=0), so clients and links keep working.
  superviseHost({ type: 'start', env, port });
  const url = `http://localhost:${port}`;
  console.log(
    [
      '',
      `Azure plan purchase service is running (${Date.now() - started} ms):`,
      `  Functions host   ${url}  (app ${path.relative(process.cwd(), appDir) || '.'}, routes above; pid ${host.pid}, restarted if it dies)`,
      `  Storage          ${storage.description}`,
      `  Cosmos DB        ${cosmos.description}`,
      `  Microsoft        ${simulators.description}`,
      `  Settings         ${settings.file ? path.relative(process.cwd(), settings.file) : 'environment only'}${overridden.map((line) => `\n                   ${line}`).join('')}`,
      `  State            ${stateDir ? `${displayPath(stateDir)} (kept across restarts; npm run reset wipes it)` : 'in memory (LOCAL_STATE=memory)'}`,
      '',
      `Try:  curl ${url}/api/health`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative === '' ? '.' : relative.startsWith('..') ? target : relative;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch(async (error: unknown) => {
  console.error(`npm start failed: ${describeError(error)}`);
  await shutdown('start-up failed', 1);
});
