import { randomUUID } from 'node:crypto';

import { generateKeyPair, jwtVerify, SignJWT } from 'jose';

import {
  createPartnerCenterSimulator,
  PARTNER_CENTER_AUDIENCE,
  type PartnerCenterSimulator,
  type PartnerCenterSimulatorOptions,
  type VerifyAccessToken,
} from '../partnerCenter';

export const PARTNER_TENANT_ID = 'df845f1a-7b35-40a2-ba78-6481de91f8ae';
export const PARTNER_USER_ID = '4988e250-5aee-482a-9136-6d269cb755c0';

/**
 * Signs RS256 tokens like Entra's and verifies them for the simulator, standing in for the identity simulator's
 * `verifyAccessToken` (same contract: `{ ok: true, claims } | { ok: false, reason }`).
 */
export async function createTestTokens() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');

  async function sign(
    options: {
      kind?: 'appUser' | 'appOnly';
      mfa?: boolean;
      audience?: string;
      expiresInSeconds?: number;
    } = {},
  ): Promise<string> {
    const {
      kind = 'appUser',
      mfa = true,
      audience = PARTNER_CENTER_AUDIENCE,
      expiresInSeconds = 3600,
    } = options;
    const claims: Record<string, unknown> = { tid: PARTNER_TENANT_ID, appid: randomUUID() };
    if (kind === 'appUser') {
      Object.assign(claims, {
        oid: PARTNER_USER_ID,
        upn: 'adminagent@partner.example',
        scp: 'user_impersonation',
        amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
      });
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(`https://sts.windows.net/${PARTNER_TENANT_ID}/`)
      .setAudience(audience)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + expiresInSeconds)
      .sign(privateKey);
  }

  const verifyAccessToken: VerifyAccessToken = async (token, { audience }) => {
    try {
      const { payload } = await jwtVerify(token, publicKey, { audience, algorithms: ['RS256'] });
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  };

  return { sign, verifyAccessToken };
}

/** The fields these tests read from Partner Center bodies (the tests assert that they are there). */
export interface PcBody {
  id: string;
  status: string;
  type: string;
  totalCount: number;
  items: PcBody[];
  orders: PcBody[];
  lineItems: PcBody[];
  subscriptionId: string;
  catalogItemId: string;
  creationTimestamp: string;
  expirationTimestamp: string;
  links: { next?: { uri: string; headers: { key: string; value: string }[] } };
  attributes: { etag: string; objectType: string };
  [key: string]: unknown;
}

export interface CallResult<T = PcBody> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface SimulatorFixture {
  simulator: PartnerCenterSimulator;
  url: string;
  appUser: string;
  appOnly: string;
  sign: Awaited<ReturnType<typeof createTestTokens>>['sign'];
  /** Moves the simulator's virtual clock. */
  advance(ms: number): void;
  call<T = PcBody>(
    method: string,
    path: string,
    init?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<CallResult<T>>;
  stop(): Promise<void>;
}

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export async function startSimulator(
  options: PartnerCenterSimulatorOptions = {},
  journalDirectory?: string,
  tokens?: Awaited<ReturnType<typeof createTestTokens>>,
): Promise<SimulatorFixture> {
  const signer = tokens ?? (await createTestTokens());
  let now = START;
  const simulator = createPartnerCenterSimulator({
    verifyAccessToken: signer.verifyAccessToken,
    clock: () => new Date(now),
    ...(journalDirectory ? { journal: { directory: journalDirectory } } : {}),
    options,
  });
  const { url } = await simulator.start({ port: 0 });
  const appUser = await signer.sign();
  const appOnly = await signer.sign({ kind: 'appOnly' });

  return {
    simulator,
    url,
    appUser,
    appOnly,
    sign: signer.sign,
    advance(ms) {
      now += ms;
    },
    async call<T>(
      method: string,
      path: string,
      init: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
    ): Promise<CallResult<T>> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${init.token ?? appUser}`,
          Accept: 'application/json',
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: (text ? JSON.parse(text) : undefined) as T,
      };
    },
    stop: () => simulator.stop(),
  };
}

export const mcaAttestation = (dateAgreed = '2026-01-05T00:00:00.000Z') => ({
  primaryContact: {
    firstName: 'Tania',
    lastName: 'Carr',
    email: 'someone@example.com',
    phoneNumber: '1234567890',
  },
  templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
  dateAgreed,
  type: 'MicrosoftCustomerAgreement',
});

export const planLine = (availabilityId = 'DZH318Z0BML6') => ({
  lineItems: [
    { id: 0, catalogItemId: `DZH318Z0BPS6:0001:${availabilityId}`, quantity: 1, billingCycle: 'one_time' },
  ],
});

/** Seeds a customer, attests the MCA, buys the Azure plan and lets it provision: returns the ids. */
export async function buyPlan(
  pc: SimulatorFixture,
  country: 'US' | 'GB' = 'US',
): Promise<{ customerId: string; planId: string; entitlementId: string; orderId: string }> {
  const customerId = pc.simulator.controls.seedCustomer({ country }).id as string;
  await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
  const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, {
    body: planLine(country === 'US' ? 'DZH318Z0BML6' : 'DZH318Z0BMGV'),
  });
  const checkout = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
  const orderId = checkout.body.orders[0]!.id;
  pc.advance(pc.simulator.controls.setBehaviour({}).provisioningDelayMs);
  const order = await pc.call('GET', `/v1/customers/${customerId}/orders/${orderId}`);
  const planId = order.body.lineItems[0]!.subscriptionId;
  const entitlements = await pc.call(
    'GET',
    `/v1/customers/${customerId}/subscriptions/${planId}/azureEntitlements`,
  );
  return { customerId, planId, entitlementId: entitlements.body.items[0]!.id, orderId };
}
