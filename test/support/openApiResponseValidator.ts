import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document the check reads. */
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject | undefined>>;
  components?: { schemas?: Record<string, unknown> };
}

interface OperationObject {
  responses: Record<string, ResponseObject>;
}

interface ResponseObject {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema?: unknown }>;
}

export interface ObservedResponse {
  method: string;
  /** The concrete path, e.g. `/api/customers/c-1` (no query). */
  path: string;
  status: number;
  headers: Headers;
  /** The body as text ('' when there is none). */
  body: string;
}

/**
 * Checks responses against the service's own OpenAPI document, as a validating proxy would: the operation exists
 * for the method and path, the status is declared (exactly or as a `4XX`/`5XX` range), every header the response
 * declares is present, the content type is declared for that status, and the body validates against its schema
 * (JSON Schema 2020-12, formats included). Returns what is wrong; an empty list means the response keeps the word.
 */
export function openApiResponseValidator(
  document: OpenApiDocument,
): (observed: ObservedResponse) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // Component schemas under one id, so the `#/components/schemas/X` refs of every response resolve against it.
  ajv.addSchema({ $id: 'components.json', $defs: rewriteRefs(document.components?.schemas ?? {}) });
  const compiled = new Map<unknown, ValidateFunction>();
  const routes = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
  }));

  return (observed) => {
    const where = `${observed.method} ${observed.path} → ${observed.status}`;
    const route = routes.find((candidate) => candidate.pattern.test(observed.path));
    const operation = route ? document.paths[route.template]?.[observed.method.toLowerCase()] : undefined;
    if (!operation) return [`${where}: no such operation in the document`];
    const status = String(observed.status);
    const response = operation.responses[status] ?? operation.responses[`${status[0] ?? ''}XX`];
    if (!response) return [`${where}: status not declared`];

    const problems: string[] = [];
    for (const name of Object.keys(response.headers ?? {})) {
      if (!observed.headers.has(name)) problems.push(`${where}: header ${name} missing`);
    }
    const mediaType = observed.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
    if (!response.content) {
      if (observed.body !== '') problems.push(`${where}: a body the document does not declare`);
      return problems;
    }
    const content = mediaType ? response.content[mediaType] : undefined;
    if (!content) {
      problems.push(`${where}: content type ${mediaType ?? '(none)'} not declared`);
      return problems;
    }
    if (content.schema === undefined) return problems;
    let validate = compiled.get(content.schema);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(content.schema) as object);
      compiled.set(content.schema, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(observed.body);
    } catch {
      problems.push(`${where}: body is not JSON`);
      return problems;
    }
    if (!validate(body)) {
      problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };
}

/** `#/components/schemas/X` → `components.json#/$defs/X`. */
function rewriteRefs<T>(schema: T): T {
  return JSON.parse(
    JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"components.json#/$defs/'),
  ) as T;
}
