import { z } from 'zod';

import { AppError, type ErrorCode } from '../../domain/errors';

/**
 * What went wrong in a call to Microsoft, in one of four kinds the caller acts on differently:
 * - `Rejected`: Microsoft answered and refused (a business error); repeating the same call will not help.
 * - `Throttled`: 429; wait `retryAfterMs` (the workflow turns a long wait into a durable timer) and call again.
 * - `Unavailable`: 5xx, timeout or network failure that outlasted the in-call retries; nothing is known to have
 *   happened, and the same step (same MS-RequestId) may be repeated later.
 * - `ConsentRequired`: the service's credentials were refused (revoked consent, missing MFA, expired refresh
 *   token); an operator must act, so nothing retries it.
 */
export type PartnerCenterErrorKind = 'Rejected' | 'Throttled' | 'Unavailable' | 'ConsentRequired';

export interface PartnerCenterErrorDetails {
  kind: PartnerCenterErrorKind;
  /** 0 when no HTTP answer arrived (network error, timeout, token endpoint unreachable). */
  httpStatus: number;
  /** Partner Center's numeric code (shape A `code`, shape B `code`, string codes parsed, `orderErrors[].code`). */
  partnerCenterCode?: number;
  /** Shape B `errorName`, ARM `error.code`, or the token endpoint's `error` (e.g. `invalid_grant`). */
  errorName?: string;
  message: string;
  isRetryable: boolean;
  /** Set for `Throttled`: how long Microsoft asked us to wait. */
  retryAfterMs?: number;
  /** MS-RequestId sent with the call (for support tickets and logs). */
  requestId?: string;
  /** An earlier attempt of this call may have reached Microsoft (the answer is to a repeat). */
  afterRepeat?: boolean;
  /** Which service answered (the message names it); Partner Center when absent. */
  service?: MicrosoftService;
}

export type MicrosoftService = 'partnerCenter' | 'azureResourceManager';
const serviceNames: Record<MicrosoftService, string> = {
  partnerCenter: 'Partner Center',
  azureResourceManager: 'Azure Resource Manager',
};

/**
 * The one error the gateways throw. It is an `AppError` whose `code` is the contract's code (mapped once, by
 * {@link contractCodeFor}), so the HTTP layer's `toProblem` answers with the right status without knowing about
 * Partner Center; its message starts with that code, so it survives an activity failure crossing into an
 * orchestrator (where `instanceof` does not).
 */
export class PartnerCenterError extends AppError {
  readonly kind: PartnerCenterErrorKind;
  readonly httpStatus: number;
  readonly partnerCenterCode: number | undefined;
  readonly errorName: string | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly afterRepeat: boolean;

  constructor(details: PartnerCenterErrorDetails) {
    super(contractCodeFor(details), describe(details));
    this.kind = details.kind;
    this.httpStatus = details.httpStatus;
    this.partnerCenterCode = details.partnerCenterCode;
    this.errorName = details.errorName;
    this.isRetryable = details.isRetryable;
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
    this.afterRepeat = details.afterRepeat ?? false;
  }

  /** A plain copy for activity results and logs. */
  toJSON(): PartnerCenterErrorDetails & { code: ErrorCode } {
    return {
      code: this.code,
      kind: this.kind,
      httpStatus: this.httpStatus,
      ...(this.partnerCenterCode === undefined ? {} : { partnerCenterCode: this.partnerCenterCode }),
      ...(this.errorName === undefined ? {} : { errorName: this.errorName }),
      message: this.detail,
      isRetryable: this.isRetryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
    };
  }
}

function describe(details: PartnerCenterErrorDetails): string {
  const code = details.partnerCenterCode === undefined ? '' : ` ${details.partnerCenterCode}`;
  const status = details.httpStatus
    ? ` (HTTP ${details.httpStatus}${code})`
    : code
      ? ` (${code.trim()})`
      : '';
  const wait = details.retryAfterMs === undefined ? '' : ` Retry after ${details.retryAfterMs} ms.`;
  return `${serviceNames[details.service ?? 'partnerCenter']}: ${details.message}${status}.${wait}`;
}

/**
 * The ONE mapping from what Microsoft answered to the contract's error codes. Partner Center reuses some numbers
 * across operations (600002 means two different things), so only numbers that are unambiguous for this service's
 * calls are mapped; everything else a business refusal becomes `PartnerCenterRejected` carrying the number.
 */
