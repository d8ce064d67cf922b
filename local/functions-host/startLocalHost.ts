/**
 * The local Functions host: runs the app in `appDir` (its `package.json` `main`) for real — HTTP triggers on a
 * port, storage-queue triggers on Azurite, durable orchestrations — without Azure Functions Core Tools.
 * `npm start`, the full-stack tests and the bench start it through the launcher (scripts/local-stack/); this
 * package's own tests call `startLocalHost()` directly.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { RealClock, VirtualClock } from './clock';
import { applyLocalSettings } from './config/applyLocalSettings';
import { type HostConfig, loadHostConfig } from './config/loadHostConfig';
import type { DurableEngineApi, FunctionInvoker, HostClock, HostLogger } from './contracts';
import { createClientBinding } from './durable/createClientBinding';
import { createDurableEngine, type DurableEngine } from './durable/engine';
import { createFrontDoor, nodeMaxHeaderSize, type SiteHandler } from './http/createFrontDoor';
import { createRpcListener } from './http/createRpcListener';
import { answerClientError } from './http/hostProblem';
import { HttpRouteTable } from './http/HttpRouteTable';
import { createWorkTracker, type LocalWorkTracker } from './idle';
import { consoleLogger } from './loggers';
import { type DrainOptions, QueueTriggerHost } from './queues/QueueTriggerHost';
import { fileTimerStatusStore, memoryTimerStatusStore } from './timers/TimerStatusStore';
import { TimerTriggerHost } from './timers/TimerTriggerHost';
import type { AppStartHookContext } from './worker/coreTypes';
import { createFunctionInvoker } from './worker/createFunctionInvoker';
import { createLogSink } from './worker/createLogSink';
import { describeUnsupportedBindings } from './worker/describeUnsupportedBindings';
import { installCoreModule } from './worker/installCoreModule';
import { loadApp, type LoadedApp } from './worker/loadApp';
import { describeIgnoredRetryPolicies } from './worker/retryPolicy';

export interface LocalHostOptions {
  /** The Functions app: the folder with its `package.json` (whose `main` names the entry points) and `host.json`. */
  appDir: string;
  /** 0 picks a free port. Default: `Host.LocalHttpPort` of local.settings.json, else 7071. */
  port?: number;
  /** 'real' (default, for `npm start`), 'virtual' (tests: time moves only with `advance`), or your own clock. */
  clock?: 'real' | 'virtual' | HostClock;
  /** Where the virtual clock starts; default now. */
  startTime?: Date;
  /** Set in `process.env` before the app loads (these override what is already there). */
  env?: Record<string, string>;
  /** Default: the console. */
  logger?: HostLogger;
  /** Merge `Values` of local.settings.json (else local.settings.sample.json) into `process.env`; default true. */
  loadLocalSettings?: boolean;
  /** Poll the app's queue-trigger queues; default true. Queue *outputs* work either way. */
  queueTriggers?: boolean;
  /** Log each successful invocation like `func start` ("Executed 'Functions.x' (Succeeded, …)"); default false. */
  logInvocations?: boolean;
  /** Merged over the app's host.json (e.g. `{ extensions: { queues: { visibilityTimeout: '00:00:02' } } }`). */
  hostJson?: Record<string, unknown>;
  /**
   * Keep durable instances in an append-only journal in this folder (`<hub>.durable.jsonl`) and resume every
   * unfinished one on start, as the Durable extension does from its storage. Undefined: in memory only.
   */
  durableStateDirectory?: string;
  /** Compact the journal once this many bytes were appended (default 64 MB; tests use tiny values). */
  durableCompactAfterBytes?: number;
  /**
   * Where timer triggers keep their schedule status (last and next occurrence), so that a start after an
   * occurrence was missed runs it as past due, as the real host's schedule monitor does; unset, in memory.
   */
  timerStateDirectory?: string;
  /**
   * Another host's task hub, as instances of one app share theirs in Azure: the app's `durableClient` binding
   * points there (its orchestrations start and are read on that host), while this host runs its own triggers. Used
   * to run several instances of the app, each in its own process (bench/scaleOut/).
   */
  sharedTaskHub?: LocalHostDurable;
  /**
   * Serves what is outside the routes prefix before the host's own pages (`npm start`: the console and its
   * development sign-in; see scripts/local-stack/consoleSite.ts). The app never sees these requests.
   */
  site?: SiteHandler;
}

