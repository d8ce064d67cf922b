import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { importJWK, type JWK, SignJWT } from 'jose';

/** A partner user's bearer token, signed with the development key the local service trusts. */
export async function aDevelopmentToken(
  appDir: string,
  settings: Record<string, string>,
  roles: string[],
): Promise<string> {
  const jwk = JSON.parse(
    readFileSync(path.join(appDir, 'scripts', 'local-auth', 'dev-signing-key.private.json'), 'utf8'),
  ) as JWK & { kid: string };
  return new SignJWT({ roles, name: 'Bench Agent', oid: 'bench-agent' })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(settings.AUTH_ISSUER ?? '')
    .setAudience(settings.AUTH_AUDIENCE ?? '')
    .setSubject('bench-agent')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(await importJWK(jwk, 'RS256'));
}

export interface BenchClient {
  request(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/** Calls the service the way a partner's script does: JSON over HTTP with a bearer token. */
export function createBenchClient(baseUrl: string, token: string): BenchClient {
  return {
    async request(method, route, body) {
      const response = await fetch(`${baseUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
}

/** A new customer id per call: every round buys for customers that have never been seen. */
export function aFreshCustomerId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

export const aContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@bench.example' };

export function aCustomerRegistration() {
  return {
    companyName: 'Bench Customer Ltd',
    country: 'DE',
    segment: 'commercial',
    relationship: 'direct',
    primaryContact: aContact,
    // Partner Center creates the customer, and needs its real address for that.
    billingAddress: {
      addressLine1: 'Friedrichstraße 123',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    },
  };
}

/** The attested purchase body: the partner confirms the MCA with the purchase. */
export function anAttestedPurchase(dateAgreed: string) {
  return { mca: { method: 'attest', primaryContact: aContact, dateAgreed } };
}

/** Submits a batch of attested purchases, one line a customer, timed from just before the POST. */
export async function submitAttestedBatch(
  client: BenchClient,
  customers: readonly string[],
): Promise<{ batchId: string; start: bigint }> {
  const dateAgreed = new Date(Date.now() - 60_000).toISOString();
  const start = process.hrtime.bigint();
  const submitted = await client.request('POST', '/api/purchase-batches', {
    items: customers.map((customerId) => ({ customerId, ...anAttestedPurchase(dateAgreed) })),
  });
  if (submitted.status !== 202)
    throw new Error(`POST batch answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  return { batchId: (submitted.body as { batchId: string }).batchId, start };
}

export async function registerCustomer(client: BenchClient, customerId: string): Promise<void> {
  const { status, body } = await client.request(
    'PUT',
    `/api/customers/${customerId}`,
    aCustomerRegistration(),
  );
  if (status !== 201 && status !== 200) {
    throw new Error(`PUT customer ${customerId} answered ${status}: ${JSON.stringify(body)}`);
  }
}

export async function startPurchase(client: BenchClient, customerId: string, body: unknown): Promise<string> {
  const response = await client.request('POST', `/api/customers/${customerId}/azure-plan/purchases`, body);
  if (response.status !== 202) {
    throw new Error(
      `POST purchase of ${customerId} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return (response.body as { purchaseId: string }).purchaseId;
}
