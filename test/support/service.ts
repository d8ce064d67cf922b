import path from 'node:path';

import { type LocalHost, silentLogger } from '@azure-plan-local/functions-host';
import { type RunningSimulators, type StartSimulatorsOptions } from '@azure-plan-local/simulators';

import { launchLocalStack, type LocalStack } from '../../scripts/local-stack/launchLocalStack';
import { type Role } from '../../shared/domain/rules/roles';
import { devToken, sampleSettings } from './devToken';
import { type LocalCosmos } from './localCosmos';
import { createServiceCaller } from './serviceCaller';

/**
 * The whole service for end-to-end tests, started by the launcher (scripts/local-stack/launchLocalStack.ts): an
 * in-memory Cosmos DB server and Azurite (queues, in memory) on free ports, Microsoft's simulators, and the local
 * Functions host running the built app (`dist/main.js`: run `npm run build` first; `npm test` does) with a virtual
 * clock. One per test file (the host is process-wide), started in `beforeAll`.
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
  const stack = await launchLocalStack({
    // In memory on free ports; queues only: the app and the host use no blobs or tables, and the single-service
    // Azurite starts faster.
    storage: { services: ['queue'] },
    cosmos: {},
    provision: { database: settings.COSMOS_DATABASE ?? 'azure-plan' },
    simulators: {
      ...options.simulators,
      // Provisioned at once unless a test asks for slow provisioning (then it moves the virtual clock).
      partnerCenter: { provisioningDelayMs: 0, ...options.simulators?.partnerCenter },
      // The gateway's token cache runs on the wall clock, the simulators on the virtual one: a jump of days would
      // expire every cached token at once. Tests that are about expiry call `identity.expireAccessTokens()`.
      identity: { accessTokenLifetimeSeconds: 400 * 24 * 3600, ...options.simulators?.identity },
    },
    host: {
      appDir: options.appDir ?? repositoryRoot,
      port: 0,
      clock: 'virtual',
      ...(options.verbose || process.env.SERVICE_LOGS ? {} : { logger: silentLogger }),
      env: { FAULT_INJECTION: '', ...options.env },
      ...(options.hostJson ? { hostJson: options.hostJson } : {}),
    },
  });
  return serviceOver(stack);
}

/** The test's view of a launched stack (test/support/persistentService.ts makes one too). */
export function serviceOver(stack: LocalStack): TestService {
  const { host, simulators, cosmos, provisioned, storage } = stack;
  if (!host || !simulators || !cosmos || !provisioned || !storage) {
    throw new Error(
      'serviceOver: the stack must run every step (storage, Cosmos DB, provisioning, simulators, host).',
    );
  }
  const token = devToken;
  return {
    url: host.url,
    host,
    cosmos: { endpoint: cosmos.endpoint, ...provisioned, stop: () => stack.stop() },
    storageConnectionString: storage.connectionString,
    simulators,
    partnerCenter: simulators.partnerCenter.controls,
    arm: simulators.azureResourceManager.controls,
    identity: simulators.identity.controls,
    token,
    call: createServiceCaller(host.url, token),
    stop: () => stack.stop(),
  };
}
