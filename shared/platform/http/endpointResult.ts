/** What a handler answers; the edge adds the correlation id and serialises the body (idempotency stores it as is). */
export interface EndpointResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
