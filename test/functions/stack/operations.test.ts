import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { routeMatcher } from '../../../shared/platform/http/routeMatcher';
import { startService, type TestService } from '../../support/service';

describe('operations and unmatched routes', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('reports the stores and Microsoft (through the gateways) as ok on GET /api/health, without credentials', async () => {
    const response = await service.call('GET', '/api/health');
    expect(response.status).toBe(200);
    const { partnerCenterPace, ...rest } = response.body as { partnerCenterPace?: { nextTurnAt?: unknown } };
    expect(rest).toEqual({
      status: 'ok',
      checks: { cosmos: 'ok', storage: 'ok', partnerCenter: 'ok', azureResourceManager: 'ok' },
    });
    // Partner Center's pace for the partner (docs/batches.md): idle, so a new batch line would start at once.
    expect(partnerCenterPace).toMatchObject({ mode: 'shared', perMinute: 483, burst: 25, newLineWaitMs: 0 });
    expect(typeof partnerCenterPace?.nextTurnAt).toBe('string');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('publishes an OpenAPI 3.1 document that lists the contract endpoints, without credentials', async () => {
    const response = await service.call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const operations = Object.entries(response.body.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'PUT /api/customers/{customerId}',
        'POST /api/customers/{customerId}/agreements',
        'POST /api/customers/{customerId}/azure-plan/purchases',
        'GET /api/purchases/{purchaseId}',
        'POST /api/purchases/{purchaseId}/cancel',
        'POST /api/invitations/{token}/accept',
        'POST /api/purchase-batches',
      ]),
    );
    expect(operations.some((operation) => operation.includes('{path}'))).toBe(false);
    const purchaseStart = response.body.paths['/api/customers/{customerId}/azure-plan/purchases']?.post as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(Object.keys(purchaseStart.responses['202']?.headers ?? {})).toEqual([
      'x-correlation-id',
      'Location',
    ]);
    expect(Object.keys(purchaseStart.responses['409']?.headers ?? {})).toEqual(['x-correlation-id']);
  });

  it('answers an unknown path with a 404 problem document that carries the correlation id', async () => {
    const response = await service.call('GET', '/api/no-such-thing/here', {
      headers: { 'x-correlation-id': 'trace-404' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-correlation-id')).toBe('trace-404');
    expect(response.body).toMatchObject({
      status: 404,
      code: 'NotFound',
      instance: '/api/no-such-thing/here',
    });
  });

  it('answers a known path with the wrong method with 405 and the methods it allows', async () => {
    const response = await service.call('DELETE', '/api/customers/c-1');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PUT');
    expect(response.body).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
  });

  it('leaves real endpoints to their own functions (literal routes beat the catch-all)', async () => {
    const response = await service.call('GET', '/api/customers/c-unknown', { as: { roles: ['SalesAgent'] } });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'CustomerNotFound' });
  });

  // Last: the revoked consent stays revoked for the rest of this service.
  it('reports Partner Center unavailable with an operator-facing reason once the consent is revoked', async () => {
    service.identity.revokeConsent();
    // Access tokens outlive a revocation until they expire (as with Entra); expire them to see it now.
    service.identity.expireAccessTokens();
    const response = await service.call<{
      status: string;
      checks: Record<string, string>;
      details?: Record<string, string>;
    }>('GET', '/api/health');
    expect(response.status).toBe(503);
    expect(response.body.checks.partnerCenter).toBe('unavailable');
    expect(response.body.checks.cosmos).toBe('ok');
    expect(response.body.details?.partnerCenter).toMatch(/consent|AADSTS/i);
  });
});

describe('routeMatcher', () => {
  it('matches parameters, optional and catch-all segments', () => {
    expect(routeMatcher('customers/{customerId}/orders')('/customers/c1/orders')).toBe(true);
    expect(routeMatcher('customers/{customerId}/orders')('/customers/c1')).toBe(false);
    expect(routeMatcher('items/{id?}')('/items')).toBe(true);
    expect(routeMatcher('items/{id?}')('/items/7')).toBe(true);
    expect(routeMatcher('files/{*rest}')('/files/a/b/c')).toBe(true);
    expect(routeMatcher('openapi.json')('/openapiXjson')).toBe(false);
  });
});
