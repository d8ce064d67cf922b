import { randomUUID } from 'node:crypto';

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';

import { AppError, type ErrorCode, fieldErrorsFromZod } from '../../domain/errors';
import { type Action, type Caller, mayPerform, permissions } from '../../domain/rules/roles';
import { type Clock } from '../clock';
import { type WorkflowClient } from '../durable/workflowClient';
import { type Authenticator } from './authenticate';
import { type EndpointResult } from './endpointResult';
import { type IdempotencyRecords, withIdempotency } from './idempotency';
import { toProblem } from './problem';

export type { EndpointResult } from './endpointResult';

/** Bodies larger than this are refused before parsing; every field also has its own length limit. */
const maxBodyBytes = 256 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Who may call an endpoint: a partner user allowed to do `action`, or anyone (health, OpenAPI, invitation links). */
export type Access = { action: Action } | 'anonymous';

/**
 * What the edge itself uses on every request: who is calling, the idempotency records, the time, and the workflow
 * client of the invocation (the durable client is an input binding of each invocation, not a process-wide client).
 */
export interface EdgeDependencies {
  authenticate: Authenticator;
  idempotencyRecords: IdempotencyRecords;
  clock: Clock;
  workflowsOf(this: void, context: InvocationContext): WorkflowClient;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface EndpointInput<P, Q, B, A extends Access> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** The signed-in partner user (null only on anonymous endpoints). */
  caller: A extends 'anonymous' ? null : Caller;
  correlationId: string;
  request: HttpRequest;
  context: InvocationContext;
  /** The workflow client (start, read, wake, end workflows); present when the endpoint declares `durableClient: true`. */
  workflows: WorkflowClient;
}

export interface EndpointDefinition<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  A extends Access = Access,
> {
  /** Function name; also the OpenAPI operationId. */
  name: string;
  method: HttpMethod;
  /** Route below the `/api` prefix, Functions syntax: `customers/{customerId}`. */
  route: string;
  summary: string;
  description?: string;
  tags: string[];
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A request without a body is taken as `{}` (the operation has nothing it must be told). Otherwise a body is
   * required: a missing one is a 400, and the document marks it required.
   */
  bodyOptional?: boolean;
  /** Honours the Idempotency-Key header (state-changing requests). */
  idempotent?: boolean;
  /** Largest accepted body in bytes, for endpoints that take lists (default 256 KiB). */
  maxBodyBytes?: number;
  durableClient?: boolean;
  /** Successful responses, for the OpenAPI document. */
  responses: Record<number, ResponseDoc>;
  /** Error codes this endpoint can answer with besides the generic ones (auth, validation, 500). */
  errors?: ErrorCode[];
  handler(input: EndpointInput<P, Q, B, A>): Promise<EndpointResult>;
}

/** What the OpenAPI generator reads; filled as endpoints register. */
export const endpointRegistry: AnyEndpointDefinition[] = [];

const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is a sensible token, otherwise a new one. */
export function correlationIdOf(request: HttpRequest): string {
  const given = request.headers.get('x-correlation-id')?.trim();
  return given && correlationIdPattern.test(given) ? given : randomUUID();
}

function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'path' | 'query' | 'body',
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const what = where === 'body' ? 'The request body' : where === 'path' ? 'The URL' : 'The query string';
  throw new AppError(
    'InvalidRequest',
    `${what} is not valid.`,
    fieldErrorsFromZod(result.error, where === 'body' ? '' : `#${where}`),
  );
}

/** `application/json` or a `+json` type such as `application/merge-patch+json`, parameters (charset) aside. */
const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

async function readJsonBody(
  request: HttpRequest,
  options: { limitBytes: number; optional: boolean },
): Promise<{ raw: string; value: unknown }> {
  const raw = await request.text();
  if (Buffer.byteLength(raw, 'utf8') > options.limitBytes) {
    throw new AppError('InvalidRequest', `The request body exceeds ${options.limitBytes} bytes.`);
  }
  if (raw.trim() === '') {
    // Only a body the operation can do without may be left out; `{}` sent as JSON is always a body.
    if (options.optional) return { raw, value: {} };
    throw new AppError(
      'InvalidRequest',
      'A JSON request body is required (send {} when there is nothing to say).',
    );
  }
  const contentType = request.headers.get('content-type');
  if (contentType === null || !jsonMediaType.test(contentType.trim())) {
    throw new AppError(
      'UnsupportedMediaType',
      contentType === null
        ? 'The request body has no Content-Type; send it as application/json.'
        : `The request body is ${contentType.split(';', 1)[0]?.trim()}; send it as application/json.`,
    );
  }
  try {
    return { raw, value: JSON.parse(raw) as unknown };
  } catch {
    throw new AppError('InvalidRequest', 'The request body is not valid JSON.');
  }
}

