import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

import { createIdentitySimulator, type IdentitySimulator } from '../../identity/createIdentitySimulator';
import { createCaTrustingNetworkClient } from '../support/caTrustingNetworkClient';

const partnerCenter = 'https://api.partnercenter.microsoft.com';
const arm = 'https://management.azure.com';

let now = Date.parse('2026-03-01T09:00:00Z');
const clock = () => new Date(now);
const network = createCaTrustingNetworkClient(readFileSync(createIdentitySimulator().caFile));
const running: IdentitySimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()));
});

async function aRunningIdentitySimulator(
  settings: Parameters<typeof createIdentitySimulator>[0] = {},
): Promise<IdentitySimulator> {
  const simulator = createIdentitySimulator({ clock, ...settings });
  running.push(simulator);
  await simulator.start();
  return simulator;
}

function msalFor(simulator: IdentitySimulator): ConfidentialClientApplication {
  const [client] = simulator.clients;
  if (!client) throw new Error('the simulator has no client');
  return new ConfidentialClientApplication({
    auth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authority: simulator.authority,
      knownAuthorities: [new URL(simulator.url).host],
    },
    system: { networkClient: network },
  });
}

async function redeem(simulator: IdentitySimulator, refreshToken: string, endpoint: 'v1' | 'v2' = 'v2') {
  const [client] = simulator.clients;
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client?.clientId ?? '',
    client_secret: client?.clientSecret ?? '',
    ...(endpoint === 'v2'
      ? { scope: `${partnerCenter}/.default offline_access` }
      : { resource: partnerCenter }),
  });
  const url = `${simulator.authority}/oauth2/${endpoint === 'v2' ? 'v2.0/' : ''}token`;
  const response = await network.sendPostRequestAsync<Record<string, unknown>>(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: response.status, body: response.body };
}

