import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CustomerDocument } from '../../../shared/domain/documents/documents';
import { idFromIdempotencyKey } from '../../../shared/platform/http/idempotency';
import { type RunningService, startService } from '../../support/service';
import {
  aBillingAddress,
  aContact,
  aCustomerRequest,
  adminAgent,
  anAttestation,
  globalAdmin,
  problemOf,
  purchaseScenario,
  salesAgent,
} from '../purchaseScenario';

let service: RunningService;
let scenario: ReturnType<typeof purchaseScenario>;

beforeAll(async () => {
  service = await startService();
  scenario = purchaseScenario(service);
});

afterAll(async () => {
  await service?.stop();
});

const repositoryRoot = join(__dirname, '..', '..', '..');
const developmentKey = JSON.parse(
  readFileSync(join(repositoryRoot, 'scripts/local-auth/dev-signing-key.private.json'), 'utf8'),
) as JWK & { kid: string };
const issuer = 'https://login.local.test/azure-plan-dev/v2.0';
const audience = 'api://azure-plan-purchase';

async function aToken(
  changes: { issuer?: string; audience?: string; expiresAt?: number; otherKey?: boolean } = {},
): Promise<string> {
  const key = changes.otherKey
    ? (await generateKeyPair('RS256')).privateKey
    : await importJWK(developmentKey, 'RS256');
  return new SignJWT({ roles: ['SalesAgent'], oid: 'mallory' })
    .setProtectedHeader({ alg: 'RS256', kid: developmentKey.kid })
    .setIssuer(changes.issuer ?? issuer)
    .setAudience(changes.audience ?? audience)
    .setIssuedAt()
    .setExpirationTime(changes.expiresAt ?? '5m')
    .sign(key);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Sends a raw body (possibly not JSON) with a valid token. */
async function postRaw(
  path: string,
  body: string,
): Promise<{ status: number; problem: Record<string, unknown> }> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await service.token(['SalesAgent'])}`,
      'content-type': 'application/json',
    },
    body,
  });
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return { status: response.status, problem: (await response.json()) as Record<string, unknown> };
}

describe('customers', () => {
  it('registers a customer (201), updates it (200) and reads it back with its MCA and plan state', async () => {
    const created = await service.call('PUT', '/api/customers/northwind', {
      as: salesAgent,
      body: aCustomerRequest({ segment: undefined }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'northwind',
      customerId: 'northwind',
      segment: 'commercial',
      mcaAccepted: false,
      azurePlan: null,
    });

    const updated = await service.call('PUT', '/api/customers/northwind', {
      as: salesAgent,
      body: aCustomerRequest({ companyName: 'Northwind Traders' }),
    });
    expect(updated.status).toBe(200);
    expect(await scenario.customer('northwind')).toMatchObject({
      companyName: 'Northwind Traders',
      country: 'DE',
    });
  });

  it('refuses a code that is not an ISO 3166-1 country (400 naming /country) but registers a country without the plan', async () => {
    const refused = await service.call('PUT', '/api/customers/not-a-country', {
      as: salesAgent,
      body: aCustomerRequest({ country: 'XX', billingAddress: aBillingAddress('DE') }),
    });
    expect(refused.status).toBe(400);
    expect(problemOf(refused)).toMatchObject({ code: 'InvalidRequest', errors: [{ pointer: '/country' }] });

    // North Korea is a country where the Azure plan is not sold: registered, refused at purchase time.
    const customerId = await scenario.aRegisteredCustomer({ country: 'KP' });
    const purchase = await scenario.startPurchase(customerId, {});
    expect(problemOf(purchase)).toMatchObject({ code: 'CountryNotAvailable' });
  });

  it('answers 404 CustomerNotFound for an unknown customer', async () => {
    const response = await service.call('GET', '/api/customers/nobody-here', { as: salesAgent });
    expect(response.status).toBe(404);
    expect(problemOf(response)).toMatchObject({ code: 'CustomerNotFound' });
  });

  it('replays a customer write with the same Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'register-adventure-works' };
    const first = await service.call('PUT', '/api/customers/adventure-works', {
      as: salesAgent,
      body: aCustomerRequest(),
      headers,
    });
    const replay = await service.call('PUT', '/api/customers/adventure-works', {
      as: salesAgent,
      body: aCustomerRequest(),
      headers,
    });
    const other = await service.call('PUT', '/api/customers/adventure-works', {
      as: salesAgent,
      body: aCustomerRequest({ companyName: 'Other' }),
      headers,
    });

    expect([first.status, replay.status]).toEqual([201, 201]);
    // The new tenant's admin credentials are shown once: the replay is the same customer without them.
    const { userCredentials, ...customer } = first.body as { userCredentials?: unknown };
    expect(Object.keys(userCredentials as object).sort()).toEqual(['password', 'userName']);
    expect(replay.body).toEqual(customer);
    expect(problemOf(other)).toMatchObject({ status: 422, code: 'IdempotencyKeyReused' });
  });
});

describe('partner attestation', () => {
  it('records the agreement with the caller as userId, and refuses the same contact again with 600061', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const body = { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2026-01-05' };

    const first = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: adminAgent,
      body,
    });
    const again = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: adminAgent,
      body: { ...body, primaryContact: { ...aContact, email: aContact.email.toUpperCase() } },
    });
    const changedContact = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: adminAgent,
      body: { ...body, primaryContact: { ...aContact, lastName: 'Hopper-Murray' } },
    });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      type: 'MicrosoftCustomerAgreement',
      templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
      userId: 'adam',
      method: 'partnerAttestation',
      dateAgreed: '2026-01-05T00:00:00.000Z',
    });
    expect(problemOf(again)).toMatchObject({
      status: 409,
      code: 'AgreementAlreadyExists',
      partnerCenterCode: 600061,
    });
    expect(changedContact.status).toBe(201);
    expect((await scenario.customer(customerId)).mcaAccepted).toBe(true);
  });

  it('refuses a date in the future, a customer of an indirect reseller, and a caller without an agent role', async () => {
    const direct = await scenario.aRegisteredCustomer();
    const resold = await scenario.aRegisteredCustomer({ relationship: 'indirectReseller' });
    const body = { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2999-01-01' };

    const future = await service.call('POST', `/api/customers/${direct}/agreements`, {
      as: salesAgent,
      body,
    });
    const reseller = await service.call('POST', `/api/customers/${resold}/agreements`, {
      as: salesAgent,
      body: { ...body, dateAgreed: '2026-01-05' },
    });
    const admin = await service.call('POST', `/api/customers/${direct}/agreements`, {
      as: globalAdmin,
      body: { ...body, dateAgreed: '2026-01-05' },
    });

    expect(problemOf(future)).toMatchObject({ status: 400, code: 'InvalidRequest' });
    expect(problemOf(reseller)).toMatchObject({ status: 403, code: 'ResellerCannotAttest' });
    expect(problemOf(admin)).toMatchObject({ status: 403, code: 'Forbidden' });
  });
});

describe('the checks before a purchase starts', () => {
  it('answers each contract error row', async () => {
    const notAccepted = await scenario.aRegisteredCustomer();
    const antarctic = await scenario.aRegisteredCustomer({ country: 'AQ' });
    const resold = await scenario.aRegisteredCustomer({ relationship: 'indirectReseller' });
    const legacy = await scenario.aRegisteredCustomer();
    const { resource } = await service.cosmos.containers.customers
      .item(legacy, legacy)
      .read<{ id: string }>();
    await service.cosmos.containers.customers.items.upsert({
      ...resource,
      legacySubscriptionIds: ['legacy-1'],
    });

    const expectations: [Promise<{ body: unknown }>, Record<string, unknown>][] = [
      [scenario.startPurchase('nobody-here', {}), { status: 404, code: 'CustomerNotFound' }],
      [
        scenario.startPurchase(
          notAccepted,
          { mca: anAttestation() },
          { roles: ['AdminAgent'], userId: 'adam' },
        ),
        { status: 403, code: 'Forbidden' },
      ],
      [
        scenario.startPurchase(notAccepted, { mca: anAttestation() }, globalAdmin),
        { status: 403, code: 'Forbidden' },
      ],
      [
        scenario.startPurchase(antarctic, { mca: anAttestation() }),
        { status: 400, code: 'CountryNotAvailable', partnerCenterCode: 800070 },
      ],
      [
        scenario.startPurchase(legacy, { mca: anAttestation() }),
        { status: 409, code: 'LegacySubscriptionRequiresTransition' },
      ],
      [
        scenario.startPurchase(notAccepted, {}),
        { status: 403, code: 'McaNotAccepted', partnerCenterCode: 13605 },
      ],
      [
        scenario.startPurchase(resold, { mca: anAttestation() }),
        { status: 403, code: 'ResellerCannotAttest' },
      ],
      [
        scenario.startPurchase(notAccepted, { mca: { ...anAttestation(), dateAgreed: '2999-01-01' } }),
        { status: 400, code: 'InvalidRequest' },
      ],
    ];

    for (const [response, problem] of expectations) {
      expect((await response).body).toMatchObject(problem);
    }
    const invited = await scenario.startPurchase(notAccepted, { mca: { method: 'invite' } }, globalAdmin);
    expect(invited.status).toBe(202);
    await service.call('POST', `/api/purchases/${scenario.purchaseIdOf(invited)}/cancel`, { as: salesAgent });
    await service.host.waitForIdle();
  });

  it('answers 404 PurchaseNotFound for an unknown purchase, to read or to cancel', async () => {
    expect(
      problemOf(await service.call('GET', '/api/purchases/no-such-purchase', { as: salesAgent })),
    ).toMatchObject({ status: 404, code: 'PurchaseNotFound' });
    expect(
      problemOf(await service.call('POST', '/api/purchases/no-such-purchase/cancel', { as: salesAgent })),
    ).toMatchObject({ status: 404, code: 'PurchaseNotFound' });
  });

  it('replays a purchase start with the same Idempotency-Key (same purchase) and refuses it with another body', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const headers = { 'idempotency-key': `buy-${customerId}` };

    const first = await scenario.startPurchase(customerId, { mca: anAttestation() }, salesAgent, headers);
    const replay = await scenario.startPurchase(customerId, { mca: anAttestation() }, salesAgent, headers);
    const other = await scenario.startPurchase(
      customerId,
      { mca: { method: 'invite' } },
      salesAgent,
      headers,
    );

    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(scenario.purchaseIdOf(replay)).toBe(scenario.purchaseIdOf(first));
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(problemOf(other)).toMatchObject({ status: 422, code: 'IdempotencyKeyReused' });
    await service.host.waitForIdle();
  });

  it('goes on with a start a crash cut short after it claimed the customer, when retried with its Idempotency-Key', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const headers = { 'idempotency-key': `crashed-${customerId}` };
    const path = `/api/customers/${customerId}/azure-plan/purchases`;
    const purchaseId = idFromIdempotencyKey(
      { headers: new Headers(headers), url: `${service.url}${path}`, method: 'POST' },
      salesAgent.userId,
    )!;
    // What the first attempt left when its process died: the work in progress claimed for its purchase, nothing started (its
    // Idempotency-Key claim has been taken over since).
    const { customers } = service.cosmos.containers;
    const { resource } = await customers.item(customerId, customerId).read<CustomerDocument>();
    await customers.item(customerId, customerId).replace({
      ...resource!,
      workInProgress: { kind: 'purchase', id: purchaseId, startedAt: new Date().toISOString() },
    });

    const retried = await scenario.startPurchase(customerId, { mca: anAttestation() }, salesAgent, headers);

    expect(retried.status).toBe(202);
    expect(scenario.purchaseIdOf(retried)).toBe(purchaseId);
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('completed');
  });
});

describe('bad requests', () => {
  const customerPath = '/api/customers/badly-formed';
  const purchasePath = '/api/customers/badly-formed/azure-plan/purchases';

  it.each([
    ['invalid JSON', '{"companyName": "Contoso",'],
    ['a wrong type', JSON.stringify(aCustomerRequest({ companyName: 42 }))],
    ['a missing field', JSON.stringify(aCustomerRequest({ primaryContact: undefined }))],
    ['an extra field', JSON.stringify(aCustomerRequest({ isVip: true }))],
    ['a huge string', JSON.stringify(aCustomerRequest({ companyName: 'x'.repeat(100_000) }))],
    ['a body far too large', JSON.stringify(aCustomerRequest({ companyName: 'x'.repeat(300_000) }))],
    ['an array', '[]'],
    ['a bad country', JSON.stringify(aCustomerRequest({ country: 'Germany' }))],
  ])('refuses a customer with %s as a 400 problem document', async (_what, body) => {
    const response = await fetch(`${service.url}${customerPath}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await service.token(['SalesAgent'])}`,
        'content-type': 'application/json',
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'InvalidRequest', partnerCenterCode: 800002 });
  });

  it.each([
    ['invalid JSON', '{"mca": '],
    ['an unknown method', JSON.stringify({ mca: { method: 'telepathy' } })],
    [
      'a reminder longer than the expiry',
      JSON.stringify({ mca: { method: 'invite', reminderEveryHours: 72, expiresInDays: 2 } }),
    ],
    ['reminders as a string', JSON.stringify({ mca: { method: 'invite', reminderEveryHours: '24' } })],
    [
      'an attestation without a contact',
      JSON.stringify({ mca: { method: 'attest', dateAgreed: '2026-01-05' } }),
    ],
    ['an extra field', JSON.stringify({ mca: { method: 'invite' }, rush: true })],
    ['a null', 'null'],
  ])('refuses a purchase with %s as a 400 problem document listing the field', async (_what, body) => {
    const { status, problem } = await postRaw(purchasePath, body);
    expect(status).toBe(400);
    expect(problem).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts:|stack/i);
  });
});

describe('authentication and roles', () => {
  const path = '/api/customers/auth-check';

  const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
    iss: issuer,
    aud: audience,
    roles: ['SalesAgent'],
    oid: 'x',
    exp: 4102444800,
  })}.`;

  it.each<[string, () => Promise<string | undefined>]>([
    ['no credentials', () => Promise.resolve(undefined)],
    ['a token signed by another key', () => aToken({ otherKey: true })],
    ['an expired token', () => aToken({ expiresAt: Math.floor(Date.now() / 1000) - 600 })],
    ['a token for another audience', () => aToken({ audience: 'api://someone-else' })],
    ['a token from another issuer', () => aToken({ issuer: 'https://login.evil.example/v2.0' })],
    ['an unsigned token (alg none)', () => Promise.resolve(unsigned)],
    ['garbage', () => Promise.resolve('not-a-jwt')],
  ])('answers 401 for %s', async (_what, makeToken) => {
    const token = await makeToken();
    const response = await fetch(`${service.url}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'Unauthenticated' });
  });

  it('answers 403 when no role of the caller may buy the Azure plan', async () => {
    const response = await scenario.startPurchase(
      'auth-check',
      {},
      { roles: ['AdminAgent'], userId: 'adam' },
    );
    expect(problemOf(response)).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('lets the invitation link through without credentials but not an unknown token', async () => {
    const response = await service.call('POST', `/api/invitations/${'A'.repeat(43)}/accept`, {
      body: aContact,
    });
    expect(problemOf(response)).toMatchObject({ status: 404, code: 'InvitationNotFound' });
  });
});

describe('operations', () => {
  it('echoes x-correlation-id and makes one up when none is given', async () => {
    const echoed = await service.call('GET', '/api/customers/nobody-here', {
      as: salesAgent,
      headers: { 'x-correlation-id': 'trace-7' },
    });
    const generated = await service.call('GET', '/api/customers/nobody-here', { as: salesAgent });
    expect(echoed.headers.get('x-correlation-id')).toBe('trace-7');
    expect(problemOf(echoed).correlationId).toBe('trace-7');
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists every endpoint of the purchase workflow in the OpenAPI document', async () => {
    const response = await service.call('GET', '/api/openapi.json');
    const paths = (response.body as { paths: Record<string, Record<string, unknown>> }).paths;
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'PUT /api/customers/{customerId}',
        'GET /api/customers/{customerId}',
        'POST /api/customers/{customerId}/agreements',
        'GET /api/customers/{customerId}/agreements',
        'POST /api/invitations/{token}/accept',
        'POST /api/customers/{customerId}/azure-plan/purchases',
        'GET /api/purchases/{purchaseId}',
        'POST /api/purchases/{purchaseId}/cancel',
        'GET /api/health',
        'GET /api/openapi.json',
      ]),
    );
    const start = paths['/api/customers/{customerId}/azure-plan/purchases']?.post as {
      responses: Record<string, unknown>;
    };
    expect(Object.keys(start.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '404', '409']),
    );
  });
});