function toHttpResponse(result: EndpointResult, correlationId: string): HttpResponseInit {
  const headers: Record<string, string> = { 'x-correlation-id': correlationId, ...result.headers };
  if (result.body === undefined) return { status: result.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { status: result.status, headers, body: JSON.stringify(result.body) };
}

/**
 * Declares an HTTP endpoint (`registerEndpoint` registers it): every request runs through the same steps:
 * correlation id, authentication, role check, validation, idempotency, the handler, and one error mapping to
 * problem+json. A feature module exports each endpoint as a factory over what its handler uses (the composition
 * root calls it with its own repositories and gateways; a handler test with in-memory ones).
 */
export function endpoint<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  A extends Access = Access,
>(definition: EndpointDefinition<P, Q, B, A>): Endpoint {
  async function handle(
    request: HttpRequest,
    context: InvocationContext,
    edge: EdgeDependencies,
  ): Promise<HttpResponseInit> {
    const correlationId = correlationIdOf(request);
    const instance = new URL(request.url).pathname;
    try {
      let caller: Caller | null = null;
      if (definition.access !== 'anonymous') {
        caller = await edge.authenticate(request);
        if (!mayPerform(caller, definition.access.action)) {
          throw new AppError(
            'Forbidden',
            `This needs one of the roles ${permissions[definition.access.action].join(', ')}.`,
          );
        }
      }
      const params = (
        definition.params ? parseOrThrow(definition.params, request.params, 'path') : undefined
      ) as Parsed<P>;
      const query = (
        definition.query
          ? parseOrThrow(definition.query, Object.fromEntries(request.query.entries()), 'query')
          : undefined
      ) as Parsed<Q>;
      const rawBody = definition.body
        ? await readJsonBody(request, {
            limitBytes: definition.maxBodyBytes ?? maxBodyBytes,
            optional: definition.bodyOptional ?? false,
          })
        : undefined;
      const body = (
        definition.body && rawBody ? parseOrThrow(definition.body, rawBody.value, 'body') : undefined
      ) as Parsed<B>;

      const run = async (): Promise<EndpointResult> => {
        context.log(
          `${definition.name} correlationId=${correlationId} caller=${caller?.userId ?? 'anonymous'}`,
        );
        return definition.handler({
          params,
          query,
          body,
          caller: caller as EndpointInput<P, Q, B, A>['caller'],
          correlationId,
          request,
          context,
          workflows: (definition.durableClient ? edge.workflowsOf(context) : undefined) as WorkflowClient,
        });
      };

      const idempotencyKey = request.headers.get('idempotency-key');
      const result =
        definition.idempotent && idempotencyKey !== null
          ? await withIdempotency(edge.idempotencyRecords, {
              key: idempotencyKey,
              // Keys belong to the caller (as Stripe's and Partner Center's do): another user's key never replays.
              scope: `${caller?.userId ?? 'anonymous'} ${definition.method} ${instance}`,
              requestBody: rawBody?.value,
              now: edge.clock.now(),
              run,
            })
          : await run();
      return toHttpResponse(result, correlationId);
    } catch (error) {
      const { problem, response } = toProblem(error, { instance, correlationId });
      if (problem.status >= 500) {
        context.error(`${definition.name} failed correlationId=${correlationId}`, error);
      }
      return response;
    }
  }

  return { definition: definition, handle };
}

type AnyEndpointDefinition = EndpointDefinition<
  z.ZodType | undefined,
  z.ZodType | undefined,
  z.ZodType | undefined,
  Access
>;

/**
 * A declared endpoint: its definition and its handler over the real `HttpRequest` and the edge's dependencies.
 * What the handler itself uses it was given when its factory was called.
 */
export interface Endpoint {
  definition: AnyEndpointDefinition;
  handle(
    this: void,
    request: HttpRequest,
    context: InvocationContext,
    edge: EdgeDependencies,
  ): Promise<HttpResponseInit>;
}

/**
 * Registers the endpoint with the Functions runtime and the OpenAPI registry. The composition root
 * (functions/index.ts) calls it with what the edge uses; this plumbing never reaches for the root itself.
 */
export function registerEndpoint({ definition, handle }: Endpoint, edge: EdgeDependencies): void {
  endpointRegistry.push(definition);
  app.http(definition.name, {
    methods: [definition.method],
    route: definition.route,
    authLevel: 'anonymous',
    ...(definition.durableClient ? { extraInputs: [df.input.durableClient()] } : {}),
    handler: (request, context) => handle(request, context, edge),
  });
}

/** Path parameters are strings; this keeps ids printable and bounded so they are safe as Cosmos ids and in URLs. */
export const idParameter = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');

/**
 * An id Partner Center assigns in its own alphabet (order ids are base64url, e.g. `HVu_cO8Ea7fNRQP4ia1QTpZap-kg_7P71`),
 * which may begin with `-` or `_`; a leading dot stays refused, so `.` and `..` never reach a handler.
 */
export const partnerCenterIdParameter = z
  .string()
  .regex(
    /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 letters, digits, dots, dashes or underscores, not starting with a dot',
  );