/** Where the durable management API lives, for tests, benchmarks and tools. */
export interface LocalHostDurable {
  /**
   * `http://127.0.0.1:<rpc port>/durabletask/`: the loopback-only listener `DurableClient` calls, no key needed
   * (also `GET {rpcBaseUrl}instances/{id}/history`, the local host's raw history).
   */
  readonly rpcBaseUrl: string;
  /** This start's durable system key (random per start): `code=` or `x-functions-key` on the webhooks. */
  readonly systemKey: string;
  /** `http://127.0.0.1:<port>/runtime/webhooks/durabletask` on the public port; 401 without `systemKey`. */
  readonly webhookBaseUrl: string;
}

export interface LocalHost {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly durable: LocalHostDurable;
  readonly clock: HostClock;
  readonly config: HostConfig;
  /** The app's functions, for invoking one directly (`invoker.invoke(name, request)`). */
  readonly invoker: FunctionInvoker;
  /** Resolves when no HTTP request, invocation, queue message or durable work item is in flight. */
  waitForIdle(): Promise<void>;
  /** Virtual clock only: moves time forward, firing due durable timers in order and settling after each. */
  advance(ms: number): Promise<void>;
  /** The queue triggers being polled, for diagnostics and tests (`nextPollAt`: when a sleeping poller wakes). */
  readonly queueTriggers: readonly {
    readonly functionName: string;
    readonly queueName: string;
    readonly nextPollAt: number | undefined;
  }[];
  /** Polls until every trigger queue is empty and the host is idle; throws after `timeoutMs` (default 30 s). */
  drainQueues(options?: DrainOptions): Promise<void>;
  /** Stops HTTP, queue polling and the durable engine, then runs the app's appTerminate hooks. Idempotent. */
  stop(): Promise<void>;
  /**
   * Tests only: a crash. The durable engine writes nothing more (no compaction, results still in flight are lost),
   * timers and queued work are dropped, the ports close, no appTerminate hook runs. A new host on the same
   * `durableStateDirectory` must pick everything up.
   */
  abandon(): Promise<void>;
}

/**
 * What is process-wide: the core-module hook and the app's module state live as long as the process, so one
 * process runs one app. The same app may be started again after `stop()` (its modules are not reloaded; appStart
 * hooks run again); a different app, or a second host while one runs, is refused.
 */
const processState: {
  appDir?: string;
  loaded?: LoadedApp;
  loadError?: Error;
  running?: string;
} = {};

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const appDir = path.resolve(options.appDir);
  if (!fs.existsSync(path.join(appDir, 'package.json'))) {
    throw new Error(`startLocalHost: ${appDir} is not a Functions app (no package.json).`);
  }
  if (processState.running) {
    throw new Error(
      `startLocalHost: a local Functions host is already running in this process (app ${processState.running}). ` +
        'Stop it first: the @azure/functions-core hook and the app modules are process-wide.',
    );
  }
  if (processState.appDir && processState.appDir !== appDir) {
    throw new Error(
      `startLocalHost: this process already loaded the app ${processState.appDir}; it cannot load ${appDir} too ` +
        '(@azure/functions keeps its registrations in module state). Use one process per app, e.g. one test file each.',
    );
  }
  if (processState.loadError) {
    throw new Error(
      `startLocalHost: the app failed to load earlier in this process: ${processState.loadError.message}`,
    );
  }
  processState.running = appDir;
  try {
    return await start(appDir, options);
  } catch (error) {
    processState.running = undefined;
    throw error;
  }
}

