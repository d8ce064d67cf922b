import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ArmSimulator,
  type ArmSimulatorSettings,
  createArmSimulator,
} from '../../azureResourceManager/createArmSimulator';
import { createIdentitySimulator, type IdentitySimulator } from '../../identity/createIdentitySimulator';
import { createCaTrustingNetworkClient } from '../support/caTrustingNetworkClient';

const customerId = '3c1d5e7f-2a4b-4c6d-8e0f-1a2b3c4d5e6f';
const planId = '6f5e4d3c-2b1a-4098-8765-43210fedcba9';

let now = Date.parse('2026-03-01T09:00:00Z');
const clock = () => new Date(now);
let identity: IdentitySimulator;
let armToken: string;
let partnerCenterToken: string;

beforeAll(async () => {
  identity = createIdentitySimulator({ clock });
  await identity.start();
  const network = createCaTrustingNetworkClient(readFileSync(identity.caFile));
  const [client] = identity.clients;
  const tokenFor = async (resource: string) => {
    const response = await network.sendPostRequestAsync<{ access_token: string }>(
      `${identity.authority}/oauth2/v2.0/token`,
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client?.clientId ?? '',
          client_secret: client?.clientSecret ?? '',
          scope: `${resource}/.default`,
        }).toString(),
      },
    );
    return response.body.access_token;
  };
  armToken = await tokenFor('https://management.azure.com');
  partnerCenterToken = await tokenFor('https://api.partnercenter.microsoft.com');
});

afterAll(async () => {
  await identity.stop();
});

async function withArm(
  settings: Partial<ArmSimulatorSettings>,
  test: (arm: ArmSimulator, created: string[][]) => Promise<void>,
): Promise<void> {
  const created: string[][] = [];
  const arm = createArmSimulator({
    verifyAccessToken: identity.verifyAccessToken,
    clock,
    onSubscriptionCreated: (...args) => created.push(args),
    options: { provisioningDelaySeconds: 120 },
    ...settings,
  });
  await arm.start();
  try {
    await test(arm, created);
  } finally {
    await arm.stop();
  }
}

