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
export async function buildOpenApiDocument(serverUrl?: string) {
  const { createDocument } = await import('zod-openapi');
  const paths: ZodOpenApiPathsObject = {};
  for (const definition of endpointRegistry) {
    const codes: ErrorCode[] = [...(definition.errors ?? [])];
    if (definition.params || definition.query || definition.body) codes.push('InvalidRequest');
    if (definition.access !== 'anonymous') codes.push('Unauthenticated', 'Forbidden');
    if (definition.idempotent) codes.push('IdempotencyKeyReused', 'IdempotentRequestInProgress');
    codes.push('InternalError');

    const headers = definition.idempotent
      ? z.object({
          'Idempotency-Key': z
            .string()
            .optional()
            .meta({ description: 'Makes a retry safe: the same key and body return the first response.' }),
          'x-correlation-id': z.string().optional(),
        })
      : z.object({ 'x-correlation-id': z.string().optional() });

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
        ? { requestBody: { required: true, content: { 'application/json': { schema: definition.body } } } }
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
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
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