export const contractCodeByPartnerCenterCode: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [800070, 'CountryNotAvailable'],
  [13605, 'McaNotAccepted'],
  [600061, 'AgreementAlreadyExists'],
  [800060, 'OrderInProgress'],
  [800064, 'OrderInProgress'],
  [900318, 'AzurePlanNotActive'],
  [500600, 'LegacyOfferNotEligibleForPurchase'],
  [800002, 'InvalidRequest'],
  [2000, 'InvalidRequest'],
  [2001, 'InvalidRequest'],
  // Token or tenant refused: an operator has to fix credentials or consent.
  [900420, 'PartnerCenterConsentRequired'],
  [900309, 'PartnerCenterConsentRequired'],
  [10001, 'PartnerCenterConsentRequired'],
]);

export function contractCodeFor(
  details: Pick<PartnerCenterErrorDetails, 'kind' | 'partnerCenterCode'>,
): ErrorCode {
  switch (details.kind) {
    case 'ConsentRequired':
      return 'PartnerCenterConsentRequired';
    case 'Throttled':
    case 'Unavailable':
      return 'PartnerCenterUnavailable';
    case 'Rejected':
      return (
        (details.partnerCenterCode === undefined
          ? undefined
          : contractCodeByPartnerCenterCode.get(details.partnerCenterCode)) ?? 'PartnerCenterRejected'
      );
  }
}

/** Entra (AADSTS) codes that mean the consent or the refresh token is gone: an operator must sign in again. */
const consentLostAadsts = [
  'AADSTS50076', // MFA required
  'AADSTS50078', // MFA expired by policy
  'AADSTS50079', // MFA registration required
  'AADSTS65001', // consent not granted or revoked
  'AADSTS700082', // refresh token expired by inactivity
  'AADSTS70008', // refresh token or code expired
  'AADSTS70000', // refresh token already redeemed (rotated) or otherwise invalid
  'AADSTS700084', // refresh token for a SPA expired
  'AADSTS50173', // grant revoked (password change)
  'AADSTS700016', // application not found in the tenant
  'AADSTS7000215', // invalid client secret
  'AADSTS7000222', // client secret expired
];

/**
 * Classifies a failure of the token endpoint (as MSAL reports it: `errorCode` such as `invalid_grant`, and a
 * message carrying the AADSTS code). Credentials problems become `ConsentRequired` — never retried in a loop —
 * and anything else (endpoint unreachable, 5xx) `Unavailable`.
 */
export function tokenFailure(error: unknown): PartnerCenterError {
  const field = (name: string) => {
    const value = (error as Record<string, unknown> | null)?.[name];
    return typeof value === 'string' ? value : '';
  };
  const errorCode = field('errorCode');
  const text = `${errorCode} ${field('errorMessage')} ${error instanceof Error ? error.message : String(error)}`;
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  const credentialsRefused =
    [
      'invalid_grant',
      'interaction_required',
      'consent_required',
      'invalid_client',
      'unauthorized_client',
    ].includes(errorCode) ||
    (aadsts !== undefined && consentLostAadsts.includes(aadsts));
  const message = aadsts
    ? `token endpoint refused: ${errorCode || 'error'} ${aadsts}`
    : `token endpoint: ${errorCode || text.trim()}`;
  return credentialsRefused
    ? new PartnerCenterError({
        kind: 'ConsentRequired',
        httpStatus: 0,
        errorName: errorCode || aadsts,
        message: `${message}; renew the Partner Center consent (see docs/partner-center.md "Going live with Partner Center")`,
        isRetryable: false,
      })
    : new PartnerCenterError({
        kind: 'Unavailable',
        httpStatus: 0,
        errorName: errorCode || undefined,
        message: message.slice(0, 300),
        isRetryable: true,
      });
}

// Every documented error body shape (reference §2.4). `passthrough`: Microsoft adds fields; they must not fail us.
const numericCode = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const shapeAB = z
  .object({
    code: numericCode,
    description: z.string().optional(),
    message: z.string().optional(),
    errorName: z.string().optional(),
    isRetryable: z.boolean().optional(),
    source: z.string().optional(),
  })
  .passthrough();
const shapeThrottle = z.object({ statusCode: z.number(), message: z.string().optional() }).passthrough();
const shapeArm = z
  .object({ error: z.object({ code: z.string(), message: z.string().optional() }).passthrough() })
  .passthrough();
const shapeToken = z.object({ error: z.string(), error_description: z.string().optional() }).passthrough();

