import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  type AccessTokenRequest,
  type AccessTokenSource,
  createCachedTokenSource,
  createSerialQueue,
  partnerCenterScope,
} from '../../shared/gateways/auth/accessTokens';
import { createFileRefreshTokenStore } from '../../shared/gateways/auth/refreshTokenStore';
import { msRequestIdFor } from '../../shared/gateways/microsoftHttp/requestIds';
import { createPartnerCenterGateway } from '../../shared/gateways/partnerCenter/createPartnerCenterGateway';
import { PartnerCenterError } from '../../shared/gateways/partnerCenter/partnerCenterError';
import { retryDelayMs } from '../../shared/platform/retryPolicy';

describe('MS-RequestId per step', () => {
  it('is the same UUID for the same step and differs between steps', () => {
    const checkout = msRequestIdFor('purchase:p-1:checkout');
    expect(checkout).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(msRequestIdFor('purchase:p-1:checkout')).toBe(checkout);
    expect(msRequestIdFor('purchase:p-1:createCart')).not.toBe(checkout);
    expect(msRequestIdFor('purchase:p-2:checkout')).not.toBe(checkout);
  });

  it('refuses an empty step key', () => {
    expect(() => msRequestIdFor(' ')).toThrow(RangeError);
  });
});

describe('token cache', () => {
  const request: AccessTokenRequest = { kind: 'appUser', scope: partnerCenterScope };

  function fakeEndpoint(lifetimeMs: number) {
    let now = Date.parse('2026-03-01T09:00:00Z');
    let issued = 0;
    const releases: (() => void)[] = [];
    const clock = { now: () => new Date(now) };
    const source = createCachedTokenSource({
      clock,
      acquire: () =>
        new Promise((resolve) => {
          issued += 1;
          const token = { accessToken: `token-${issued}`, expiresOn: new Date(now + lifetimeMs) };
          releases.push(() => resolve(token));
        }),
    });
    return {
      source,
      advance: (ms: number) => (now += ms),
      issued: () => issued,
      releaseAll: () => releases.splice(0).forEach((release) => release()),
    };
  }

  it('shares one acquisition among concurrent callers (single-flight)', async () => {
    const endpoint = fakeEndpoint(3_600_000);
    const callers = Array.from({ length: 10 }, () => endpoint.source.getToken(request));
    endpoint.releaseAll();
    expect(new Set(await Promise.all(callers))).toEqual(new Set(['token-1']));
    expect(endpoint.issued()).toBe(1);
  });

  it('serves from cache until five minutes before expiry, then acquires again', async () => {
    const endpoint = fakeEndpoint(3_600_000);
    const first = endpoint.source.getToken(request);
    endpoint.releaseAll();
    await first;
    endpoint.advance(54 * 60_000);
    expect(await endpoint.source.getToken(request)).toBe('token-1');
    endpoint.advance(2 * 60_000);
    const renewed = endpoint.source.getToken(request);
    endpoint.releaseAll();
    expect(await renewed).toBe('token-2');
  });

  it('acquires again after invalidate (a 401), and does not cache failures', async () => {
    let attempt = 0;
    const source = createCachedTokenSource({
      clock: { now: () => new Date('2026-03-01T09:00:00Z') },
      acquire: () => {
        attempt += 1;
        return attempt === 1
          ? Promise.reject(new Error('endpoint down'))
          : Promise.resolve({ accessToken: `t${attempt}`, expiresOn: new Date('2026-03-01T10:00:00Z') });
      },
    });
    await expect(source.getToken(request)).rejects.toThrow('endpoint down');
    expect(await source.getToken(request)).toBe('t2');
    source.invalidate(request);
    expect(await source.getToken(request)).toBe('t3');
  });

  it('runs App+User exchanges one at a time, in order', async () => {
    const serially = createSerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          log.push(name);
          resolve();
        }, ms),
      );
    await Promise.all([
      serially(task('a', 20)),
      serially(task('b', 0)),
      serially(() => Promise.reject(new Error('x'))).catch(() => undefined),
      serially(task('c', 0)),
    ]);
    expect(log).toEqual(['a', 'b', 'c']);
  });
});

describe('file refresh token store', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'refresh-token-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads what it wrote, and reports a missing token as ConsentRequired', async () => {
    const store = createFileRefreshTokenStore(path.join(directory, 'token'));
    await expect(store.read()).rejects.toMatchObject({ kind: 'ConsentRequired' });
    await store.write('rt-1');
    await store.write('rt-2');
    expect(await store.read()).toBe('rt-2');
    expect(readFileSync(path.join(directory, 'token'), 'utf8').trim()).toBe('rt-2');
  });
});

