import { endpoint } from '../shared/platform/http/endpoint';
import { buildOpenApiDocument } from '../shared/platform/http/openApiDocument';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const openApiEndpoint = endpoint({
  name: 'openApi',
  method: 'GET',
  route: 'openapi.json',
  summary: 'This OpenAPI 3.1 document.',
  tags: ['Operations'],
  access: 'anonymous',
  responses: { 200: { description: 'The OpenAPI document.' } },
  handler: async () => {
    // Built on first use: every endpoint has registered by then, and the schemas never change at run time.
    document ??= buildOpenApiDocument().catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return { status: 200, body: await document };
  },
});
