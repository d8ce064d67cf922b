import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulators, startSimulators } from '../../startSimulators';
import { createCaTrustingNetworkClient } from '../support/caTrustingNetworkClient';

let now = Date.parse('2026-03-01T09:00:00Z');
const clock = () => new Date(now);
let simulators: RunningSimulators;
let msal: ConfidentialClientApplication;

beforeAll(async () => {
  simulators = await startSimulators({
    clock,
    partnerCenter: { provisioningDelayMs: 60_000 },
    azureResourceManager: { provisioningDelaySeconds: 120 },
  });
  // Configured from the settings alone, as the gateway will be.
  const { settings } = simulators;
  msal = new ConfidentialClientApplication({
    auth: {
      clientId: settings.PARTNER_CENTER_CLIENT_ID ?? '',
      clientSecret: settings.PARTNER_CENTER_CLIENT_SECRET ?? '',
      authority: `${settings.PARTNER_CENTER_AUTHORITY_HOST}/${settings.PARTNER_TENANT_ID}`,
      knownAuthorities: [new URL(settings.PARTNER_CENTER_AUTHORITY_HOST ?? '').host],
    },
    system: {
      networkClient: createCaTrustingNetworkClient(
        readFileSync(settings.PARTNER_CENTER_AUTHORITY_CA_FILE ?? ''),
      ),
    },
  });
});

afterAll(async () => {
  await simulators.stop();
});

async function appUserToken(resource: string): Promise<string> {
  const refreshToken = readFileSync(simulators.refreshTokenFile, 'utf8').trim();
  const result = await msal.acquireTokenByRefreshToken({ refreshToken, scopes: [`${resource}/.default`] });
  return result?.accessToken ?? '';
}

async function call(
  base: string,
  path: string,
  token: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('startSimulators', () => {
  it('hands out settings, a CA file and a refresh token file that MSAL can use for both APIs', async () => {
    expect(simulators.settings).toMatchObject({
      PARTNER_CENTER_ENDPOINT: simulators.urls.partnerCenter,
      ARM_ENDPOINT: simulators.urls.azureResourceManager,
      PARTNER_CENTER_AUTHORITY_CA_FILE: simulators.caFile,
      PARTNER_CENTER_REFRESH_TOKEN_FILE: simulators.refreshTokenFile,
    });
    const token = await appUserToken('https://api.partnercenter.microsoft.com');
    const verified = await simulators.identity.verifyAccessToken(token, {
      audience: 'https://api.partnercenter.microsoft.com',
    });
    expect(verified).toMatchObject({ ok: true, claims: { amr: ['pwd', 'mfa'] } });
  });

  it('creates an Azure subscription through ARM under a plan bought in Partner Center, then lists it there', async () => {
    const partnerCenterToken = await appUserToken('https://api.partnercenter.microsoft.com');
    const armToken = await appUserToken('https://management.azure.com');
    const pc = simulators.urls.partnerCenter;
    const customer = simulators.partnerCenter.controls.seedCustomer({ country: 'US', directSigned: true });
    const customerId = String(customer.id);

    const cart = await call(pc, `/v1/customers/${customerId}/carts`, partnerCenterToken, {
      method: 'POST',
      body: {
        lineItems: [
          { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
        ],
      },
    });
    expect(cart.status).toBe(201);
    const checkout = await call(
      pc,
      `/v1/customers/${customerId}/carts/${String(cart.body.id)}/checkout`,
      partnerCenterToken,
      {
        method: 'POST',
      },
    );
    expect(checkout.status).toBe(201);
    now += 61_000;
    const plan = simulators.partnerCenter.controls.findAzurePlan(customerId);
    expect(plan).toBeDefined();

    const aliasPath =
      '/providers/Microsoft.Subscription/aliases/5a0c1f3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b?api-version=2021-10-01';
    const billingScope = `/providers/Microsoft.Billing/billingAccounts/${simulators.settings.ARM_BILLING_ACCOUNT_ID}/customers/${customerId}`;
    const created = await call(simulators.urls.azureResourceManager, aliasPath, armToken, {
      method: 'PUT',
      body: { properties: { displayName: 'Second subscription', billingScope, workload: 'Production' } },
    });
    expect(created.status).toBe(201);
    const subscriptionId = (created.body.properties as { subscriptionId: string }).subscriptionId;

    simulators.advanceClock(121_000);
    const polled = await call(simulators.urls.azureResourceManager, aliasPath, armToken);
    expect(polled.body).toMatchObject({ properties: { provisioningState: 'Succeeded', subscriptionId } });
    const entitlements = await call(
      pc,
      `/v1/customers/${customerId}/subscriptions/${plan?.subscriptionId}/azureEntitlements`,
      partnerCenterToken,
    );
    expect(entitlements.status).toBe(200);
    expect(entitlements.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: subscriptionId, friendlyName: 'Second subscription' }),
      ]),
    );
  });

  it('keeps a working refresh token file across restarts and replaces one that no longer works', async () => {
    const stateDirectory = mkdtempSync(path.join(tmpdir(), 'simulators-state-'));
    try {
      const first = await startSimulators({ clock, stateDirectory });
      const token = readFileSync(first.refreshTokenFile, 'utf8');
      await first.stop();

      const second = await startSimulators({ clock, stateDirectory });
      expect(readFileSync(second.refreshTokenFile, 'utf8')).toBe(token);
      second.identity.controls.revokeConsent();
      await second.stop();

      const third = await startSimulators({ clock, stateDirectory });
      const replaced = readFileSync(third.refreshTokenFile, 'utf8').trim();
      await third.stop();
      expect(replaced).not.toBe(token.trim());
    } finally {
      rmSync(stateDirectory, { recursive: true, force: true });
    }
  });
});