/** A scripted Partner Center: answers in order, records what it was sent. */
function scriptedPartnerCenter(answers: (Response | Error)[]) {
  const sent: { method: string; url: string; headers: Headers }[] = [];
  const fakeFetch: typeof fetch = (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : input.toString(),
      headers: new Headers(init?.headers),
    });
    const next = answers.shift();
    if (!next) return Promise.reject(new Error('no more scripted answers'));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fakeFetch, sent };
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function gatewayOver(answers: (Response | Error)[]) {
  const { fakeFetch, sent } = scriptedPartnerCenter(answers);
  const sleeps: number[] = [];
  const invalidated: AccessTokenRequest[] = [];
  let tokenNumber = 0;
  const tokens: AccessTokenSource = {
    getToken: () => Promise.resolve(`token-${tokenNumber}`),
    invalidate: (request) => {
      tokenNumber += 1;
      invalidated.push(request);
    },
  };
  const gateway = createPartnerCenterGateway({
    endpoint: 'http://pc.invalid',
    tokens,
    appOnlyWherePermitted: true,
    fetch: fakeFetch,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { gateway, sent, sleeps, invalidated };
}

const step = { correlationId: 'c0rre1a7-0000-4000-8000-000000000001', stepKey: 'purchase:p-1:checkout' };
const order = {
  id: 'o-1',
  lineItems: [{ lineItemNumber: 0, offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6' }],
  status: 'pending',
};

describe('gateway calls', () => {
  it('retries a 5xx and a network error with the one policy, sending the same MS-RequestId each time', async () => {
    const { gateway, sent, sleeps } = gatewayOver([
      jsonResponse(503, { code: 1, description: 'busy' }),
      new TypeError('fetch failed'),
      jsonResponse(201, { orders: [order] }),
    ]);
    const result = await gateway.checkout('cust-1', 'cart-1', step);
    expect(result.orders.map((placed) => placed.id)).toEqual(['o-1']);
    expect(new Set(sent.map((call) => call.headers.get('ms-requestid')))).toEqual(
      new Set([msRequestIdFor(step.stepKey)]),
    );
    expect(sent.every((call) => call.headers.get('ms-correlationid') === step.correlationId)).toBe(true);
    expect(sleeps).toEqual([retryDelayMs(1), retryDelayMs(2)]);
  });

  it('gives up after the policy attempts with PartnerCenterUnavailable', async () => {
    const { gateway, sent } = gatewayOver(Array.from({ length: 5 }, () => jsonResponse(500, {})));
    await expect(gateway.checkout('cust-1', 'cart-1', step)).rejects.toMatchObject({
      kind: 'Unavailable',
      code: 'PartnerCenterUnavailable',
    });
    expect(sent).toHaveLength(5);
  });

  it('waits a short Retry-After in the call', async () => {
    const { gateway, sleeps } = gatewayOver([
      jsonResponse(
        429,
        { statusCode: 429, message: 'Rate limit is exceeded. Try again in 2 seconds.' },
        { 'retry-after': '2' },
      ),
      jsonResponse(200, order),
    ]);
    await gateway.getOrder('cust-1', 'o-1', { correlationId: 'c' });
    expect(sleeps).toEqual([2000]);
  });

  it('returns a long Retry-After to the caller as Throttled instead of sleeping', async () => {
    const { gateway, sleeps, sent } = gatewayOver([
      jsonResponse(
        429,
        { statusCode: 429, message: 'Rate limit is exceeded. Try again in 57 seconds.' },
        { 'retry-after': '57' },
      ),
    ]);
    await expect(gateway.getOrder('cust-1', 'o-1', { correlationId: 'c' })).rejects.toMatchObject({
      kind: 'Throttled',
      retryAfterMs: 57_000,
    });
    expect(sleeps).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('after a 401 gets one fresh token, then reports ConsentRequired (no loop)', async () => {
    const unauthorized = () =>
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const { gateway, sent, invalidated } = gatewayOver([
      unauthorized(),
      unauthorized(),
      jsonResponse(200, {}),
    ]);
    await expect(gateway.isDirectlySigned('cust-1', { correlationId: 'c' })).rejects.toMatchObject({
      kind: 'ConsentRequired',
      code: 'PartnerCenterConsentRequired',
    });
    expect(sent).toHaveLength(2);
    expect(sent.map((call) => call.headers.get('authorization'))).toEqual([
      'Bearer token-0',
      'Bearer token-1',
    ]);
    expect(invalidated).toEqual([{ kind: 'appUser', scope: partnerCenterScope }]);
  });

  it('does not repeat a business refusal', async () => {
    const { gateway, sent } = gatewayOver([
      jsonResponse(400, { code: 800070, description: 'not sold', source: 'PartnerFD' }),
    ]);
    await expect(gateway.createCart('cust-1', [], step)).rejects.toMatchObject({
      code: 'CountryNotAvailable',
    });
    expect(sent).toHaveLength(1);
  });

  it('turns orderErrors inside a 201 checkout into McaNotAccepted', async () => {
    const { gateway } = gatewayOver([
      jsonResponse(201, {
        orders: [],
        orderErrors: [{ orderGroupId: '0', code: 13605, description: 'no MCA' }],
      }),
    ]);
    await expect(gateway.checkout('cust-1', 'cart-1', step)).rejects.toMatchObject({
      code: 'McaNotAccepted',
      partnerCenterCode: 13605,
    });
  });

  it('turns a refused cart line inside a 201 into an error with its code', async () => {
    const { gateway } = gatewayOver([
      jsonResponse(201, {
        id: 'cart-1',
        lineItems: [
          {
            id: 0,
            catalogItemId: 'x',
            quantity: 1,
            error: { errorCode: 800070, errorDescription: 'not sold' },
          },
        ],
      }),
    ]);
    await expect(
      gateway.createCart('cust-1', [{ catalogItemId: 'x', quantity: 1, billingCycle: 'one_time' }], step),
    ).rejects.toMatchObject({
      code: 'CountryNotAvailable',
    });
  });

  it('answers "cart already submitted" (800065) with the orders that cart produced, without buying again', async () => {
    const { gateway, sent } = gatewayOver([
      jsonResponse(400, { code: 800065, description: "can't check out an already submitted cart cart-1." }),
      jsonResponse(200, {
        id: 'cart-1',
        creationTimestamp: '2026-03-01T09:00:00Z',
        status: 'Ordered',
        lineItems: [{ id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1 }],
      }),
      jsonResponse(200, {
        totalCount: 2,
        items: [
          { ...order, creationDate: '2026-03-01T09:00:05Z' },
          { id: 'o-old', lineItems: [{ lineItemNumber: 0, offerId: 'MS-AZR-0145P' }], status: 'completed' },
        ],
      }),
    ]);
    const result = await gateway.checkout('cust-1', 'cart-1', step);
    expect(result.orders.map((placed) => placed.id)).toEqual(['o-1']);
    expect(sent.map((call) => `${call.method} ${new URL(call.url).pathname}`)).toEqual([
      'POST /v1/customers/cust-1/carts/cart-1/checkout',
      'GET /v1/customers/cust-1/carts/cart-1',
      'GET /v1/customers/cust-1/orders',
    ]);
  });

  it('follows continuation links when listing Azure entitlements', async () => {
    const entitlement = (id: string) => ({ id, status: 'active', subscriptionId: id });
    const { gateway, sent } = gatewayOver([
      jsonResponse(200, {
        totalCount: 3,
        items: [entitlement('e1'), entitlement('e2')],
        links: {
          next: {
            uri: '/customers/cust-1/subscriptions/plan-1/azureEntitlements?seek=2',
            method: 'GET',
            headers: [{ key: 'MS-ContinuationToken', value: 'ct-2' }],
          },
        },
      }),
      jsonResponse(200, { totalCount: 3, items: [entitlement('e3')] }),
    ]);
    const all = await gateway.listAzureEntitlements('cust-1', 'plan-1', { correlationId: 'c' });
    expect(all.map((item) => item.id)).toEqual(['e1', 'e2', 'e3']);
    expect(sent[1]?.url).toBe(
      'http://pc.invalid/v1/customers/cust-1/subscriptions/plan-1/azureEntitlements?seek=2',
    );
    expect(sent[1]?.headers.get('ms-continuationtoken')).toBe('ct-2');
  });

  it('PATCHes a subscription with its ETag in If-Match', async () => {
    const subscription = {
      id: 's-1',
      offerId: 'x',
      status: 'suspended',
      attributes: { etag: 'abc', objectType: 'Subscription' },
    };
    const { gateway, sent } = gatewayOver([jsonResponse(200, subscription)]);
    await gateway.updateSubscription('cust-1', subscription, { correlationId: 'c', stepKey: 'suspend:s-1' });
    expect(sent[0]?.headers.get('if-match')).toBe('"abc"');
  });

  it('reports an unexpected success body as a Rejected error naming the field, not a crash later', async () => {
    const { gateway } = gatewayOver([jsonResponse(200, { isSigned: 'yes' })]);
    const failure = await gateway
      .isDirectlySigned('cust-1', { correlationId: 'c' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PartnerCenterError);
    expect((failure as PartnerCenterError).detail).toContain('isSigned');
  });
});
