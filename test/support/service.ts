import path from 'node:path';

import { startAzurite } from '../../local-functions-host/embedded';
import {
  type HostClock,
  type LocalHost,
  silentLogger,
  startLocalHost,
} from '../../local-functions-host/index';
import {
  type RunningSimulators,
  startSimulators,
  type StartSimulatorsOptions,
} from '../../local-functions-host/simulators/startSimulators';
import { provisionStores } from '../../scripts/local-stack/provisionStores';
import { type Role } from '../../shared/domain/rules/roles';
import { devToken, sampleSettings } from './devToken';
import { type LocalCosmos, startLocalCosmos } from './localCosmos';
import { createServiceCaller } from './serviceCaller';

/**
 * The whole service for end-to-end tests: an in-memory Cosmos DB server and Azurite (queues, in memory) on free
 * ports, and the local Functions host running the built app (`dist/main.js`: run `npm run build` first; `npm test`
 * does) with a virtual clock. One per test file (the host is process-wide), started in `beforeAll`.
 */
export interface RunningService {
  readonly url: string;
  readonly host: LocalHost;
  /** The app's containers, for asserting on what was stored. */
  readonly cosmos: LocalCosmos;
  /** Azurite's queue endpoint, for reading or writing the app's queues directly. */
  readonly storageConnectionString: string;
  /** The simulators of Microsoft's services the app calls, on the host's clock (virtual time moves them too). */
  readonly simulators: RunningSimulators;
  /** Partner Center's controls: seed customers, flip direct signing, inject faults, throttle, count calls. */
  readonly partnerCenter: RunningSimulators['partnerCenter']['controls'];
  readonly arm: RunningSimulators['azureResourceManager']['controls'];
  /** The token endpoint's controls: revoke the consent, expire access tokens. */
  readonly identity: RunningSimulators['identity']['controls'];
  /** A bearer token the service accepts, signed with the development key (as `npm run token`). */
  token(roles: Role[], userId?: string): Promise<string>;
  /** Calls the API; `as` signs in a user with these roles (omit it to call without credentials). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped unless the test names the body's type
  call<T = any>(method: HttpMethod, path: string, options?: CallOptions): Promise<ServiceResponse<T>>;
  stop(): Promise<void>;
}

/** The same, by the name some tests use. */
export type TestService = RunningService;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface CallOptions {
  as?: { roles: Role[]; userId?: string };
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON object whose fields a test reads without declaring them (`expect(body.code).toBe(…)`). */
export type JsonObject = Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped unless the test names the body's type
export interface ServiceResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when empty), typed as the caller says: `call<Order>(…)`. */
  body: T;
}

export interface ServiceOptions {
  /** Extra app settings (e.g. FAULT_INJECTION). */
  env?: Record<string, string>;
  /** Host and function logs on the console (also with SERVICE_LOGS=1). */
  verbose?: boolean;
  /** Merged over host.json, e.g. `{ extensions: { queues: { visibilityTimeout: '00:00:00' } } }`. */
  hostJson?: Record<string, unknown>;
  /** The app folder the host runs (default: the repository, i.e. dist/main.js); e.g. the deploy package. */
  appDir?: string;
  /** Options of the simulators (behaviour, throttling, consent). */
  simulators?: Omit<StartSimulatorsOptions, 'clock' | 'ports' | 'stateDirectory'>;
}

const repositoryRoot = path.resolve(__dirname, '..', '..');
const settings = sampleSettings;

export async function startService(options: ServiceOptions = {}): Promise<TestService> {
  const cosmos = await startLocalCosmos(settings.COSMOS_DATABASE ?? 'azure-plan');
  // Queues only: the app and the host use no blobs or tables, and the single-service Azurite starts faster.
  const azurite = await startAzurite({ services: ['queue'] }).catch(async (error: unknown) => {
    await cosmos.stop();
    throw error;
  });
  const storageConnectionString = azurite.connectionString;
  // Provisioned as `npm start` does it: the app creates no database, container or queue.
  await provisionStores({
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: settings.COSMOS_KEY,
    COSMOS_DATABASE: settings.COSMOS_DATABASE,
    AzureWebJobsStorage: storageConnectionString,
  }).catch(async (error: unknown) => {
    await azurite.stop();
    await cosmos.stop();
    throw error;
  });
  // The simulators start before the host (the app's settings point at them) and read the host's clock once it
  // exists, so that virtual time moves Microsoft's provisioning delays and token expiries with the workflow's.
  const clockOf: { host?: HostClock } = {};
  const simulators = await startSimulators({
    ...options.simulators,
    // Provisioned at once unless a test asks for slow provisioning (then it moves the virtual clock).
    partnerCenter: { provisioningDelayMs: 0, ...options.simulators?.partnerCenter },
    // The gateway's token cache runs on the wall clock, the simulators on the virtual one: a jump of days would
    // expire every cached token at once. Tests that are about expiry call `identity.expireAccessTokens()`.
    identity: { accessTokenLifetimeSeconds: 400 * 24 * 3600, ...options.simulators?.identity },
    clock: () => new Date(clockOf.host ? clockOf.host.now() : Date.now()),
  });
  let host: LocalHost;
  try {
    host = await startLocalHost({
      appDir: options.appDir ?? repositoryRoot,
      port: 0,
      clock: 'virtual',
      logger: options.verbose || process.env.SERVICE_LOGS ? undefined : silentLogger,
      env: {
        COSMOS_ENDPOINT: cosmos.endpoint,
        AzureWebJobsStorage: storageConnectionString,
        FAULT_INJECTION: '',
        ...simulators.settings,
        ...options.env,
      },
      ...(options.hostJson ? { hostJson: options.hostJson } : {}),
    });
  } catch (error) {
    await azurite.stop();
    await cosmos.stop();
    await simulators.stop();
    throw error;
  }
  clockOf.host = host.clock;

  const token = devToken;

  return {
    url: host.url,
    host,
    cosmos,
    storageConnectionString,
    simulators,
    partnerCenter: simulators.partnerCenter.controls,
    arm: simulators.azureResourceManager.controls,
    identity: simulators.identity.controls,
    token,
    call: createServiceCaller(host.url, token),
    async stop(): Promise<void> {
      await host.stop();
      await azurite.stop();
      await cosmos.stop();
      await simulators.stop();
    },
  };
}
