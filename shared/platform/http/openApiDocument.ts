import { z } from 'zod';
import { type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';

import { errorCatalogue, type ErrorCode } from '../../domain/errors';
import { endpointRegistry } from './endpoint';
import { problemContentType, problemSchema } from './problem';

/** `customers/{customerId}` → `/api/customers/{customerId}` (OpenAPI has no Functions route constraints). */
function openApiPath(route: string): string {
  return `/api/${route.replace(/\{(\*?)([A-Za-z0-9_]+)(:[^}]*)?(\?)?\}/g, '{$2}')}`;
}

/** Every response, errors included, carries the correlation id (echoed from the request, or a new one). */
const responseHeaders = z.object({
  'x-correlation-id': z
    .string()
    .meta({ description: 'Ties the log lines and documents of this request together.' }),
});

/** The rule `correlationIdOf` applies: a caller's id that breaks it is replaced, never refused. */
const correlationIdRequestHeader = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .min(1)
  .max(128)
  .optional()
  .meta({
    description:
      'Your id for this request, echoed in `x-correlation-id`. 1–128 letters, digits, `.`, `_`, `:` or `-`; any other ' +
      'value is replaced by a new id (not refused).',
  });

/** As `withIdempotency` checks it (`keyPattern`): anything else is a 400. */
const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/)
  .min(1)
  .max(255)
  .optional()
  .meta({
    description:
      'Makes a retry safe: the same key and body return the first response, the same key with another body is 422. ' +
      '1–255 visible ASCII characters (0x21–0x7E), else 400 `InvalidRequest`. Keys belong to the caller.',
  });

/** The tags every operation is filed under, in the order a reader meets them. */
const tags = [
  { name: 'Customers', description: 'Register and read CSP customers.' },
  {
    name: 'Agreements',
    description: 'Microsoft Customer Agreement acceptance: partner attestation and invitations.',
  },
  { name: 'Azure plan purchase', description: 'The durable workflow that buys the Azure plan, MCA first.' },
  {
    name: 'Azure plan transition',
    description: 'Move a customer from Microsoft Azure (0145P) to the Azure plan.',
  },
  { name: 'Batch purchases', description: 'Up to 1,000 purchases in one request, through a queue.' },
  {
    name: 'Subscriptions',
    description: 'Subscriptions and the Azure subscriptions (entitlements) under a plan.',
  },
  { name: 'Reservations', description: 'Azure reservations bought under an active Azure plan.' },
  { name: 'Orders', description: 'Orders as Partner Center records them.' },
  { name: 'Operations', description: 'Health and this document.' },
];

/**
 * The host refuses some requests before any function runs, whatever the operation: a request line over 8 KB (414),
 * headers over 32 KB (431), a body over the host's limit (413).
 */
const hostRefusals = {
  description:
    'The host refused the request before the operation ran: request line over 8 KB (414), headers over 32 KB in ' +
    'all (431), body too large (413), or not valid HTTP (400).',
  headers: responseHeaders,
  content: { [problemContentType]: { schema: problemSchema } },
};

/** Asynchronous operations answer 202 with where to follow them. */
const acceptedHeaders = responseHeaders.extend({
  Location: z.string().meta({ description: 'The status URL of the operation that was started.' }),
});

function errorResponses(codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((code) => `\`${code}\`: ${errorCatalogue[code].title}`).join(' '),
        headers: responseHeaders,
        content: { [problemContentType]: { schema: problemSchema } },
      },
    ]),
  );
}

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate the requests. zod-openapi is imported
 * here, on first use, so that loading the app does not pay for it (cold start).
 */
export async function buildOpenApiDocument(serverUrl: string) {
  const { createDocument } = await import('zod-openapi');
  const paths: ZodOpenApiPathsObject = {};
  for (const definition of endpointRegistry) {
    const codes: ErrorCode[] = [...(definition.errors ?? [])];
    if (definition.params || definition.query || definition.body) codes.push('InvalidRequest');
    if (definition.body) codes.push('UnsupportedMediaType');
    if (definition.access !== 'anonymous') codes.push('Unauthenticated', 'Forbidden');
    if (definition.idempotent) codes.push('IdempotencyKeyReused', 'IdempotentRequestInProgress');
    codes.push('InternalError');

    const headers = definition.idempotent
      ? z.object({ 'Idempotency-Key': idempotencyKeyHeader, 'x-correlation-id': correlationIdRequestHeader })
      : z.object({ 'x-correlation-id': correlationIdRequestHeader });

    const operation: ZodOpenApiOperationObject = {
      operationId: definition.name,
      summary: definition.summary,
      ...(definition.description ? { description: definition.description } : {}),
      tags: definition.tags,
      ...(definition.access === 'anonymous' ? { security: [] } : {}),
      requestParams: {
        ...(definition.params ? { path: definition.params as z.ZodObject } : {}),
        ...(definition.query ? { query: definition.query as z.ZodObject } : {}),
        header: headers,
      },
      ...(definition.body
        ? {
            requestBody: {
              required: !definition.bodyOptional,
              description: definition.bodyOptional
                ? 'Optional: a request without a body is taken as `{}`. Sent as `application/json` (else 415).'
                : 'Required (a request without a body is 400). Sent as `application/json` (else 415).',
              content: { 'application/json': { schema: definition.body } },
            },
          }
        : {}),
      responses: {
        ...Object.fromEntries(
          Object.entries(definition.responses).map(([status, response]) => [
            status,
            {
              description: response.description,
              headers: Number(status) === 202 ? acceptedHeaders : responseHeaders,
              ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
            },
          ]),
        ),
        ...errorResponses([...new Set(codes)]),
        '4XX': hostRefusals,
      },
    };
    const path = openApiPath(definition.route);
    paths[path] = { ...paths[path], [definition.method.toLowerCase()]: operation };
  }

  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Azure plan purchase service',
      version: '1.0.0',
      description:
        'Buys the Microsoft Azure plan for CSP customers, with the Microsoft Customer Agreement accepted first. ' +
        'Errors are RFC 9457 problem documents carrying a stable `code` and, where one exists, the Partner Center number.',
      contact: { name: 'Azure plan purchase service team', url: 'https://azure-plan-purchase.local/support' },
      license: { name: 'Proprietary', url: 'https://azure-plan-purchase.local/license' },
    },
    servers: [{ url: serverUrl, description: 'This deployment (`PUBLIC_BASE_URL`).' }],
    tags,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An Entra ID access token whose `roles` claim holds Partner Center roles.',
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  });
}
