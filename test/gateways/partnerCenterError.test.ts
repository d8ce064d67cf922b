import { describe, expect, it } from 'vitest';

import {
  contractCodeFor,
  parseErrorResponse,
  PartnerCenterError,
  retryAfterMsFrom,
  tokenFailure,
} from '../../shared/gateways/partnerCenter/partnerCenterError';
import { toProblem } from '../../shared/platform/http/problem';

const now = new Date('2026-03-01T09:00:00Z');

function answer(status: number, bodyText: string, headers: Record<string, string> = {}) {
  return parseErrorResponse({ status, headers: new Headers(headers), bodyText }, { now, requestId: 'r-1' });
}

// Every error body below is copied verbatim from the reference (partner-center-api.md §2.3–2.5).
describe('Partner Center error bodies', () => {
  it('shape A: numeric code, description, data, source (licence quota, 400)', () => {
    const error = answer(
      400,
      `{
    "code": 60012,
    "description": "We are sorry, it looks like you have run out of licenses. Buy more licenses, and then try again.",
    "data": ["LicenseQuotaExceededException : Subscription with Account 0c39d6d5-c70d-4c55-bc02-f620844f3fd1 and SKU f8a1db68-be16-40ed-86d5-cb42ce701560 does not have any available licenses left."],
    "source": "PartnerFD"
}`,
    );
    expect(error).toMatchObject({
      kind: 'Rejected',
      httpStatus: 400,
      partnerCenterCode: 60012,
      isRetryable: false,
      code: 'PartnerCenterRejected',
      requestId: 'r-1',
    });
    expect(error.detail).toContain('run out of licenses');
  });

  it('shape A without data (900316, 400)', () => {
    const error = answer(
      400,
      `{
    "code": 900316,
    "description": "Partner token is not allowed in license management calls. Please call with Partner Access Token. To learn more, see https://learn.microsoft.com/partner-center/developer/enable-secure-app-model#get-access-token",
    "source": "PartnerFD"
}`,
    );
    expect(error).toMatchObject({ kind: 'Rejected', partnerCenterCode: 900316 });
  });

  it('shape A, Conditional Access block (900309, 403) needs an operator', () => {
    const error = answer(
      403,
      `{
    "code": 900309,
    "description": "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Learn more at https://learn.microsoft.com/azure/active-directory/conditional-access/concept-conditional-access-users-groups.",
    "source": "PartnerFD"
}`,
    );
    expect(error).toMatchObject({
      kind: 'ConsentRequired',
      code: 'PartnerCenterConsentRequired',
      isRetryable: false,
    });
  });

  it('shape A from another service (2000 "Tenant Id must be a GUID.")', () => {
    const error = answer(
      400,
      `{
    "code": 2000,
    "description": "Tenant Id must be a GUID.",
    "data": [],
    "source": "PartnerApiServiceControllers"
}`,
    );
    expect(error).toMatchObject({ partnerCenterCode: 2000, code: 'InvalidRequest' });
    expect(error.detail).toContain('Tenant Id must be a GUID.');
  });

  it('shape B: errorName, isRetryable, no source (600061)', () => {
    const error = answer(
      409,
      `{
"code": 600061,
"message": "A partner confirmed agreement already exists for the customer.",
"description": "A partner confirmed agreement already exists for the customer.",
"errorName": "PartnerConfirmedAgreementAlreadyExists",
"isRetryable": false,
"parameters": {},
"errorMessageExtended": "InternalErrorCode=600061"
}`,
    );
    expect(error).toMatchObject({
      kind: 'Rejected',
      partnerCenterCode: 600061,
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
      isRetryable: false,
      code: 'AgreementAlreadyExists',
    });
  });

  it('shape C: the throttling body, Retry-After in seconds', () => {
    const error = answer(
      429,
      '{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." } ',
      {
        'Retry-After': '57',
      },
    );
    expect(error).toMatchObject({
      kind: 'Throttled',
      retryAfterMs: 57_000,
      isRetryable: true,
      code: 'PartnerCenterUnavailable',
    });
  });

  it('shape C without Retry-After falls back to the seconds in the message', () => {
    expect(
      answer(429, '{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 12 seconds." }')
        .retryAfterMs,
    ).toBe(12_000);
  });

  it('shape D: 401 without a body and WWW-Authenticate invalid_token (MFA required)', () => {
    const error = answer(401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    expect(error).toMatchObject({
      kind: 'ConsentRequired',
      httpStatus: 401,
      code: 'PartnerCenterConsentRequired',
    });
    expect(error.detail).toMatch(/MFA/);
  });

  it('shape E: string code (900420, retired token audience)', () => {
    const error = answer(
      401,
      '{"code":"900420","description":"The audience \'https://graph.windows.net\' in the token is invalid and is no longer supported in Partner Center API"}',
    );
    expect(error).toMatchObject({ partnerCenterCode: 900420, kind: 'ConsentRequired' });
  });

  it('real-world shape A bodies (1002, 0)', () => {
    expect(
      answer(403, '{"code":1002,"description":"Authorization Failed","data":[],"source":"PartnerFD"}'),
    ).toMatchObject({
      partnerCenterCode: 1002,
      kind: 'Rejected',
    });
    expect(
      answer(
        400,
        `{"code":0,"description":"The provided value 'none' is not a valid OrderStatus.","data":[],"source":"PartnerFD"}`,
      ),
    ).toMatchObject({ partnerCenterCode: 0, kind: 'Rejected' });
  });

  it('5xx is Unavailable and retryable, unless the body says it is not', () => {
    expect(answer(503, 'Service Unavailable')).toMatchObject({ kind: 'Unavailable', isRetryable: true });
    expect(answer(500, '{"code":1,"description":"x","errorName":"X","isRetryable":false}')).toMatchObject({
      isRetryable: false,
    });
  });

  it("ARM's { error: { code, message } }", () => {
    expect(
      answer(400, '{"error":{"code":"InvalidBillingScope","message":"Billing scope is not valid."}}'),
    ).toMatchObject({
      kind: 'Rejected',
      errorName: 'InvalidBillingScope',
      detail: expect.stringContaining('Billing scope is not valid.') as unknown,
    });
  });
});

describe('the one mapping to contract codes', () => {
  it.each([
    [800070, 'CountryNotAvailable'],
    [13605, 'McaNotAccepted'],
    [600061, 'AgreementAlreadyExists'],
    [800060, 'OrderInProgress'],
    [900318, 'AzurePlanNotActive'],
    [500600, 'LegacyOfferNotEligibleForPurchase'],
    [800002, 'InvalidRequest'],
    [400019, 'PartnerCenterRejected'],
  ] as const)('%i → %s', (partnerCenterCode, code) => {
    expect(contractCodeFor({ kind: 'Rejected', partnerCenterCode })).toBe(code);
  });

  it('throttling and outages are PartnerCenterUnavailable, credentials PartnerCenterConsentRequired', () => {
    expect(contractCodeFor({ kind: 'Throttled' })).toBe('PartnerCenterUnavailable');
    expect(contractCodeFor({ kind: 'Unavailable' })).toBe('PartnerCenterUnavailable');
    expect(contractCodeFor({ kind: 'ConsentRequired' })).toBe('PartnerCenterConsentRequired');
  });

  it('the HTTP layer answers 503 problem+json for both, and the contract status for business codes', () => {
    const request = { instance: '/api/x', correlationId: 'c-1' };
    expect(toProblem(answer(401, ''), request).problem).toMatchObject({
      status: 503,
      code: 'PartnerCenterConsentRequired',
    });
    expect(toProblem(answer(503, ''), request).problem).toMatchObject({
      status: 503,
      code: 'PartnerCenterUnavailable',
    });
    expect(toProblem(answer(403, '{"code":13605,"description":"no MCA"}'), request).problem).toMatchObject({
      status: 403,
      code: 'McaNotAccepted',
      partnerCenterCode: 13605,
    });
  });

  it('tells a synchronous caller when to retry: 503 PartnerCenterUnavailable carries Retry-After', () => {
    const request = { instance: '/api/x', correlationId: 'c-1' };
    const throttled = answer(429, '', { 'retry-after': '120' });
    const { response } = toProblem(
      new PartnerCenterError({ ...throttled.toJSON(), kind: 'Unavailable', isRetryable: true }),
      request,
    );
    expect(response.status).toBe(503);
    expect((response.headers as Record<string, string>)['retry-after']).toBe('120');
    const outage = toProblem(answer(503, ''), request).response;
    expect(Number((outage.headers as Record<string, string>)['retry-after'])).toBeGreaterThan(0);
    expect(
      (toProblem(answer(401, ''), request).response.headers as Record<string, string>)['retry-after'],
    ).toBeUndefined();
  });

  it('survives the trip through an activity failure as a code in the message', () => {
    const error = answer(400, '{"code":800070,"description":"not sold here"}');
    expect(error.message.startsWith('CountryNotAvailable: ')).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'CountryNotAvailable',
      partnerCenterCode: 800070,
    });
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMsFrom('3', now)).toBe(3000);
    expect(retryAfterMsFrom('Sun, 01 Mar 2026 09:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMsFrom(null, now)).toBeUndefined();
    expect(retryAfterMsFrom('soon', now)).toBeUndefined();
  });
});

describe('token endpoint failures', () => {
  it.each(['AADSTS50076', 'AADSTS65001', 'AADSTS700082', 'AADSTS70000'])(
    'invalid_grant with %s needs an operator, never a retry',
    (aadsts) => {
      const error = tokenFailure(
        Object.assign(new Error('x'), { errorCode: 'invalid_grant', errorMessage: `${aadsts}: something` }),
      );
      expect(error).toBeInstanceOf(PartnerCenterError);
      expect(error).toMatchObject({
        kind: 'ConsentRequired',
        isRetryable: false,
        code: 'PartnerCenterConsentRequired',
      });
    },
  );

  it('an unreachable token endpoint is Unavailable (retryable)', () => {
    expect(
      tokenFailure(Object.assign(new Error('Network request failed'), { errorCode: 'network_error' })),
    ).toMatchObject({
      kind: 'Unavailable',
      isRetryable: true,
    });
  });
});