function aliasRequest(
  arm: ArmSimulator,
  aliasName: string,
  init: { method?: string; body?: unknown; token?: string } = {},
) {
  return fetch(`${arm.url}/providers/Microsoft.Subscription/aliases/${aliasName}?api-version=2021-10-01`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.token ?? armToken}`,
      'content-type': 'application/json',
      'x-ms-correlation-request-id': 'c0ffee00-0000-4000-8000-000000000001',
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

function anAliasBody(arm: ArmSimulator, displayName = 'Dev Team subscription') {
  // The docs' own example capitalises DisplayName and Workload.
  return {
    properties: {
      billingScope: `/providers/Microsoft.Billing/billingAccounts/${arm.billingAccountName}/customers/${customerId}`,
      DisplayName: displayName,
      Workload: 'Production',
    },
  };
}

describe('ARM subscription alias simulator', () => {
  it('creates one subscription per alias name: Accepted, then Succeeded after the provisioning delay', async () => {
    await withArm(
      { azurePlanHolders: (id) => (id === customerId ? planId : undefined) },
      async (arm, created) => {
        const first = await aliasRequest(arm, 'alias-1', { method: 'PUT', body: anAliasBody(arm) });
        expect(first.status).toBe(201);
        expect(first.headers.get('x-ms-correlation-request-id')).toBe('c0ffee00-0000-4000-8000-000000000001');
        const accepted = (await first.json()) as {
          properties: { subscriptionId: string; provisioningState: string };
        };
        expect(accepted).toMatchObject({
          id: '/providers/Microsoft.Subscription/aliases/alias-1',
          name: 'alias-1',
          type: 'Microsoft.Subscription/aliases',
          properties: { provisioningState: 'Accepted' },
        });
        const again = await aliasRequest(arm, 'alias-1', { method: 'PUT', body: anAliasBody(arm) });
        expect(again.status).toBe(201);
        expect(await again.json()).toMatchObject({
          properties: { subscriptionId: accepted.properties.subscriptionId },
        });
        expect(created).toEqual([]);

        now += 121_000;
        const polled = await aliasRequest(arm, 'alias-1');
        expect(polled.status).toBe(200);
        expect(await polled.json()).toMatchObject({
          properties: { subscriptionId: accepted.properties.subscriptionId, provisioningState: 'Succeeded' },
        });
        expect((await aliasRequest(arm, 'alias-1', { method: 'PUT', body: anAliasBody(arm) })).status).toBe(
          200,
        );
        expect(created).toEqual([[customerId, accepted.properties.subscriptionId, 'Dev Team subscription']]);
        const conflicting = await aliasRequest(arm, 'alias-1', {
          method: 'PUT',
          body: anAliasBody(arm, 'Other'),
        });
        expect(conflicting.status).toBe(409);
      },
    );
  });

  it('refuses a customer without an Azure plan until the plan control names one', async () => {
    await withArm({}, async (arm) => {
      const refused = await aliasRequest(arm, 'alias-2', { method: 'PUT', body: anAliasBody(arm) });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'AzurePlanNotFound' } });

      const control = await fetch(`${arm.url}/_sim/azure-plans`, {
        method: 'POST',
        body: JSON.stringify({ customerId, planId }),
      });
      expect(control.status).toBe(200);
      expect((await aliasRequest(arm, 'alias-2', { method: 'PUT', body: anAliasBody(arm) })).status).toBe(
        201,
      );
    });
  });

  it('answers ARM authentication errors for a missing token and a token for another API', async () => {
    await withArm({}, async (arm) => {
      const missing = await fetch(
        `${arm.url}/providers/Microsoft.Subscription/aliases/x?api-version=2021-10-01`,
      );
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ error: { code: 'AuthenticationFailed' } });
      const wrongAudience = await aliasRequest(arm, 'x', { token: partnerCenterToken });
      expect(wrongAudience.status).toBe(401);
      expect(await wrongAudience.json()).toMatchObject({
        error: { code: 'InvalidAuthenticationTokenAudience' },
      });
    });
  });

  it('throttles with Retry-After, and a PUT whose response was lost is answered again by the same alias', async () => {
    await withArm({ azurePlanHolders: () => planId }, async (arm) => {
      arm.controls.setThrottling({ next: 1, retryAfterSeconds: 7 });
      const throttled = await aliasRequest(arm, 'alias-3', { method: 'PUT', body: anAliasBody(arm) });
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(await throttled.json()).toMatchObject({ error: { code: 'TooManyRequests' } });

      arm.controls.injectFault({ route: 'PUT alias', mode: 'lost-response', count: 1 });
      await expect(aliasRequest(arm, 'alias-3', { method: 'PUT', body: anAliasBody(arm) })).rejects.toThrow();
      const retried = await aliasRequest(arm, 'alias-3', { method: 'PUT', body: anAliasBody(arm) });
      expect(retried.status).toBe(201);
      expect(arm.controls.aliases()).toHaveLength(1);
      expect(arm.controls.stats().calls).toMatchObject({
        'PUT /providers/Microsoft.Subscription/aliases/{aliasName}': 3,
      });
    });
  });

  it('keeps aliases and plan holders across a restart and completes them afterwards', async () => {
    const stateDirectory = mkdtempSync(path.join(tmpdir(), 'arm-sim-'));
    try {
      let subscriptionId = '';
      await withArm({ stateDirectory }, async (arm) => {
        arm.controls.setAzurePlan(customerId, planId);
        const response = await aliasRequest(arm, 'alias-4', { method: 'PUT', body: anAliasBody(arm) });
        subscriptionId = ((await response.json()) as { properties: { subscriptionId: string } }).properties
          .subscriptionId;
      });
      now += 121_000;
      await withArm({ stateDirectory }, async (arm, created) => {
        expect(await (await aliasRequest(arm, 'alias-4')).json()).toMatchObject({
          properties: { subscriptionId, provisioningState: 'Succeeded' },
        });
        expect(created).toEqual([[customerId, subscriptionId, 'Dev Team subscription']]);
        expect((await aliasRequest(arm, 'alias-5', { method: 'PUT', body: anAliasBody(arm) })).status).toBe(
          201,
        );
      });
    } finally {
      rmSync(stateDirectory, { recursive: true, force: true });
    }
  });
});
