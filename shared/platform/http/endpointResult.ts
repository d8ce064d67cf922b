/** What a handler answers; the edge adds the correlation id and serialises the body (idempotency stores it as is). */
export interface EndpointResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * What a repeat of the request with its Idempotency-Key answers, when that must differ from this first answer:
   * a secret shown once (a new tenant's admin password) is not written to the idempotency record.
   */
  replayBody?: unknown;
}
