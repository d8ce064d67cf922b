import { describe, expect, it } from 'vitest';

import { createCachedTokenSource } from '../../shared/gateways/auth/accessTokens';
import { createMsalTokenAcquirer } from '../../shared/gateways/auth/msalTokenAcquirer';
import {
  createKeyVaultRefreshTokenStore,
  type SecretClientLike,
} from '../../shared/gateways/auth/refreshTokenStore';
import { createPartnerCenterGateway } from '../../shared/gateways/partnerCenter/createPartnerCenterGateway';

// Issue 15 row 12: a Key Vault that refuses the Function App's identity (403) is a permission an operator must
// grant, not an outage: it must surface as an operator error (never retried), and health must say which.

/** What `@azure/keyvault-secrets` throws: a RestError carrying the HTTP status. */
function restError(statusCode: number): Error {
  return Object.assign(new Error(`Caller is not authorized to perform action on resource (${statusCode})`), {
    name: 'RestError',
    statusCode,
    code: 'Forbidden',
  });
}

function forbiddingVault() {
  const calls = { get: 0, set: 0 };
  const client: SecretClientLike = {
    getSecret: () => {
      calls.get += 1;
      return Promise.reject(restError(403));
    },
    setSecret: () => {
      calls.set += 1;
      return Promise.reject(restError(403));
    },
  };
  const store = createKeyVaultRefreshTokenStore({
    vaultUrl: 'https://partner-vault.vault.azure.net',
    secretName: 'partner-center-refresh-token',
    client,
  });
  return { store, calls };
}

describe('Key Vault 403 on the refresh token', () => {
  it('reading is an operator error naming the vault, the secret and the permission', async () => {
    const { store } = forbiddingVault();
    await expect(store.read()).rejects.toMatchObject({
      code: 'PartnerCenterConsentRequired',
      kind: 'ConsentRequired',
      errorName: 'KeyVaultForbidden',
      isRetryable: false,
      message: expect.stringMatching(
        /partner-vault.*partner-center-refresh-token.*HTTP 403.*Secrets Officer/s,
      ) as unknown,
    });
  });

  it('writing the rotated token is the same operator error', async () => {
    const { store } = forbiddingVault();
    await expect(store.write('rt-2')).rejects.toMatchObject({ errorName: 'KeyVaultForbidden' });
  });

  it('a gateway call asks the vault once and fails as PartnerCenterConsentRequired; health says Key Vault', async () => {
    const { store, calls } = forbiddingVault();
    const acquire = createMsalTokenAcquirer({
      authorityHost: 'https://login.invalid',
      tenantId: '00000000-0000-4000-8000-000000000001',
      clientId: '00000000-0000-4000-8000-000000000002',
      clientSecret: 'secret',
      refreshTokens: store,
    });
    let fetched = 0;
    const gateway = createPartnerCenterGateway({
      endpoint: 'http://pc.invalid',
      tokens: createCachedTokenSource({ acquire, clock: { now: () => new Date() } }),
      appOnlyWherePermitted: false,
      fetch: () => {
        fetched += 1;
        return Promise.reject(new Error('no call may reach Partner Center without a token'));
      },
      sleep: () => Promise.resolve(),
    });

    await expect(gateway.isDirectlySigned('c-1', { correlationId: 'corr-1' })).rejects.toMatchObject({
      code: 'PartnerCenterConsentRequired',
      errorName: 'KeyVaultForbidden',
    });
    expect(calls.get).toBe(1); // not retried as if Key Vault were down
    expect(fetched).toBe(0);

    const health = await gateway.checkReachability();
    expect(health).toMatchObject({
      reachable: false,
      detail: expect.stringContaining('Key Vault refused') as unknown,
    });
  });
});