/** Parses a body that may carry junk before the JSON (the docs' checkout example starts with `?{`). */
export function parseJsonLenient(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.search(/[[{]/);
    if (start <= 0) return undefined;
    try {
      return JSON.parse(trimmed.slice(start));
    } catch {
      return undefined;
    }
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMsFrom(header: string | null | undefined, now: Date): number | undefined {
  if (!header?.trim()) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

export interface ErrorResponse {
  status: number;
  headers: { get(name: string): string | null };
  bodyText: string;
}

/**
 * Turns any non-2xx answer of Partner Center or ARM into a {@link PartnerCenterError}: the four documented body
 * shapes (A: numeric `code` + `description` + `source`; B: `errorName` + `isRetryable`; C: throttling
 * `{statusCode, message}`; D: 401 with no body and `WWW-Authenticate: Bearer error="invalid_token"`; string codes),
 * ARM's `{ error: { code, message } }`, and anything else by status alone.
 */
export function parseErrorResponse(
  response: ErrorResponse,
  context: { now: Date; requestId?: string; afterRepeat?: boolean; service?: MicrosoftService },
): PartnerCenterError {
  const { status } = response;
  const body = parseJsonLenient(response.bodyText);
  const requestId = context.requestId;
  const retryAfterMs = retryAfterMsFrom(response.headers.get('retry-after'), context.now);

  const ab = shapeAB.safeParse(body);
  const throttle = shapeThrottle.safeParse(body);
  const arm = shapeArm.safeParse(body);
  const token = shapeToken.safeParse(body);
  const partnerCenterCode = ab.success ? ab.data.code : undefined;
  const errorName = ab.success
    ? ab.data.errorName
    : arm.success
      ? arm.data.error.code
      : token.success
        ? token.data.error
        : undefined;
  const message =
    (ab.success ? (ab.data.description ?? ab.data.message) : undefined) ??
    (throttle.success ? throttle.data.message : undefined) ??
    (arm.success ? (arm.data.error.message ?? arm.data.error.code) : undefined) ??
    (token.success ? (token.data.error_description ?? token.data.error) : undefined) ??
    (response.bodyText.trim() ? response.bodyText.trim().slice(0, 300) : `HTTP ${status} without a body`);
  const common = {
    httpStatus: status,
    message,
    ...(partnerCenterCode === undefined ? {} : { partnerCenterCode }),
    ...(errorName === undefined ? {} : { errorName }),
    ...(requestId === undefined ? {} : { requestId }),
    afterRepeat: context.afterRepeat ?? false,
    ...(context.service ? { service: context.service } : {}),
  };

  if (status === 429) {
    return new PartnerCenterError({
      ...common,
      kind: 'Throttled',
      isRetryable: true,
      retryAfterMs: retryAfterMs ?? retryAfterFromMessage(message) ?? 60_000,
    });
  }
  if (
    partnerCenterCode !== undefined &&
    contractCodeByPartnerCenterCode.get(partnerCenterCode) === 'PartnerCenterConsentRequired'
  ) {
    return new PartnerCenterError({ ...common, kind: 'ConsentRequired', isRetryable: false });
  }
  if (status === 401) {
    const mfa = /invalid_token/i.test(response.headers.get('www-authenticate') ?? '') && body === undefined;
    return new PartnerCenterError({
      ...common,
      kind: 'ConsentRequired',
      isRetryable: false,
      message: mfa ? 'the App+User token was refused (MFA required or token invalid)' : message,
    });
  }
  if (status >= 500 || status === 408) {
    return new PartnerCenterError({
      ...common,
      kind: 'Unavailable',
      isRetryable: ab.success && ab.data.isRetryable === false ? false : true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new PartnerCenterError({
    ...common,
    kind: 'Rejected',
    isRetryable: ab.success ? (ab.data.isRetryable ?? false) : false,
  });
}

function retryAfterFromMessage(message: string): number | undefined {
  const seconds = /try again in (\d+) seconds?/i.exec(message)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** A network failure or timeout: no answer, so nothing is known to have happened. */
export function networkFailure(
  error: unknown,
  requestId?: string,
  service?: MicrosoftService,
): PartnerCenterError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PartnerCenterError({
    kind: 'Unavailable',
    httpStatus: 0,
    message: `no answer (${message.slice(0, 200)})`,
    isRetryable: true,
    ...(requestId === undefined ? {} : { requestId }),
    ...(service ? { service } : {}),
  });
}
