import { describe, expect, it } from 'vitest';

import { type AccessTokenSource } from '../../shared/gateways/auth/accessTokens';
import { createArmGateway } from '../../shared/gateways/azureResourceManager/createArmGateway';
import { msRequestIdFor } from '../../shared/gateways/microsoftHttp/requestIds';
import { createPartnerCenterGateway } from '../../shared/gateways/partnerCenter/createPartnerCenterGateway';

// Issue 15 row 13: ARM correlates calls on `x-ms-client-request-id` / `x-ms-correlation-request-id`, not on
// Partner Center's MS-RequestId / MS-CorrelationId, and its errors must not be reported as Partner Center's.

const tokens: AccessTokenSource = { getToken: () => Promise.resolve('token'), invalidate: () => undefined };
const step = {
  correlationId: 'c0rre1a7-0000-4000-8000-000000000013',
  stepKey: 'azureSubscription:op-13:alias',
};

function recording(answer: () => Response) {
  const sent: Headers[] = [];
  const fakeFetch: typeof fetch = (_input, init) => {
    sent.push(new Headers(init?.headers));
    return Promise.resolve(answer());
  };
  return { sent, fakeFetch };
}

const aliasInput = { aliasName: 'op-13', displayName: 'Dev', customerId: 'pc-customer-1' };

describe('ARM correlation headers', () => {
  it("sends ARM's own request and correlation headers, and none of Partner Center's", async () => {
    const { sent, fakeFetch } = recording(
      () =>
        new Response(
          JSON.stringify({
            name: 'op-13',
            properties: { provisioningState: 'Accepted', subscriptionId: 's-1' },
          }),
          { status: 201, headers: { 'content-type': 'application/json' } },
        ),
    );
    const arm = createArmGateway({
      endpoint: 'http://arm.invalid',
      billingAccountId: 'ba',
      tokens,
      fetch: fakeFetch,
    });
    await arm.createSubscriptionAlias(aliasInput, step);
    const headers = sent[0];
    expect(headers?.get('x-ms-client-request-id')).toBe(msRequestIdFor(step.stepKey));
    expect(headers?.get('x-ms-correlation-request-id')).toBe(step.correlationId);
    expect(headers?.get('ms-requestid')).toBeNull();
    expect(headers?.get('ms-correlationid')).toBeNull();
  });

  it('Partner Center calls keep MS-RequestId / MS-CorrelationId', async () => {
    const { sent, fakeFetch } = recording(
      () =>
        new Response('{"isSigned":false}', { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    const pc = createPartnerCenterGateway({
      endpoint: 'http://pc.invalid',
      tokens,
      appOnlyWherePermitted: true,
      fetch: fakeFetch,
    });
    await pc.isDirectlySigned('c-1', { correlationId: step.correlationId });
    expect(sent[0]?.get('ms-correlationid')).toBe(step.correlationId);
    expect(sent[0]?.get('ms-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]?.get('x-ms-client-request-id')).toBeNull();
  });

  it('an ARM refusal reads "Azure Resource Manager: …", not "Partner Center: …"', async () => {
    const { fakeFetch } = recording(
      () =>
        new Response(JSON.stringify({ error: { code: 'AliasConflict', message: 'Alias exists.' } }), {
          status: 409,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const arm = createArmGateway({
      endpoint: 'http://arm.invalid',
      billingAccountId: 'ba',
      tokens,
      fetch: fakeFetch,
    });
    const refusal = arm.createSubscriptionAlias(aliasInput, step);
    await expect(refusal).rejects.toMatchObject({ errorName: 'AliasConflict', httpStatus: 409 });
    await expect(refusal).rejects.toMatchObject({
      detail: expect.stringMatching(/^Azure Resource Manager: Alias exists\./) as unknown,
    });
  });
});