describe('identity simulator', () => {
  it('gives MSAL an app-only token for Partner Center that the simulated APIs accept', async () => {
    const identity = await aRunningIdentitySimulator();

    const result = await msalFor(identity).acquireTokenByClientCredential({
      scopes: [`${partnerCenter}/.default`],
    });

    expect(result?.accessToken).toBeTruthy();
    const verified = await identity.verifyAccessToken(result?.accessToken ?? '', { audience: partnerCenter });
    expect(verified).toMatchObject({
      ok: true,
      claims: { aud: partnerCenter, idtyp: 'app', tid: identity.tenantId },
    });
    expect(await identity.verifyAccessToken(result?.accessToken ?? '', { audience: arm })).toMatchObject({
      ok: false,
      reason: 'audience',
    });
  });

  it('gives MSAL an App+User token from a refresh token, with MFA in amr, and rotates the refresh token', async () => {
    const identity = await aRunningIdentitySimulator();
    const { refreshToken } = identity.controls.issueRefreshToken({ mfa: true, upn: 'agent@contoso.example' });
    const msal = msalFor(identity);

    // forceCache: MSAL otherwise drops the tokens of an account it has not seen (the rotated refresh token too).
    const result = await msal.acquireTokenByRefreshToken({
      refreshToken,
      scopes: [`${partnerCenter}/.default`],
      forceCache: true,
    });

    const verified = await identity.verifyAccessToken(result?.accessToken ?? '', { audience: partnerCenter });
    expect(verified).toMatchObject({
      ok: true,
      claims: { idtyp: 'user', scp: 'user_impersonation', upn: 'agent@contoso.example', amr: ['pwd', 'mfa'] },
    });
    const cached = JSON.parse(msal.getTokenCache().serialize()) as {
      RefreshToken: Record<string, { secret: string }>;
    };
    const rotated = Object.values(cached.RefreshToken).map((entry) => entry.secret);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).not.toBe(refreshToken);
  });

  it('leaves amr without mfa when the consent was made without MFA, and can refuse such a consent', async () => {
    const lax = await aRunningIdentitySimulator();
    const { refreshToken } = lax.controls.issueRefreshToken({ mfa: false });
    const token = await redeem(lax, refreshToken);
    expect(decodeJwt(String(token.body.access_token)).amr).toEqual(['pwd']);

    const strict = await aRunningIdentitySimulator({ options: { requireMfa: true } });
    const refused = await redeem(strict, strict.controls.issueRefreshToken({ mfa: false }).refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant', error_codes: [50076] });
  });

  it('keeps a redeemed refresh token valid for the grace window only', async () => {
    const identity = await aRunningIdentitySimulator({ options: { rotationGraceSeconds: 60 } });
    const first = identity.controls.issueRefreshToken().refreshToken;

    const second = await redeem(identity, first);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first);
    expect((await redeem(identity, first)).status).toBe(200);

    now += 61_000;
    const late = await redeem(identity, first);
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
    expect((await redeem(identity, String(second.body.refresh_token))).status).toBe(200);
  });

  it('answers invalid_grant AADSTS65001 to MSAL once the consent is revoked, until a new consent', async () => {
    const identity = await aRunningIdentitySimulator();
    const { refreshToken } = identity.controls.issueRefreshToken();
    identity.controls.revokeConsent();

    const refusal: unknown = await msalFor(identity)
      .acquireTokenByRefreshToken({ refreshToken, scopes: [`${partnerCenter}/.default`] })
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({ errorCode: 'invalid_grant', subError: 'consent_required' });
    expect((refusal as Error).message).toMatch(/^invalid_grant: .*AADSTS65001/);
    expect((await redeem(identity, identity.controls.issueRefreshToken().refreshToken)).status).toBe(200);
  });

  it('expires access tokens on command and by their lifetime', async () => {
    const identity = await aRunningIdentitySimulator({ options: { accessTokenLifetimeSeconds: 600 } });
    const { refreshToken } = identity.controls.issueRefreshToken();
    const before = await redeem(identity, refreshToken, 'v1');
    const token = String(before.body.access_token);
    expect(before.body).toMatchObject({
      resource: partnerCenter,
      expires_in: '600',
      scope: 'user_impersonation',
    });

    identity.controls.expireAccessTokens();
    expect(await identity.verifyAccessToken(token, { audience: partnerCenter })).toMatchObject({
      reason: 'expired',
    });
    const after = await redeem(identity, String(before.body.refresh_token));
    const fresh = String(after.body.access_token);
    expect(await identity.verifyAccessToken(fresh, { audience: partnerCenter })).toMatchObject({ ok: true });

    now += 601_000;
    expect(await identity.verifyAccessToken(fresh, { audience: partnerCenter })).toMatchObject({
      reason: 'expired',
    });
  });

  it('refuses a wrong client secret and an unknown API as Entra does', async () => {
    const identity = await aRunningIdentitySimulator();
    const [client] = identity.clients;
    const post = (fields: Record<string, string>) =>
      network.sendPostRequestAsync<Record<string, unknown>>(`${identity.authority}/oauth2/v2.0/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client?.clientId ?? '',
          ...fields,
        }).toString(),
      });

    const badSecret = await post({ client_secret: 'wrong', scope: `${partnerCenter}/.default` });
    expect(badSecret).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_codes: [7000215] },
    });
    const unknownApi = await post({
      client_secret: client?.clientSecret ?? '',
      scope: 'https://graph.windows.net/.default',
    });
    expect(unknownApi).toMatchObject({ status: 400, body: { error: 'invalid_resource' } });
  });

  it('answers 503 to the next token requests while an outage is injected, then recovers', async () => {
    const identity = await aRunningIdentitySimulator();
    const { refreshToken } = identity.controls.issueRefreshToken();
    identity.controls.failTokenRequests(1);

    expect(await redeem(identity, refreshToken)).toMatchObject({
      status: 503,
      body: { error_codes: [90033] },
    });
    expect((await redeem(identity, refreshToken)).status).toBe(200);
  });

  it('keeps consents and refresh tokens across a restart with a state directory', async () => {
    const stateDirectory = mkdtempSync(path.join(tmpdir(), 'identity-sim-'));
    try {
      const first = createIdentitySimulator({ clock, stateDirectory });
      await first.start();
      const { refreshToken } = first.controls.issueRefreshToken();
      await first.stop();

      const second = createIdentitySimulator({ clock, stateDirectory });
      await second.start();
      const redeemed = await redeem(second, refreshToken);
      await second.stop();
      expect(redeemed.status).toBe(200);
    } finally {
      rmSync(stateDirectory, { recursive: true, force: true });
    }
  });
});
