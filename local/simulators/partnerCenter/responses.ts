/**
 * What a route handler answers, before the HTTP layer adds Partner Center's headers, and the error bodies Partner
 * Center is documented to send (reference doc §2.4). Four shapes, because a gateway must parse all of them:
 * A (numeric `code` + `source`), B (`errorName`, `isRetryable`, no `source`), C (the 429 body), D (no body at all).
 */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** Shape A: the common Partner Center error, `source` "PartnerFD". */
export function errorA(status: number, code: number, description: string, data: string[] = []): SimResponse {
  return { status, body: { code, description, data, source: 'PartnerFD' } };
}

/** Shape B: the newer "rich" error of the agreement APIs. */
export function errorB(status: number, code: number, errorName: string, description: string): SimResponse {
  return {
    status,
    body: {
      code,
      message: description,
      description,
      errorName,
      isRetryable: false,
      parameters: {},
      errorMessageExtended: `InternalErrorCode=${code}`,
    },
  };
}

/** Shape C: the throttling body, which is not the normal error shape (PCD `api-throttling-guidance.md`). */
export function tooManyRequests(retryAfterSeconds: number): SimResponse {
  return {
    status: 429,
    body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}

/** Shape D: 401 without a body, what Partner Center answers an App+User token without MFA (or an invalid one). */
export function invalidToken(reason?: string): SimResponse {
  const description = reason ? `, error_description="${reason.replace(/["\\]/g, '')}"` : '';
  return { status: 401, headers: { 'WWW-Authenticate': `Bearer error="invalid_token"${description}` } };
}

export function invalidInput(description: string): SimResponse {
  return errorA(400, 800002, `Invalid request input. ${description}`);
}

export function notFound(code: number, description: string): SimResponse {
  return errorA(404, code, description);
}

export function collection(items: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { totalCount: items.length, items, ...extra, attributes: { objectType: 'Collection' } };
}

export function link(uri: string): { uri: string; method: 'GET'; headers: never[] } {
  return { uri, method: 'GET', headers: [] };
}
