import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';

import { PartnerCenterError } from '../partnerCenter/partnerCenterError';

/**
 * Where the App+User refresh token lives. Microsoft rotates it on every use (each exchange returns a new one with
 * a fresh 90-day lifetime), so the gateway reads the latest before each exchange and writes the new one back.
 */
export interface RefreshTokenStore {
  /** The latest refresh token; `ConsentRequired` when there is none (the one-time consent was never done). */
  read(): Promise<string>;
  write(refreshToken: string): Promise<void>;
  /** Where it lives, for operator messages (never the token itself). */
  readonly description: string;
}

function missingToken(where: string): PartnerCenterError {
  return new PartnerCenterError({
    kind: 'ConsentRequired',
    httpStatus: 0,
    message: `no App+User refresh token in ${where}; do the one-time consent (docs/partner-center.md "Going live with Partner Center")`,
    isRetryable: false,
  });
}

/**
 * Key Vault answered 401/403: the Function App's identity lacks the permission. That is an operator's fix (a role
 * assignment or an access policy), not an outage: retrying cannot help and would only hide it, so it is
 * `ConsentRequired` like a revoked consent (never retried), and its message — which health shows — says which
 * vault, which secret and which permission.
 */
function keyVaultForbidden(where: string, operation: 'get' | 'set', status: number): PartnerCenterError {
  return new PartnerCenterError({
    kind: 'ConsentRequired',
    httpStatus: 0,
    errorName: 'KeyVaultForbidden',
    message: `${where}: Key Vault refused to ${operation} the refresh token (HTTP ${status}); give the Function App's managed identity the "Key Vault Secrets Officer" role on the vault (or get and set secret permissions)`,
    isRetryable: false,
  });
}

const statusOf = (error: unknown): unknown => (error as { statusCode?: unknown } | null)?.statusCode;

/** The two calls of `@azure/keyvault-secrets`' `SecretClient` the store makes. */
export interface SecretClientLike {
  getSecret(name: string): Promise<{ value?: string }>;
  setSecret(name: string, value: string, options?: { contentType?: string }): Promise<unknown>;
}

/** Local development: a file holding the token (written by `npm start` from the identity simulator). */
export function createFileRefreshTokenStore(path: string): RefreshTokenStore {
  return {
    description: `file ${path}`,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingToken(`file ${path}`);
        throw error;
      }
      const token = text.trim();
      if (!token) throw missingToken(`file ${path}`);
      return token;
    },
    async write(refreshToken) {
      // Write then rename: a crash mid-write must not leave half a token (the old one would be lost too).
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, `${refreshToken}\n`, { encoding: 'utf8', mode: 0o600 });
      await rename(temporary, path);
    },
  };
}

/**
 * Azure: a Key Vault secret, read and written with the Function App's managed identity (it needs the "Key Vault
 * Secrets Officer" role on the vault, or get+set secret permissions). Every write is a new secret version, so a
 * token overwritten by mistake can be recovered from the previous version.
 */
export function createKeyVaultRefreshTokenStore(options: {
  vaultUrl: string;
  secretName: string;
  /** Client id of a user-assigned managed identity; the system-assigned one when absent. */
  managedIdentityClientId?: string;
  /** Tests: a stand-in for the SDK's `SecretClient`. */
  client?: SecretClientLike;
}): RefreshTokenStore {
  // Imported on first use: the SDKs are not needed on the cold-start path.
  const client: Promise<SecretClientLike> = options.client
    ? Promise.resolve(options.client)
    : (async () => {
        const [{ SecretClient }, { DefaultAzureCredential, ManagedIdentityCredential }] = await Promise.all([
          import('@azure/keyvault-secrets'),
          import('@azure/identity'),
        ]);
        const credential = options.managedIdentityClientId
          ? new ManagedIdentityCredential({ clientId: options.managedIdentityClientId })
          : new DefaultAzureCredential();
        return new SecretClient(options.vaultUrl, credential);
      })();
  const where = `Key Vault ${options.vaultUrl} secret ${options.secretName}`;
  return {
    description: where,
    async read() {
      try {
        const secret = await (await client).getSecret(options.secretName);
        if (!secret.value?.trim()) throw missingToken(where);
        return secret.value.trim();
      } catch (error) {
        if (error instanceof PartnerCenterError) throw error;
        const status = statusOf(error);
        if (status === 404) throw missingToken(where);
        if (status === 401 || status === 403) throw keyVaultForbidden(where, 'get', status);
        throw error;
      }
    },
    async write(refreshToken) {
      try {
        await (await client).setSecret(options.secretName, refreshToken, { contentType: 'refresh-token' });
      } catch (error) {
        const status = statusOf(error);
        if (status === 401 || status === 403) throw keyVaultForbidden(where, 'set', status);
        throw error;
      }
    },
  };
}
