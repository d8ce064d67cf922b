import { type z } from 'zod';

/**
 * The error catalogue of the public contract. Domain code throws `AppError` with a stable `code`; one function
 * (`toProblem`) turns it into RFC 9457 problem+json. The code is a plain string on purpose: `instanceof` does not
 * survive an activity failure crossing into an orchestrator, a string does.
 */
export const errorCatalogue = {
  InvalidRequest: { status: 400, title: 'The request is not valid.', partnerCenterCode: 800002 },
  Unauthenticated: { status: 401, title: 'Valid credentials are required.' },
  Forbidden: { status: 403, title: 'None of your roles may do this.' },
  CustomerNotFound: { status: 404, title: 'The customer does not exist.' },
  CustomerNotLinked: {
    status: 409,
    title:
      'The customer is not linked to a Partner Center customer; register it again with its tenantId or billingAddress.',
  },
  PurchaseNotFound: { status: 404, title: 'The purchase does not exist.' },
  BatchNotFound: { status: 404, title: 'The purchase batch does not exist.' },
  SubscriptionNotFound: { status: 404, title: 'The subscription does not exist.' },
  TransitionNotFound: { status: 404, title: 'The transition does not exist.' },
  NotFound: { status: 404, title: 'No such resource.' },
  MethodNotAllowed: { status: 405, title: 'This resource does not support that method.' },
  CountryNotAvailable: {
    status: 400,
    title: "The Azure plan is not available in the customer's country.",
    partnerCenterCode: 800070,
  },
  McaNotAccepted: {
    status: 403,
    title: 'The customer has not accepted the Microsoft Customer Agreement.',
    partnerCenterCode: 13605,
  },
  ResellerCannotAttest: {
    status: 403,
    title: "An indirect reseller cannot confirm the customer's acceptance; its indirect provider must.",
  },
  AgreementAlreadyExists: {
    status: 409,
    title: 'A partner-confirmed agreement with this contact already exists.',
    partnerCenterCode: 600061,
  },
  AzurePlanAlreadyExists: { status: 409, title: 'The customer already has an Azure plan.' },
  LegacySubscriptionRequiresTransition: {
    status: 409,
    title: 'The customer has a Microsoft Azure (0145P) subscription and must transition to the Azure plan.',
  },
  LegacySubscriptionSuspended: {
    status: 409,
    title: 'A suspended Microsoft Azure (0145P) subscription blocks the transition.',
  },
  NoLegacySubscriptions: {
    status: 409,
    title:
      'The customer has no Microsoft Azure (0145P) subscription to transition; buy the Azure plan instead.',
  },
  LegacyOfferNotEligibleForPurchase: {
    status: 409,
    title: 'Microsoft Azure (0145P) cannot be bought once the customer has an Azure plan.',
    partnerCenterCode: 500600,
  },
  OrderInProgress: {
    status: 409,
    title: 'An order for this customer is already in progress.',
    partnerCenterCode: 800060,
  },
  AzurePlanNotActive: {
    status: 400,
    title: 'The Azure plan is missing or not active.',
    partnerCenterCode: 900318,
  },
  ReservationScopeNotSupported: {
    status: 400,
    title: 'Azure reservations can only be bought with shared scope.',
  },
  ReservationNotAvailable: {
    status: 400,
    title: "Azure reservations are not sold in the customer's country.",
  },
  PurchaseNotCancellable: {
    status: 409,
    title: 'The purchase is not waiting for a signature and cannot be cancelled.',
  },
  InvitationNotFound: { status: 404, title: 'The invitation does not exist.' },
  InvitationExpired: { status: 410, title: 'The invitation has expired or was already used.' },
  IdempotencyKeyReused: {
    status: 422,
    title: 'This Idempotency-Key was used with a different request body.',
  },
  IdempotentRequestInProgress: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  ConcurrentUpdate: {
    status: 409,
    title: 'The resource kept changing while this request tried to change it; retry the request.',
  },
  UnsupportedMediaType: { status: 415, title: 'The request body must be application/json.' },
  PartnerCenterRejected: {
    status: 409,
    title: 'Partner Center refused the operation.',
  },
  InternalError: { status: 500, title: 'Something went wrong on our side.' },
  ServiceUnavailable: { status: 503, title: 'A dependency is unavailable; retry later.' },
  StoreNotProvisioned: {
    status: 503,
    title:
      'A store of the service is not provisioned (its Cosmos DB database or container, or a queue, is missing); the deployment creates them (locally: npm start).',
  },
  PartnerCenterUnavailable: {
    status: 503,
    title: 'Microsoft could not be reached or kept throttling; nothing was bought. Retry later.',
  },
  OrderCancelled: {
    status: 409,
    title: 'Partner Center cancelled the order; nothing was provisioned. Start the purchase again.',
  },
  OrderUnconfirmed: {
    status: 504,
    title:
      "Partner Center did not confirm whether the order was placed; check the customer's Azure plan in Partner Center (the reconciliation reports it) before buying again.",
  },
  ProvisioningTimedOut: {
    status: 504,
    title: 'Partner Center accepted the order but did not provision the Azure plan in time.',
  },
  PartnerCenterConsentRequired: {
    status: 503,
    title:
      "The service's Partner Center credentials were revoked or lack MFA; an operator must renew the consent.",
  },
} as const satisfies Record<string, { status: number; title: string; partnerCenterCode?: number }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  /** JSON-pointer-like path of the offending field, e.g. `/mca/dateAgreed`. */
  pointer: string;
  detail: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(`${code}: ${detail}`);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** Pointers in RFC 6901 form, from a zod issue path. */
export function fieldErrorsFromZod(error: z.ZodError, root = ''): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: `${root}/${issue.path.map((segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail: issue.message,
  }));
}
