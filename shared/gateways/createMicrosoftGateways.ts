import { type Clock, systemClock } from '../platform/clock';
import { type AppConfig } from '../platform/config';
import { type AccessTokenSource, createCachedTokenSource, type TokenAcquirer } from './auth/accessTokens';
import { createMsalTokenAcquirer } from './auth/msalTokenAcquirer';
import {
  createFileRefreshTokenStore,
  createKeyVaultRefreshTokenStore,
  type RefreshTokenStore,
} from './auth/refreshTokenStore';
import { type ArmGateway, createArmGateway } from './azureResourceManager/createArmGateway';
import { type GatewayLog } from './microsoftHttp/microsoftHttpClient';
import { createPartnerCenterGateway } from './partnerCenter/createPartnerCenterGateway';
import { PartnerCenterError } from './partnerCenter/partnerCenterError';
import { type PartnerCenterGateway } from './partnerCenter/ports';

export type MicrosoftSettings = Pick<
  AppConfig,
  | 'PARTNER_CENTER_ENDPOINT'
  | 'ARM_ENDPOINT'
  | 'PARTNER_CENTER_AUTHORITY_HOST'
  | 'PARTNER_CENTER_AUTHORITY_CA_FILE'
  | 'PARTNER_TENANT_ID'
  | 'PARTNER_CENTER_CLIENT_ID'
  | 'PARTNER_CENTER_CLIENT_SECRET'
  | 'PARTNER_CENTER_REFRESH_TOKEN_FILE'
  | 'PARTNER_CENTER_KEY_VAULT_URL'
  | 'PARTNER_CENTER_REFRESH_TOKEN_SECRET'
  | 'PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID'
  | 'PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED'
  | 'ARM_BILLING_ACCOUNT_ID'
>;

export interface MicrosoftGateways {
  partnerCenter: PartnerCenterGateway;
  azureResourceManager: ArmGateway;
  tokens: AccessTokenSource;
}

/** Key Vault when configured (Azure), else the file (local); none means App+User calls need consent first. */
export function refreshTokenStoreFor(settings: MicrosoftSettings): RefreshTokenStore | undefined {
  if (settings.PARTNER_CENTER_KEY_VAULT_URL?.trim()) {
    return createKeyVaultRefreshTokenStore({
      vaultUrl: settings.PARTNER_CENTER_KEY_VAULT_URL.trim(),
      secretName: settings.PARTNER_CENTER_REFRESH_TOKEN_SECRET,
      ...(settings.PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID?.trim()
        ? { managedIdentityClientId: settings.PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID.trim() }
        : {}),
    });
  }
  if (settings.PARTNER_CENTER_REFRESH_TOKEN_FILE?.trim()) {
    return createFileRefreshTokenStore(settings.PARTNER_CENTER_REFRESH_TOKEN_FILE.trim());
  }
  return undefined;
}

/**
 * Builds both gateways over one token source (one cache, one refresh-token rotation for both audiences). For the
 * composition root; `fetch` and `sleep` are for tests.
 */
export function createMicrosoftGateways(
  settings: MicrosoftSettings,
  extras: { clock?: Clock; log?: GatewayLog; fetch?: typeof fetch } = {},
): MicrosoftGateways {
  const clock = extras.clock ?? systemClock;
  const tenantId = settings.PARTNER_TENANT_ID?.trim();
  const clientId = settings.PARTNER_CENTER_CLIENT_ID?.trim();
  const clientSecret = settings.PARTNER_CENTER_CLIENT_SECRET?.trim();
  const refreshTokens = refreshTokenStoreFor(settings);
  const acquire: TokenAcquirer =
    tenantId && clientId && clientSecret
      ? createMsalTokenAcquirer({
          authorityHost: settings.PARTNER_CENTER_AUTHORITY_HOST,
          tenantId,
          clientId,
          clientSecret,
          ...(refreshTokens ? { refreshTokens } : {}),
          ...(settings.PARTNER_CENTER_AUTHORITY_CA_FILE?.trim()
            ? { authorityCaFile: settings.PARTNER_CENTER_AUTHORITY_CA_FILE.trim() }
            : {}),
        })
      : () =>
          Promise.reject(
            new PartnerCenterError({
              kind: 'ConsentRequired',
              httpStatus: 0,
              message:
                'PARTNER_TENANT_ID, PARTNER_CENTER_CLIENT_ID and PARTNER_CENTER_CLIENT_SECRET are not all set',
              isRetryable: false,
            }),
          );
  const tokens = createCachedTokenSource({ acquire, clock });
  const common = {
    tokens,
    clock,
    ...(extras.log ? { log: extras.log } : {}),
    ...(extras.fetch ? { fetch: extras.fetch } : {}),
  };
  return {
    tokens,
    partnerCenter: createPartnerCenterGateway({
      ...common,
      endpoint: settings.PARTNER_CENTER_ENDPOINT,
      appOnlyWherePermitted: settings.PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED,
    }),
    azureResourceManager: createArmGateway({
      ...common,
      endpoint: settings.ARM_ENDPOINT,
      billingAccountId: settings.ARM_BILLING_ACCOUNT_ID?.trim() ?? '',
    }),
  };
}
