import { HttpRequest, InvocationContext } from '@azure/functions';
import { type QueueClient } from '@azure/storage-queue';
import { createClientBinding } from '@azure-plan-local/functions-host';
import * as df from 'durable-functions';

import { type Role } from '../../shared/domain/rules/roles';
import { type Clock } from '../../shared/platform/clock';
import { loadConfig } from '../../shared/platform/config';
import { type WorkflowClient, workflowClientOver } from '../../shared/platform/durable/workflowClient';
import { type Authenticator, createAuthenticator } from '../../shared/platform/http/authenticate';
import { type EdgeDependencies, type Endpoint } from '../../shared/platform/http/endpoint';
import { type IdempotencyRecords } from '../../shared/platform/http/idempotency';
import { devToken, sampleSettings } from './devToken';

/**
 * Handler tests: an exported endpoint's real handler (`endpoint.handle`) called with a real `HttpRequest`, its
 * factory given its dependencies directly (in-memory repositories, a fixed clock). Everything else is the
 * app's own: authentication with the development key, role checks, validation, idempotency, problem+json.
 *
 * ```ts
 * const answer = await callHandler(getCustomerEndpoint, await anHttpRequest('GET', '/api/customers/c', …), {
 *   customers: createInMemoryCustomerRepository(),
 * });
 * ```
 */

let authenticator: Authenticator | undefined;

/** The real authenticator over the sample settings (the development signing key). */
function authenticate(): Authenticator {
  authenticator ??= createAuthenticator(
    loadConfig({ ...sampleSettings, ...process.env, FAULT_INJECTION: '' }),
  );
  return authenticator;
}

/**
 * What the edge itself uses, where a test wants its own: a fixed clock, idempotency records to look at, a workflow
 * client (an in-memory one, to see what a handler starts).
 */
export interface EdgeInit {
  clock?: Clock;
  idempotencyRecords?: IdempotencyRecords;
  workflows?: WorkflowClient;
}

function edgeDependencies(init: EdgeInit): EdgeDependencies {
  return {
    authenticate: authenticate(),
    clock: init.clock ?? { now: () => new Date() },
    idempotencyRecords: init.idempotencyRecords ?? unprovided<IdempotencyRecords>('idempotencyRecords'),
    workflowsOf: (context) => init.workflows ?? workflowClientOver(df.getClient(context)),
  };
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
 * Calls an endpoint's handler as the host would, built by its factory over `deps`, and reads its answer. An
 * endpoint that declares a durable client gets `edge.workflows` or else a binding whose URLs lead nowhere (a closed
 * loopback port): a handler test covers what the handler decides; what the durable runtime does is the
 * full-stack tests' business.
 */
export async function callHandler<D>(
  endpointOver: (deps: D) => Endpoint,
  request: HttpRequest,
  deps: NoInfer<D>,
  edge: EdgeInit = {},
): Promise<HandlerResponse> {
  const endpoint = endpointOver(deps);
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
  const response = await endpoint.handle(request, context, edgeDependencies(edge));
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
