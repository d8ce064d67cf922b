import { HttpRequest, InvocationContext } from '@azure/functions';
import { type QueueClient } from '@azure/storage-queue';
import * as df from 'durable-functions';

import { createClientBinding } from '../../local-functions-host/durable/createClientBinding';
import { type Services } from '../../shared/compositionRoot';
import { type Role } from '../../shared/domain/rules/roles';
import { type Clock } from '../../shared/platform/clock';
import { loadConfig } from '../../shared/platform/config';
import { createFaultInjector } from '../../shared/platform/faultInjection';
import { createAuthenticator } from '../../shared/platform/http/authenticate';
import { type Endpoint } from '../../shared/platform/http/endpoint';
import { loadMarketCatalogue } from '../../shared/platform/markets';
import { type Repositories } from '../../shared/repositories';
import { devToken, sampleSettings } from './devToken';

/**
 * Handler tests: an exported endpoint's real handler (`endpoint.handle`) called with a real `HttpRequest`, over the
 * services a test gives it instead of the stores. The test file swaps the composition root's `getServices` for
 * `currentServices` (vi.mock, see below); everything else is the app's own: authentication with the development
 * key, role checks, validation, idempotency, problem+json.
 *
 * ```ts
 * vi.mock('../../shared/compositionRoot', async (importOriginal) => ({
 *   ...(await importOriginal<object>()),
 *   getServices: (await import('../support/handlerHarness')).currentServices,
 * }));
 * ```
 */

let services: Services | undefined;

/** What `getServices()` answers in a handler test: the services the last `useServices` call built. */
export function currentServices(): Promise<Services> {
  if (!services) return Promise.reject(new Error('Call useServices() before calling a handler.'));
  return Promise.resolve(services);
}

export interface TestServicesInit {
  /** Only the repositories the handler under test may touch; any other one throws when used. */
  repositories?: Partial<Repositories>;
  clock?: Clock;
  purchaseRequests?: QueueClient;
  /** The gateways to Microsoft the handler under test may use (e.g. an in-memory Partner Center customers port). */
  microsoft?: { partnerCenter: Partial<Services['microsoft']['partnerCenter']> };
}

/** Builds the services the handlers will see, from the sample settings and what the test provides. */
export function useServices(init: TestServicesInit = {}): Services {
  const config = loadConfig({ ...sampleSettings, ...process.env, FAULT_INJECTION: '' });
  services = {
    config,
    clock: init.clock ?? { now: () => new Date() },
    authenticate: createAuthenticator(config),
    markets: loadMarketCatalogue(config.AZURE_PLAN_MARKETS_FILE),
    queues: { purchaseRequests: init.purchaseRequests ?? unprovided<QueueClient>('queues.purchaseRequests') },
    purchaseStartPacer: (start) => start(),
    repositories: new Proxy(init.repositories ?? {}, {
      get: (given: Record<string, unknown>, name: string): unknown =>
        given[name] ?? unprovided(`repositories.${name}`),
    }) as Repositories,
    notifications: unprovided('notifications'),
    microsoft: (init.microsoft ?? unprovided('microsoft')) as Services['microsoft'],
    commerce: unprovided('commerce'),
    faults: createFaultInjector(''),
  };
  return services;
}

/** A stand-in for a queue that records what was sent (the only call the app makes on the purchase-requests queue). */
export function aRecordingQueue(): { queue: QueueClient; sent: unknown[] } {
  const sent: unknown[] = [];
  const queue = {
    sendMessage(text: string) {
      sent.push(JSON.parse(Buffer.from(text, 'base64').toString('utf8')));
      return Promise.resolve({});
    },
  };
  return { queue: queue as unknown as QueueClient, sent };
}

export interface RequestOptions {
  as?: { roles: Role[]; userId?: string };
  body?: unknown;
  /** A raw body, sent as given. */
  text?: string;
  headers?: Record<string, string>;
  /** Route parameters, as the host would fill them in from the route template. */
  params?: Record<string, string>;
}

/** A real `HttpRequest` as the Functions host builds it. */
export async function anHttpRequest(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpRequest> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${await devToken(options.as.roles, options.as.userId)}`;
  const text = options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return new HttpRequest({
    method,
    url: `http://localhost:7071${path}`,
    headers,
    ...(text === undefined ? {} : { body: { string: text } }),
    ...(options.params ? { params: options.params } : {}),
  });
}

export interface HandlerResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when empty: assert on it with toMatchObject, or cast to what you read. */
  body: unknown;
}

/**
 * Calls an endpoint's handler as the host would and reads its answer. An endpoint that declares a durable client
 * gets a binding whose URLs lead nowhere (a closed loopback port): a handler test covers what the handler decides
 * before or without the durable runtime; what the runtime answers is the full-stack tests' business.
 */
export async function callHandler(endpoint: Endpoint, request: HttpRequest): Promise<HandlerResponse> {
  const durableClient = df.input.durableClient();
  const context = new InvocationContext({
    functionName: endpoint.definition.name,
    logHandler: () => undefined,
    options: endpoint.definition.durableClient ? { extraInputs: [durableClient] } : {},
  });
  if (endpoint.definition.durableClient) {
    context.extraInputs.set(
      durableClient,
      createClientBinding({
        baseUrl: 'http://127.0.0.1:9',
        hubName: 'handler-tests',
        systemKey: 'unused',
        rpcBaseUrl: 'http://127.0.0.1:9/durabletask/',
      }),
    );
  }
  const response = await endpoint.handle(request, context);
  const headers = Object.fromEntries(new Headers(response.headers as Record<string, string>).entries());
  const text = typeof response.body === 'string' ? response.body : undefined;
  return { status: response.status ?? 200, headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function unprovided<T>(what: string): T {
  return new Proxy(
    {},
    {
      get: () => {
        throw new Error(`This handler test did not provide ${what}, and the handler used it.`);
      },
    },
  ) as T;
}
