import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { aContact, aCustomerRequest, adminAgent, salesAgent } from '../../purchase/purchaseScenario';
import { type ObservedResponse, openApiResponseValidator } from '../../support/openApiResponseValidator';
import { startService, type TestService } from '../../support/service';

let service: TestService;
/** Every response of the service that a test below received, for the OpenAPI check at the end. */
const observed: ObservedResponse[] = [];

interface SendOptions {
  as?: { roles: Parameters<TestService['token']>[0]; userId?: string };
  /** Sent as `application/json` unless `contentType` or `raw` says otherwise. */
  json?: unknown;
  /** A body sent as it is, with `contentType` (none when absent). */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, options: SendOptions = {}): Promise<ObservedResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as)
    headers.authorization = `Bearer ${await service.token(options.as.roles, options.as.userId)}`;
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers['content-type'] = options.contentType;
  }
  const response = await fetch(`${service.url}${path}`, { method, headers, ...(body ? { body } : {}) });
  const result = {
    method,
    path: new URL(response.url).pathname,
    status: response.status,
    headers: response.headers,
    body: await response.text(),
  };
  observed.push(result);
  return result;
}

/** A raw request: fetch() would resolve `%2e%2e` itself, and refuses TRACE. */
function rawRequest(
  method: string,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(service.url);
    const request = http.request({ host: url.hostname, port: url.port, method, path }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

function problemOf(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

describe('methods the app does not serve', () => {
  it('answers HEAD and OPTIONS on a route of the app with 405 problem+json, Allow and a correlation id', async () => {
    for (const method of ['OPTIONS']) {
      const response = await rawRequest(method, '/api/customers/c-1');
      expect(response.status, method).toBe(405);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.headers['x-correlation-id']).toBeTruthy();
      expect(response.headers.allow).toBe('GET, PUT');
      expect(problemOf(response)).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    }
    const head = await send('HEAD', '/api/customers/c-1', { headers: { 'x-correlation-id': 'edge-head' } });
    expect(head.status).toBe(405);
    expect(head.headers.get('content-type')).toBe('application/problem+json');
    expect(head.headers.get('x-correlation-id')).toBe('edge-head');
    expect(head.headers.get('allow')).toBe('GET, PUT');
    expect(head.body).toBe('');
  });

  it('leaves TRACE, which never reaches a Node function, to the host: a bare 404, as on Azure', async () => {
    const response = await rawRequest('TRACE', '/api/customers/c-1');
    expect(response.status).toBe(404);
    expect(response.body).toBe('');
  });

  it('answers them on an unknown path under /api with 404 (problem+json from the app; TRACE gets the host bare 404)', async () => {
    const options = await rawRequest('OPTIONS', '/api/no-such-thing');
    expect(options.status).toBe(404);
    expect(options.headers['x-correlation-id']).toBeTruthy();
    expect(problemOf(options)).toMatchObject({ status: 404, code: 'NotFound' });
    const trace = await rawRequest('TRACE', '/api/no-such-thing');
    expect([trace.status, trace.body]).toEqual([404, '']);
  });
});

describe('paths the app does not serve', () => {
  it('resolves percent-encoded dot segments before routing, as Kestrel does, and answers where they lead', async () => {
    // `/health`, outside `/api`: no function's route, so the host's bare 404, as on Azure.
    const outside = await rawRequest('GET', '/api/customers/%2e%2e/%2e%2e/health');
    expect([outside.status, outside.body]).toEqual([404, '']);

    // Inside the app the resolved path is what every part of it sees: the health endpoint itself, not a 405.
    const inside = await rawRequest('GET', '/api/customers/%2E%2E/health');
    expect(inside.status).toBe(200);
  });

  it('answers a 20,000-character path segment with 414 problem+json', async () => {
    const response = await send('GET', `/api/customers/${'c'.repeat(20_000)}`);
    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(problemOf(response)).toMatchObject({ status: 414, code: 'UriTooLong' });
  });
});

describe('request bodies', () => {
  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['XML', 'application/xml'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['multipart form data', 'multipart/form-data; boundary=x'],
    ['no content type', undefined],
  ])('refuses a JSON body sent as %s with 415 problem+json', async (_what, contentType) => {
    const response = await send('PUT', '/api/customers/edge-415', {
      as: salesAgent,
      raw: new TextEncoder().encode(JSON.stringify(aCustomerRequest())),
      ...(contentType ? { contentType } : {}),
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problemOf(response)).toMatchObject({ status: 415, code: 'UnsupportedMediaType' });
    expect((await send('GET', '/api/customers/edge-415', { as: salesAgent })).status).toBe(404);
  });

  it('takes application/json with a charset and a +json type', async () => {
    const created = await send('PUT', '/api/customers/edge-json', {
      as: salesAgent,
      json: aCustomerRequest(),
      contentType: 'application/json; charset=utf-8',
    });
    expect(created.status).toBe(201);
  });

  it('refuses a purchase without a body (400), but takes {} sent as JSON as the purchase of an accepted MCA', async () => {
    expect(
      (await send('PUT', '/api/customers/edge-empty', { as: salesAgent, json: aCustomerRequest() })).status,
    ).toBe(201);
    const missing = await send('POST', '/api/customers/edge-empty/azure-plan/purchases', { as: salesAgent });
    expect(missing.status).toBe(400);
    expect(problemOf(missing)).toMatchObject({ code: 'InvalidRequest' });
    expect(problemOf(missing).detail).toMatch(/body is required/);

    // `{}` is a body: it gets past the body checks to the purchase rules (no MCA yet → 403 McaNotAccepted).
    const empty = await send('POST', '/api/customers/edge-empty/azure-plan/purchases', {
      as: salesAgent,
      json: {},
    });
    expect(empty.status).toBe(403);
    expect(problemOf(empty)).toMatchObject({ code: 'McaNotAccepted' });
  });

  it('takes a transition without a body as {}, as the document says (its body is optional)', async () => {
    const response = await send('POST', '/api/customers/edge-nobody/azure-plan/transition', {
      as: salesAgent,
    });
    expect(response.status).toBe(404);
    expect(problemOf(response)).toMatchObject({ code: 'CustomerNotFound' });
  });
});

describe('the OpenAPI document', () => {
  it('describes every response the service gives to a representative set of requests', async () => {
    const documentResponse = await send('GET', '/api/openapi.json');
    const check = openApiResponseValidator(
      JSON.parse(documentResponse.body) as Parameters<typeof openApiResponseValidator>[0],
    );

    const customer = 'edge-tour';
    await send('GET', '/api/health');
    await send('GET', `/api/customers/${customer}`);
    await send('GET', `/api/customers/${customer}`, { as: salesAgent });
    await send('PUT', `/api/customers/${customer}`, { as: salesAgent, json: aCustomerRequest() });
    await send('PUT', `/api/customers/${customer}`, {
      as: salesAgent,
      json: aCustomerRequest({ companyName: 'Contoso 2' }),
    });
    await send('PUT', `/api/customers/${customer}`, {
      as: salesAgent,
      json: aCustomerRequest({ country: 'Germany' }),
    });
    await send('GET', `/api/customers/${customer}`, { as: salesAgent });
    await send('POST', `/api/customers/${customer}/azure-plan/purchases`, {
      as: salesAgent,
      json: { mca: { method: 'invite', reminderEveryHours: 72, expiresInDays: 2 } },
    });
    await send('POST', `/api/customers/${customer}/azure-plan/purchases`, {
      as: salesAgent,
      json: {},
      headers: { 'idempotency-key': 'not valid \u00e9' },
    });
    const started = await send('POST', `/api/customers/${customer}/azure-plan/purchases`, {
      as: salesAgent,
      json: { mca: { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-02T00:00:00Z' } },
      headers: { 'idempotency-key': 'edge-tour-1' },
    });
    expect(started.status).toBe(202);
    await service.host.waitForIdle();
    const { purchaseId } = JSON.parse(started.body) as { purchaseId: string };
    await send('GET', `/api/purchases/${purchaseId}`, { as: salesAgent });
    await send('GET', '/api/purchases/no-such-purchase', { as: salesAgent });
    await send('POST', `/api/purchases/${purchaseId}/cancel`, { as: salesAgent });
    await send('GET', `/api/customers/${customer}/agreements`, { as: salesAgent });
    await send('GET', `/api/customers/${customer}/subscriptions`, { as: salesAgent });
    await send('GET', `/api/customers/${customer}/orders`, { as: salesAgent });
    await send('POST', `/api/customers/${customer}/azure-plan/transition`, { as: salesAgent });
    await send('POST', `/api/customers/${customer}/orders`, {
      as: adminAgent,
      raw: '{}',
      contentType: 'text/plain',
    });
    const batch = await send('POST', '/api/purchase-batches', {
      as: salesAgent,
      json: { items: [{ customerId: customer }] },
    });
    const { batchId } = JSON.parse(batch.body) as { batchId: string };
    await send('GET', `/api/purchase-batches/${batchId}`, { as: salesAgent });
    await send('POST', '/api/invitations/no-such-token/accept', { json: aContact });
    await send('GET', `/api/customers/${'c'.repeat(20_000)}`);

    const violations = observed.flatMap((response) =>
      // Methods no operation has (HEAD, OPTIONS, TRACE) have their own tests above.
      ['HEAD', 'OPTIONS', 'TRACE'].includes(response.method) ? [] : check(response),
    );
    expect(violations).toEqual([]);
    expect(new Set(observed.map((response) => response.status)).size).toBeGreaterThan(8);
  });
});