async function start(appDir: string, options: LocalHostOptions): Promise<LocalHost> {
  const logger = options.logger ?? consoleLogger;
  const settings = options.loadLocalSettings === false ? undefined : applyLocalSettings(appDir);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    process.env[name] = value;
  }
  const config = loadHostConfig(appDir, options.hostJson);
  const tracker = createWorkTracker();
  const onClockError = (error: unknown): void =>
    logger.error(
      `A scheduled item failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  const clock: HostClock =
    options.clock === 'virtual'
      ? new VirtualClock({ startTime: options.startTime?.getTime(), tracker, onError: onClockError })
      : options.clock === 'real' || options.clock === undefined
        ? new RealClock({ onError: onClockError })
        : options.clock;

  // Listen first: the port must be known before the app loads (WEBSITE_HOSTNAME, the durable base URL).
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer({ maxHeaderSize: nodeMaxHeaderSize }, (req, res) => handler(req, res));
  server.on('clientError', answerClientError);
  const port = await listen(server, options.port ?? settings?.localHttpPort ?? 7071);
  const baseUrl = `http://127.0.0.1:${port}`;
  // durable-functions rewrites management URLs to WEBSITE_HOSTNAME (else localhost:7071); its axios honours proxies.
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
  const noProxy = [
    ...new Set(
      [process.env.NO_PROXY, process.env.no_proxy, '127.0.0.1', 'localhost']
        .flatMap((value) => (value ?? '').split(','))
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ].join(',');
  process.env.NO_PROXY = noProxy;
  process.env.no_proxy = noProxy;

  // The durable rpc endpoint serves the management API without a key, so, as the extension's port 17071 on the
  // real host, it gets its own server that only loopback can reach (a free port: several hosts may run at once).
  let rpcHandler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const rpcServer = http.createServer((req, res) => rpcHandler(req, res));
  let rpcPort: number;
  try {
    rpcPort = await listen(rpcServer, 0);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const durable: LocalHostDurable = {
    rpcBaseUrl: `http://127.0.0.1:${rpcPort}/durabletask/`,
    // A fresh key per start, so that no key outlives the host or can be read from the source.
    systemKey: randomBytes(32).toString('base64url'),
    webhookBaseUrl: `${baseUrl}/runtime/webhooks/durabletask`,
  };

  let queues: QueueTriggerHost | undefined;
  let timers: TimerTriggerHost | undefined;
  let engine: DurableEngineApi | undefined;
  const registry = installCoreModule();
  registry.logSink = createLogSink(logger, config.logLevel);
  try {
    if (!processState.loaded) {
      processState.appDir = appDir;
      try {
        processState.loaded = await loadApp(appDir, registry);
      } catch (error) {
        processState.loadError = error as Error;
        throw error;
      }
    } else {
      // A restart of the same app: its modules stay loaded (and registered), but appStart runs again.
      const appStart: AppStartHookContext = {
        hookData: registry.appLevelOnlyHookData,
        appHookData: registry.appHookData,
        functionAppDirectory: appDir,
      };
      await registry.runHooks('appStart', appStart);
    }
    const invoker = createFunctionInvoker({
      registry,
      tracker,
      logger,
      logInvocations: options.logInvocations,
    });
    const durableEngine = createDurableEngine({
      invoker,
      clock,
      tracker,
      logger,
      hubName: config.hubName,
      baseUrl,
      systemKey: durable.systemKey,
      rpcBaseUrl: durable.rpcBaseUrl,
      maxConcurrentActivities: config.maxConcurrentActivities,
      durableStateDirectory: options.durableStateDirectory,
      durableCompactAfterBytes: options.durableCompactAfterBytes,
    });
    engine = durableEngine;
    if (options.sharedTaskHub) {
      const { rpcBaseUrl, systemKey, webhookBaseUrl } = options.sharedTaskHub;
      const binding = JSON.stringify(
        createClientBinding({
          baseUrl: webhookBaseUrl.replace(/\/runtime\/webhooks\/durabletask$/, ''),
          hubName: config.hubName,
          systemKey,
          rpcBaseUrl,
        }),
      );
      invoker.provideInput('durableClient', () => ({ string: binding }));
    }
    const routes = HttpRouteTable.fromFunctions(invoker.functions.values(), config.routePrefix);
    queues = QueueTriggerHost.create({
      invoker,
      options: config.queues,
      tracker,
      logger,
      pollTriggers: options.queueTriggers !== false,
    });
    handler = createFrontDoor({
      invoker,
      routes,
      tracker,
      logger,
      durable: {
        handleWebhook: (req, res, url) => durableEngine.handleWebhook(req, res, url),
        systemKey: durable.systemKey,
      },
      fallbackHost: `127.0.0.1:${port}`,
      routePrefix: config.routePrefix,
      ...(options.site ? { site: options.site } : {}),
    });
    rpcHandler = createRpcListener({
      durable: durableEngine,
      tracker,
      logger,
      fallbackHost: `127.0.0.1:${rpcPort}`,
    });
    timers = TimerTriggerHost.create({
      invoker,
      clock,
      tracker,
      logger,
      store: options.timerStateDirectory
        ? fileTimerStatusStore(options.timerStateDirectory)
        : memoryTimerStatusStore(),
    });
    logger.info(describeFunctions(baseUrl, routes, queues, timers, invoker));
    const unsupported = describeUnsupportedBindings(invoker.functions.values(), {
      triggers: new Set([
        'httptrigger',
        'queuetrigger',
        'timertrigger',
        'orchestrationtrigger',
        'activitytrigger',
      ]),
      supports: (direction, type) => invoker.supports(direction, type),
    });
    unsupported.push(...describeIgnoredRetryPolicies(invoker.functions.values()));
    if (unsupported.length > 0) {
      logger.warn(
        ['The local Functions host does not run everything this app declares:', ...unsupported].join('\n  '),
      );
    }
    queues.start();
    // Recovered instances run once both ports answer: their activities may call back into the host.
    durableEngine.recover();
    // Last: a runOnStartup timer may call the app's own HTTP endpoints or the durable API, which now answer.
    timers.start();
    return createHandle({
      appDir,
      port,
      baseUrl,
      clock,
      config,
      invoker,
      tracker,
      logger,
      server,
      rpcServer,
      durable,
      queues,
      timers,
      engine: durableEngine,
    });
  } catch (error) {
    await timers?.stop().catch(() => {});
    await queues?.stop().catch(() => {});
    await engine?.stop().catch(() => {});
    await closeServer(server);
    await closeServer(rpcServer);
    throw error;
  }
}

interface HandleParts {
  appDir: string;
  port: number;
  baseUrl: string;
  clock: HostClock;
  config: HostConfig;
  invoker: FunctionInvoker;
  tracker: LocalWorkTracker;
  logger: HostLogger;
  server: http.Server;
  rpcServer: http.Server;
  durable: LocalHostDurable;
  queues: QueueTriggerHost;
  timers: TimerTriggerHost;
  engine: DurableEngine;
}

function createHandle(parts: HandleParts): LocalHost {
  const {
    port,
    baseUrl,
    clock,
    config,
    invoker,
    tracker,
    logger,
    server,
    rpcServer,
    durable,
    queues,
    timers,
    engine,
  } = parts;
  let stopping: Promise<void> | undefined;

  async function stop(): Promise<void> {
    // No new requests; idle keep-alive connections go now, busy ones after their response.
    server.close();
    server.closeIdleConnections();
    await timers.stop();
    await queues.stop();
    await engine.stop();
    const settled = await Promise.race([
      tracker.whenIdle().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
    ]);
    if (!settled) {
      logger.warn(`Stopping with work still in flight: ${tracker.inFlight().join(', ')}`);
    }
    await closeServer(server);
    // Last: invocations still settling above may call DurableClient, whose every call goes to this server.
    await closeServer(rpcServer);
    if (clock instanceof VirtualClock || clock instanceof RealClock) {
      clock.dispose();
    }
    const registry = installCoreModule();
    try {
      await registry.runHooks('appTerminate', {
        hookData: registry.appLevelOnlyHookData,
        appHookData: registry.appHookData,
      });
    } catch (error) {
      logger.error(`An appTerminate hook failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      processState.running = undefined;
    }
  }

  return {
    url: baseUrl,
    port,
    durable,
    clock,
    config,
    invoker,
    queueTriggers: queues.listeners,
    waitForIdle: () => tracker.whenIdle(),
    advance(ms: number): Promise<void> {
      const advance = (clock as { advance?: (ms: number) => Promise<void> }).advance;
      if (clock.kind !== 'virtual' || typeof advance !== 'function') {
        return Promise.reject(
          new Error('advance() needs the virtual clock: startLocalHost({ clock: "virtual" }).'),
        );
      }
      return advance.call(clock, ms);
    },
    async drainQueues(options?: DrainOptions): Promise<void> {
      await queues.drain(options);
      await tracker.whenIdle();
    },
    stop(): Promise<void> {
      stopping ??= stop();
      return stopping;
    },
    abandon(): Promise<void> {
      stopping ??= (async () => {
        engine.abandon();
        await queues.stop();
        if (clock instanceof VirtualClock || clock instanceof RealClock) clock.dispose();
        await closeServer(server);
        await closeServer(rpcServer);
        processState.running = undefined;
      })();
      return stopping;
    },
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is in use: stop what listens there, or pick another port (PORT=…).`, {
              cause: error,
            })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The function list `func start` prints: HTTP routes with their methods, other triggers by type. */
function describeFunctions(
  baseUrl: string,
  routes: HttpRouteTable,
  queues: QueueTriggerHost,
  timers: TimerTriggerHost,
  invoker: FunctionInvoker,
): string {
  const lines = ['Functions:'];
  const routeByName = new Map(routes.routes.map((route) => [route.functionName, route]));
  const queueByName = new Map(queues.listeners.map((listener) => [listener.functionName, listener]));
  const timerByName = new Map(timers.timers.map((timer) => [timer.functionName, timer]));
  for (const [name, fn] of [...invoker.functions].sort(([a], [b]) => a.localeCompare(b))) {
    const route = routeByName.get(name);
    const queue = queueByName.get(name);
    if (route) {
      lines.push(`  ${name}: [${route.methods?.join(',') ?? 'ALL'}] ${baseUrl}/${route.template.template}`);
    } else if (queue) {
      lines.push(`  ${name}: queueTrigger (${queue.queueName})`);
    } else if (timerByName.has(name)) {
      lines.push(`  ${name}: timerTrigger (${timerByName.get(name)?.schedule})`);
    } else {
      lines.push(`  ${name}: ${fn.trigger.type}`);
    }
  }
  return lines.join('\n');
}
