import { randomUUID } from 'node:crypto';

import { type z } from 'zod';

import { type Clock, systemClock } from '../../platform/clock';
import { realSleep, retryDelayMs, retryPolicy, type Sleep } from '../../platform/retryPolicy';
import { type AccessTokenRequest, type AccessTokenSource } from '../auth/accessTokens';
import {
  networkFailure,
  parseErrorResponse,
  parseJsonLenient,
  PartnerCenterError,
} from '../partnerCenter/partnerCenterError';
import { msRequestIdFor } from './requestIds';

/** One line per call to Microsoft, for the operator's logs (never tokens or bodies). */
export interface GatewayLogEntry {
  service: string;
  method: string;
  path: string;
  status: number;
  attempt: number;
  requestId: string;
  correlationId: string;
  msCv?: string;
  /** ARM: `x-ms-request-id` of the answer. */
  serviceRequestId?: string;
  error?: string;
}

export type GatewayLog = (entry: GatewayLogEntry) => void;

/** Identifies a call: the service's correlation id, and for a step that must be safe to repeat, its key. */
export interface CallContext {
  /** Sent as `MS-CorrelationId`: the id that follows the work through the service. */
  correlationId: string;
  /**
   * Names the logical step (e.g. `purchase:<id>:checkout`). The `MS-RequestId` is derived from it, so a repeat of
   * the step — an in-call retry, an activity retry, a replay after a crash — is recognised by Microsoft. Omit for
   * reads: each read then gets a fresh id, as the header's documentation asks.
   */
  stepKey?: string;
}

/** A step that changes something at Microsoft: its step key is required. */
export type StepContext = CallContext & { stepKey: string };

export interface MicrosoftHttpClientOptions {
  service: 'partnerCenter' | 'azureResourceManager';
  endpoint: string;
  tokens: AccessTokenSource;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  log?: GatewayLog;
  retry?: {
    /** Attempts per call for transient failures (the app's one retry policy by default). */
    maxAttempts?: number;
    /**
     * The longest `Retry-After` waited for inside a call. A longer one is thrown as a `Throttled`
     * `PartnerCenterError` with `retryAfterMs`, for the workflow to wait with a durable timer.
     */
    maxInCallThrottleWaitMs?: number;
  };
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. `MS-Contract-Version`). */
  defaultHeaders?: Record<string, string>;
}

export interface HttpCall<S extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Path (with query) relative to the endpoint, e.g. `/v1/customers/{id}`. */
  path: string;
  token: AccessTokenRequest;
  context: CallContext;
  body?: unknown;
  headers?: Record<string, string>;
  /** Schema of the success body; `undefined` for answers without one (202 + Location). */
  schema: S;
}

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  body: T;
  requestId: string;
}

export type MicrosoftHttpClient = <S extends z.ZodType | undefined>(
  call: HttpCall<S>,
) => Promise<HttpResult<S extends z.ZodType ? z.infer<S> : undefined>>;

/**
 * The one HTTP path to Microsoft: bearer token, MS-RequestId/MS-CorrelationId, JSON, the retry policy for
 * transient failures (same MS-RequestId on every attempt), short 429 waits, one token refresh after a 401, and every
 * failure turned into a `PartnerCenterError`. Success bodies are parsed with the caller's zod schema (tolerant of
 * unknown fields); a body that does not match is a `Rejected` error naming the mismatch, never a crash later.
 */
