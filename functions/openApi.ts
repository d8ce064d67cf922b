import { z } from 'zod';

import { endpoint } from '../shared/platform/http/endpoint';
import { buildOpenApiDocument } from '../shared/platform/http/openApiDocument';

export const openApiEndpoint = (deps: { publicBaseUrl: string }) => {
  // Built on first use: every endpoint has registered by then, and the schemas never change at run time.
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return endpoint({
    name: 'openApi',
    method: 'GET',
    route: 'openapi.json',
    summary: 'This OpenAPI 3.1 document.',
    description:
      'The OpenAPI 3.1 description of every operation, generated from the same zod schemas that validate the requests. No credentials needed.',
    tags: ['Operations'],
    access: 'anonymous',
    responses: {
      200: {
        description: 'The OpenAPI document.',
        schema: z
          .looseObject({
            openapi: z.string(),
            info: z.looseObject({}),
            paths: z.record(z.string(), z.unknown()),
          })
          .meta({
            id: 'OpenApiDocument',
            description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).',
          }),
      },
    },
    handler: async () => {
      document ??= buildOpenApiDocument(deps.publicBaseUrl.replace(/\/+$/, '')).catch((error: unknown) => {
        document = undefined;
        throw error;
      });
      return { status: 200, body: await document };
    },
  });
};
