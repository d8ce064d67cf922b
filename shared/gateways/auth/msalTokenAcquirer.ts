import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';

import type {
  ConfidentialClientApplication,
  Configuration,
  INetworkModule,
  NetworkRequestOptions,
  NetworkResponse,
} from '@azure/msal-node';

import { tokenFailure } from '../partnerCenter/partnerCenterError';
import {
  type AccessTokenRequest,
  type AcquiredToken,
  createSerialQueue,
  type TokenAcquirer,
} from './accessTokens';
import { type RefreshTokenStore } from './refreshTokenStore';

export interface MsalTokenAcquirerOptions {
  /** `https://login.microsoftonline.com`, or the identity simulator's `https://127.0.0.1:<port>` locally. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** App+User: the refresh token of the one-time consent. Without it only app-only tokens can be had. */
  refreshTokens?: RefreshTokenStore;
  /** PEM of a CA to trust for the authority (the identity simulator's development CA). Never disables checks. */
  authorityCaFile?: string;
}

/**
 * Gets tokens from Entra ID (or the identity simulator) with MSAL. App-only: client credentials. App+User: the
 * stored refresh token is exchanged (MSAL's `acquireTokenByRefreshToken`), and the rotated refresh token, which
 * MSAL keeps only in its token cache, is read from a fresh cache and written back to the store. App+User exchanges
 * run one at a time because each spends the stored token.
 */
export function createMsalTokenAcquirer(options: MsalTokenAcquirerOptions): TokenAcquirer {
  const serially = createSerialQueue();
  const networkClient = options.authorityCaFile
    ? networkClientTrusting(readFileSync(options.authorityCaFile, 'utf8'))
    : undefined;
  const configuration: Configuration = {
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${options.authorityHost.replace(/\/+$/, '')}/${options.tenantId}`,
      // Skips instance discovery (a Microsoft cloud call) so that the simulator's host is accepted as is.
      knownAuthorities: [new URL(options.authorityHost).host],
    },
    ...(networkClient ? { system: { networkClient } } : {}),
  };
  const newApplication = async (): Promise<ConfidentialClientApplication> => {
    const { ConfidentialClientApplication } = await import('@azure/msal-node');
    return new ConfidentialClientApplication(configuration);
  };
  const appOnlyApplication = newApplication();

  const appOnly = async (request: AccessTokenRequest): Promise<AcquiredToken> => {
    const result = await (
      await appOnlyApplication
    ).acquireTokenByClientCredential({
      scopes: [request.scope],
      skipCache: true, // the gateway caches; MSAL's cache would hide `invalidate` after a 401
    });
    return asAcquired(result);
  };

  const appUser = (request: AccessTokenRequest): Promise<AcquiredToken> =>
    serially(async () => {
      const store = options.refreshTokens;
      if (!store) throw new Error('consent_required: no refresh token store is configured (AADSTS65001)');
      const refreshToken = await store.read();
      // A fresh application per exchange: its cache then holds exactly the rotated refresh token.
      const application = await newApplication();
      const result = await application.acquireTokenByRefreshToken({
        scopes: [request.scope],
        refreshToken,
        forceCache: true,
      });
      const rotated = refreshTokenInCache(application.getTokenCache().serialize());
      if (rotated && rotated !== refreshToken) await store.write(rotated);
      return asAcquired(result);
    });

  return async (request) => {
    try {
      return request.kind === 'appOnly' ? await appOnly(request) : await appUser(request);
    } catch (error) {
      if ((error as { name?: unknown }).name === 'AppError') throw error;
      throw tokenFailure(error);
    }
  };
}

function asAcquired(result: { accessToken: string; expiresOn: Date | null } | null): AcquiredToken {
  if (!result?.accessToken) throw new Error('token endpoint returned no access token');
  return {
    accessToken: result.accessToken,
    expiresOn: result.expiresOn ?? new Date(Date.now() + 5 * 60_000),
  };
}

/** The refresh token in a serialized MSAL cache (its documented JSON: `RefreshToken: { <key>: { secret } }`). */
export function refreshTokenInCache(serializedCache: string): string | undefined {
  const cache = JSON.parse(serializedCache) as { RefreshToken?: Record<string, { secret?: unknown }> };
  const entry = Object.values(cache.RefreshToken ?? {})[0];
  return typeof entry?.secret === 'string' ? entry.secret : undefined;
}

/**
 * MSAL's network client with one extra trusted CA. msal-node 5 calls the global `fetch`, which cannot be given a
 * CA without undici; node:https can, per request, leaving every other connection's trust untouched.
 */
function networkClientTrusting(ca: string): INetworkModule {
  const send = <T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions, timeout?: number) =>
    new Promise<NetworkResponse<T>>((resolve, reject) => {
      const body = method === 'POST' ? (options?.body ?? '') : undefined;
      const request = httpsRequest(
        url,
        {
          method,
          ca,
          headers: {
            ...options?.headers,
            ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body).toString() }),
          },
          ...(timeout ? { timeout } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              const text = Buffer.concat(chunks).toString('utf8');
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(response.headers)) {
                if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
              }
              resolve({
                headers,
                body: (text ? JSON.parse(text) : {}) as T,
                status: response.statusCode ?? 0,
              });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('Request timeout')));
      request.on('error', reject);
      request.end(body);
    });
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, 'GET', options, timeout),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}