export function createMicrosoftHttpClient(options: MicrosoftHttpClientOptions): MicrosoftHttpClient {
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const log = options.log ?? (() => undefined);
  const maxAttempts = options.retry?.maxAttempts ?? retryPolicy.maxAttempts;
  const maxInCallThrottleWaitMs = options.retry?.maxInCallThrottleWaitMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const base = options.endpoint.replace(/\/+$/, '');

  return async <S extends z.ZodType | undefined>(call: HttpCall<S>) => {
    const requestId = call.context.stepKey ? msRequestIdFor(call.context.stepKey) : randomUUID();
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      let failure: PartnerCenterError;
      try {
        const accessToken = await options.tokens.getToken(call.token);
        const response = await fetchImpl(`${base}${call.path}`, {
          method: call.method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${accessToken}`,
            ...requestIdHeaders(options.service, requestId, call.context.correlationId),
            ...options.defaultHeaders,
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const bodyText = await response.text();
        const entry: GatewayLogEntry = {
          service: options.service,
          method: call.method,
          path: call.path.split('?')[0] ?? call.path,
          status: response.status,
          attempt,
          requestId,
          correlationId: call.context.correlationId,
          ...(response.headers.get('ms-cv') ? { msCv: response.headers.get('ms-cv') ?? '' } : {}),
          // ARM's own id of the call, which its support asks for beside the client request id.
          ...(response.headers.get('x-ms-request-id')
            ? { serviceRequestId: response.headers.get('x-ms-request-id') ?? '' }
            : {}),
        };
        if (response.ok) {
          log(entry);
          return {
            status: response.status,
            headers: response.headers,
            body: parseBody(call.schema, bodyText, response.status, requestId, options.service),
            requestId,
          } as HttpResult<S extends z.ZodType ? z.infer<S> : undefined>;
        }
        failure = parseErrorResponse(
          { status: response.status, headers: response.headers, bodyText },
          { now: clock.now(), requestId, afterRepeat: attempt > 1, service: options.service },
        );
        log({ ...entry, error: failure.message });
      } catch (error) {
        if (error instanceof PartnerCenterError) {
          // Thrown by the token source or the body parser: already classified.
          if (error.kind !== 'Unavailable' || attempt >= maxAttempts) throw error;
          failure = error;
        } else {
          failure = networkFailure(error, requestId, options.service);
          log({
            service: options.service,
            method: call.method,
            path: call.path.split('?')[0] ?? call.path,
            status: 0,
            attempt,
            requestId,
            correlationId: call.context.correlationId,
            error: failure.message,
          });
        }
      }

      // A 401 may be a token that expired early or was revoked server-side: one fresh token, then give up.
      if (failure.httpStatus === 401 && !refreshedAfter401) {
        refreshedAfter401 = true;
        options.tokens.invalidate(call.token);
        continue;
      }
      if (attempt >= maxAttempts) throw failure;
      if (failure.kind === 'Throttled') {
        const wait = failure.retryAfterMs ?? 0;
        if (wait > maxInCallThrottleWaitMs) throw failure;
        await sleep(wait);
        continue;
      }
      if (failure.kind === 'Unavailable' && failure.isRetryable) {
        await sleep(Math.max(retryDelayMs(attempt), failure.retryAfterMs ?? 0));
        continue;
      }
      throw failure;
    }
  };
}

/**
 * Each service's own correlation headers. Partner Center: `MS-RequestId` / `MS-CorrelationId` (reference §2.1).
 * ARM correlates on `x-ms-client-request-id` (the client's id of the call, echoed back) and
 * `x-ms-correlation-request-id` (the operation that spans calls); it ignores Partner Center's names, so a support
 * case could not be matched with them.
 */
function requestIdHeaders(
  service: MicrosoftHttpClientOptions['service'],
  requestId: string,
  correlationId: string,
): Record<string, string> {
  return service === 'azureResourceManager'
    ? { 'x-ms-client-request-id': requestId, 'x-ms-correlation-request-id': correlationId }
    : { 'ms-requestid': requestId, 'ms-correlationid': correlationId };
}

function parseBody(
  schema: z.ZodType | undefined,
  text: string,
  status: number,
  requestId: string,
  service: MicrosoftHttpClientOptions['service'],
): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(parseJsonLenient(text));
  if (parsed.success) return parsed.data;
  throw new PartnerCenterError({
    kind: 'Rejected',
    httpStatus: status,
    message: `unexpected response shape: ${parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`)
      .join('; ')}`,
    isRetryable: false,
    requestId,
    service,
  });
}
