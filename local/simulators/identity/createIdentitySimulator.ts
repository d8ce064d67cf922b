import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import path from 'node:path';

import { type Journal, openJournal } from '@azure-plan-local/stores';
import { importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

import {
  closeServer,
  createCallCounter,
  listenOnLoopback,
  parseJsonBody,
  readRequestBody,
  sendJson,
  type SimulatorClock,
} from '../simulatorHttp';
import { createConsentStore, type IdentityRecord, identityRecordSchema } from './consentStore';
import { type EntraError, entraErrorBody, entraErrors } from './entraError';

/**
 * # The Entra ID stand-in (identity simulator)
 *
 * Serves, over HTTPS with the committed development certificate (`dev-tls/`), what MSAL and the two simulated
 * Microsoft APIs need from Entra ID: OIDC discovery, JWKS, the v2 and v1 token endpoints (client credentials;
 * refresh token with rotation), and `/_sim` controls. Access tokens are v1-style RS256 JWTs (`aud`, `iss`, `tid`,
 * `appid`, `exp`; App+User adds `oid`, `upn`, `scp: "user_impersonation"`, `amr`), which the Partner Center and
 * ARM simulators check in process with {@link IdentitySimulator.verifyAccessToken}.
 *
 * ## How the gateway configures `@azure/msal-node` (5.x) for it
 * - `auth.authority = "<PARTNER_CENTER_AUTHORITY_HOST>/<PARTNER_TENANT_ID>"`, e.g. `https://127.0.0.1:<port>/<tenant>`.
 * - `auth.knownAuthorities = [new URL(authorityHost).host]` (`"127.0.0.1:<port>"`): MSAL then skips the instance
 *   discovery call to login.microsoftonline.com and reads `<authority>/v2.0/.well-known/openid-configuration` from
 *   the simulator (whose `issuer` is on the same host, as MSAL's issuer check requires). Harmless in production,
 *   where the host is `login.microsoftonline.com`.
 * - Trust: msal-node 5 dropped `system.customAgentOptions` and sends with the global `fetch`, so the only way to
 *   trust the development CA without touching the process (no `NODE_TLS_REJECT_UNAUTHORIZED`, no
 *   `NODE_EXTRA_CA_CERTS`) is `system.networkClient`: an `INetworkModule` (`sendGetRequestAsync`,
 *   `sendPostRequestAsync` → `{ headers, body: parsed JSON, status }`) built on `node:https` with
 *   `ca: readFileSync(PARTNER_CENTER_AUTHORITY_CA_FILE)`. Only when that setting is present; production keeps MSAL's
 *   default client. `local/simulators/test/support/caTrustingNetworkClient.ts` is a working one to copy into the gateway.
 * - App-only: `acquireTokenByClientCredential({ scopes: ["https://api.partnercenter.microsoft.com/.default"] })`.
 * - App+User: `acquireTokenByRefreshToken({ refreshToken, scopes: ["https://api.partnercenter.microsoft.com/.default"],
 *   forceCache: true })` (or `/user_impersonation`). MSAL does not return the rotated refresh token: it is in its
 *   token cache (`getTokenCache().serialize()` → `RefreshToken` entries, field `secret`), and only with
 *   `forceCache: true` (without it MSAL drops tokens of an account it has not cached before, the new refresh token
 *   included). Or call the token endpoint directly.
 *   Every redemption rotates it: store the new one, the old one dies after the grace window (see consentStore.ts).
 * - Errors: `InteractionRequiredAuthError`/`ServerError` with `errorCode` `invalid_grant` and `errorMessage`
 *   starting `AADSTS65001` (consent revoked), `AADSTS700082` (inactive 90 days), `AADSTS70000` (already rotated),
 *   `AADSTS50076` (MFA required, when `requireMfa`): all mean "an operator must consent again", never retry.
 */
export interface IdentitySimulatorOptions {
  /** The partner's tenant, the only one the simulator knows. */
  tenantId: string;
  /** Confidential clients allowed to ask for tokens (the gateway's app registration). */
  clients: { clientId: string; clientSecret: string }[];
  /** APIs tokens can be asked for; the audience is the resource without a trailing slash. */
  resources: string[];
  accessTokenLifetimeSeconds: number;
  /** Entra's refresh tokens die after 90 days without use (AADSTS700082). */
  refreshTokenInactivityDays: number;
  /** How long a redeemed refresh token still works after its successor was issued. */
  rotationGraceSeconds: number;
  /** Conditional access that refuses tokens from a consent made without MFA (AADSTS50076). */
  requireMfa: boolean;
}

export const defaultIdentitySimulatorOptions: IdentitySimulatorOptions = {
  tenantId: '7c4b2a8e-5d1f-4e3a-9b6c-0f2d8e1a3b5c',
  clients: [
    { clientId: 'a1f0c5d2-3b4e-4f6a-8c9d-0e1f2a3b4c5d', clientSecret: 'local-simulator-client-secret' },
  ],
  resources: ['https://api.partnercenter.microsoft.com', 'https://management.azure.com'],
  accessTokenLifetimeSeconds: 3600,
  refreshTokenInactivityDays: 90,
  rotationGraceSeconds: 60,
  requireMfa: false,
};

/** The claims the simulated APIs rely on. */
// A type, not an interface: it must fit verifiers typed with `Record<string, unknown>` claims.
export type AccessTokenClaims = {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  oid: string;
  sub: string;
  iat: number;
  exp: number;
  /** `app` for client credentials, `user` for App+User (secure application model) tokens. */
  idtyp: 'app' | 'user';
  upn?: string;
  scp?: string;
  amr?: string[];
};

export type VerifyAccessTokenResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired'; message: string };

export type VerifyAccessToken = (
  token: string,
  options: { audience: string | readonly string[] },
) => Promise<VerifyAccessTokenResult>;

export interface IdentitySimulator {
  /** `https://127.0.0.1:<port>` once started. */
  readonly url: string;
  /** `url/<tenant>`: what MSAL takes as `auth.authority`. */
  readonly authority: string;
  readonly tenantId: string;
  readonly clients: readonly { clientId: string; clientSecret: string }[];
  /** PEM file of the development certificate, to trust explicitly (`PARTNER_CENTER_AUTHORITY_CA_FILE`). */
  readonly caFile: string;
  readonly verifyAccessToken: VerifyAccessToken;
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly controls: IdentityControls;
  start(options?: { port?: number }): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export interface IdentityControls {
  /** A fresh refresh token from a new consent, as the one-time interactive consent would give. */
  issueRefreshToken(user?: { upn?: string; name?: string; oid?: string; mfa?: boolean; clientId?: string }): {
    refreshToken: string;
    oid: string;
    upn: string;
    mfa: boolean;
  };
  /** Whether the identity simulator would accept this refresh token now (it is not redeemed by asking). */
  isRefreshTokenUsable(refreshToken: string): boolean;
  /** Revokes every consent: every refresh token now answers `invalid_grant` AADSTS65001. */
  revokeConsent(): void;
  /** Access tokens issued so far fail verification as expired. */
  expireAccessTokens(): void;
  /** The next `count` token requests answer `status` (an Entra outage), without issuing anything. */
  failTokenRequests(count: number, status?: number): void;
  stats(): { calls: Record<string, number>; tokensIssued: { app: number; user: number } };
  resetStats(): void;
}

const devTlsDirectory = path.join(__dirname, 'dev-tls');
export const identityCaFile = path.join(devTlsDirectory, 'dev-tls.cert.pem');
const signingKeyFile = path.join(__dirname, 'dev-signing-key.private.json');

const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

const issueRefreshTokenBody = z
  .object({
    upn: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    oid: z.uuid().optional(),
    mfa: z.boolean().optional(),
    clientId: z.string().min(1).optional(),
  })
  .strict();

const tokenFaultBody = z
  .object({ count: z.number().int().min(1), status: z.number().int().min(500).max(599).default(503) })
  .strict();

export function createIdentitySimulator(
  settings: {
    clock?: SimulatorClock;
    /** Directory for the journal; without one the state lives in memory only. */
    stateDirectory?: string;
    options?: Partial<IdentitySimulatorOptions>;
  } = {},
): IdentitySimulator {
  const clock = settings.clock ?? (() => new Date());
  const options = { ...defaultIdentitySimulatorOptions, ...settings.options };
  const tenantId = options.tenantId;
  const journal: Journal<IdentityRecord> | undefined = settings.stateDirectory
    ? openJournal(path.join(settings.stateDirectory, 'identity.jsonl'), {
        parse: (v) => identityRecordSchema.parse(v),
      })
    : undefined;
  const consents = createConsentStore({
    rotationGraceMs: options.rotationGraceSeconds * 1000,
    refreshTokenInactivityMs: options.refreshTokenInactivityDays * 86_400_000,
    journal,
  });
  const calls = createCallCounter();
  let tokensIssued = { app: 0, user: 0 };
  let tokenFaults: { count: number; status: number } = { count: 0, status: 503 };

  const signingJwk = JSON.parse(readFileSync(signingKeyFile, 'utf8')) as JWK & { kid: string };
  const signingKey = importJWK(signingJwk, 'RS256');
  // The public half is the private JWK's modulus and exponent.
  const publicJwk = {
    kty: signingJwk.kty,
    use: 'sig',
    kid: signingJwk.kid,
    n: signingJwk.n,
    e: signingJwk.e,
    alg: 'RS256',
  };
  const verificationKey = importJWK(publicJwk, 'RS256');

  let baseUrl = '';
  const server = createServer(
    { key: readFileSync(path.join(devTlsDirectory, 'dev-tls.key.pem')), cert: readFileSync(identityCaFile) },
    (request, response) => handler(request, response),
  );

  const accessTokenIssuer = () => `${baseUrl}/${tenantId}/`;
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  function knownTenant(tenant: string): boolean {
    return (
      tenant.toLowerCase() === tenantId.toLowerCase() || tenant === 'organizations' || tenant === 'common'
    );
  }

  function discoveryDocument(tenant: string, version: 'v1' | 'v2') {
    const tenantBase = `${baseUrl}/${tenant}`;
    const v = version === 'v2' ? '/v2.0' : '';
    return {
      token_endpoint: `${tenantBase}/oauth2${v}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${tenantBase}/discovery${v}/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: version === 'v2' ? `${baseUrl}/${tenantId}/v2.0` : `${baseUrl}/${tenantId}/`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${tenantBase}/oauth2${v}/authorize`,
      device_authorization_endpoint: `${tenantBase}/oauth2${v}/devicecode`,
      end_session_endpoint: `${tenantBase}/oauth2${v}/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'nbf',
        'name',
        'oid',
        'tid',
        'preferred_username',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'simulator.local',
    };
  }

  function instanceDiscovery() {
    const host = new URL(baseUrl).host;
    return {
      tenant_discovery_endpoint: `${baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  }

  /** The one API a request names, through v2 `scope` or v1 `resource`; audience is the canonical resource. */
  function requestedResource(
    form: URLSearchParams,
    endpoint: 'v1' | 'v2',
    grantType: string,
  ): { resource: string; defaultScope: boolean; scopes: string[] } | EntraError {
    if (endpoint === 'v1') {
      const resource = form.get('resource');
      if (!resource) return entraErrors.missingParameter('resource');
      const canonical = resource.replace(/\/+$/, '');
      if (!options.resources.includes(canonical)) return entraErrors.unknownResource(resource, tenantId);
      return { resource: canonical, defaultScope: true, scopes: [] };
    }
    const scope = form.get('scope');
    if (!scope) return entraErrors.missingParameter('scope');
    const scopes = scope.split(/\s+/).filter(Boolean);
    const apiScopes = scopes.filter((s) => !oidcScopes.has(s));
    const resources = new Set(apiScopes.map((s) => s.replace(/\/[^/]*$/, '')));
    if (resources.size > 1) return entraErrors.moreThanOneResource();
    const [apiScope] = apiScopes;
    if (apiScope === undefined) return entraErrors.noResource();
    const resource = apiScope.replace(/\/[^/]*$/, '');
    if (!options.resources.includes(resource)) return entraErrors.unknownResource(resource, tenantId);
    const defaultScope = apiScopes.every((s) => s.endsWith('/.default'));
    if (grantType === 'client_credentials' && !defaultScope) {
      return entraErrors.clientCredentialsNeedDefaultScope(scope);
    }
    return { resource, defaultScope, scopes };
  }

  function authenticateClient(
    form: URLSearchParams,
    request: IncomingMessage,
    tenant: string,
  ): { clientId: string } | EntraError {
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, pass] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId ??= decodeURIComponent(id ?? '');
      secret ??= decodeURIComponent(pass ?? '');
    }
    if (!clientId) return entraErrors.missingParameter('client_id');
    const client = options.clients.find((c) => c.clientId === clientId);
    if (!client) return entraErrors.unknownClient(clientId, tenant);
    if (!secret) return entraErrors.missingClientSecret();
    if (secret !== client.clientSecret) return entraErrors.invalidClientSecret(clientId);
    return { clientId };
  }

  async function sign(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string> {
    const iat = nowSeconds();
    return new SignJWT({ ...claims, iat, nbf: iat, exp: iat + lifetimeSeconds })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingJwk.kid })
      .sign(await signingKey);
  }

  /** A service principal's object id: stable per client, as in a real tenant. */
  function servicePrincipalId(clientId: string): string {
    const hex = createHash('sha256').update(`sp:${tenantId}:${clientId}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  async function tokenEndpoint(
    request: IncomingMessage,
    response: ServerResponse,
    tenant: string,
    endpoint: 'v1' | 'v2',
  ): Promise<void> {
    const now = clock();
    const refuse = (refusal: EntraError) =>
      sendJson(response, refusal.status, entraErrorBody(refusal, now), {
        'cache-control': 'no-store, no-cache',
      });
    if (tokenFaults.count > 0) {
      tokenFaults.count--;
      return sendJson(response, tokenFaults.status, {
        error: 'temporarily_unavailable',
        error_description: 'AADSTS90033: A transient error has occurred. Please try again. (simulator fault)',
        error_codes: [90033],
      });
    }
    if (!knownTenant(tenant)) return refuse(entraErrors.tenantNotFound(tenant));
    const form = new URLSearchParams(await readRequestBody(request));
    const grantType = form.get('grant_type');
    if (!grantType) return refuse(entraErrors.missingParameter('grant_type'));
    if (grantType !== 'client_credentials' && grantType !== 'refresh_token') {
      return refuse(entraErrors.unsupportedGrantType(grantType));
    }
    const client = authenticateClient(form, request, tenant);
    if ('error' in client) return refuse(client);
    const target = requestedResource(form, endpoint, grantType);
    if ('error' in target) return refuse(target);

    const lifetime = options.accessTokenLifetimeSeconds;
    const common = {
      aud: target.resource,
      iss: accessTokenIssuer(),
      tid: tenantId,
      appid: client.clientId,
      appidacr: '1',
      ver: '1.0',
      uti: randomUUID(),
      // Which `/_sim/expire-access-tokens` generation the token belongs to (see verifyAccessToken).
      xms_sim_gen: consents.accessTokenGeneration,
    };

    let accessToken: string;
    let refreshToken: string | undefined;
    let idToken: string | undefined;
    let clientInfo: string | undefined;
    if (grantType === 'client_credentials') {
      const oid = servicePrincipalId(client.clientId);
      accessToken = await sign({ ...common, oid, sub: oid, idtyp: 'app' }, lifetime);
      tokensIssued.app++;
    } else {
      const presented = form.get('refresh_token');
      if (!presented) return refuse(entraErrors.missingParameter('refresh_token'));
      const redeemed = consents.redeem(presented, client.clientId, now.getTime());
      if (!redeemed.ok) {
        const refusals = {
          unknown: entraErrors.malformedRefreshToken(),
          replaced: entraErrors.refreshTokenReplaced(),
          inactive: entraErrors.refreshTokenInactive(options.refreshTokenInactivityDays),
          revoked: entraErrors.consentRevoked(client.clientId),
          'other-client': entraErrors.refreshTokenOfAnotherClient(client.clientId),
        };
        return refuse(refusals[redeemed.why]);
      }
      const { consent } = redeemed;
      if (options.requireMfa && !consent.mfa) return refuse(entraErrors.mfaRequired(target.resource));
      refreshToken = redeemed.successor;
      const user = { oid: consent.oid, sub: consent.oid, upn: consent.upn, unique_name: consent.upn };
      accessToken = await sign(
        {
          ...common,
          ...user,
          name: consent.name,
          idtyp: 'user',
          scp: 'user_impersonation',
          amr: consent.mfa ? ['pwd', 'mfa'] : ['pwd'],
          acr: '1',
        },
        lifetime,
      );
      tokensIssued.user++;
      if (endpoint === 'v1' || target.scopes.includes('openid')) {
        idToken = await sign(
          {
            aud: client.clientId,
            iss: `${baseUrl}/${tenantId}/v2.0`,
            tid: tenantId,
            oid: consent.oid,
            sub: consent.oid,
            preferred_username: consent.upn,
            name: consent.name,
            ver: '2.0',
          },
          lifetime,
        );
      }
      if (form.get('client_info') === '1') {
        clientInfo = Buffer.from(JSON.stringify({ uid: consent.oid, utid: tenantId })).toString('base64url');
      }
    }

    const isUser = grantType === 'refresh_token';
    const issuedAt = nowSeconds();
    const body =
      endpoint === 'v2'
        ? {
            token_type: 'Bearer',
            scope: isUser
              ? [
                  `${target.resource}/user_impersonation`,
                  ...target.scopes.filter((s) => oidcScopes.has(s)),
                ].join(' ')
              : `${target.resource}/.default`,
            expires_in: lifetime,
            ext_expires_in: lifetime,
            access_token: accessToken,
            ...(refreshToken ? { refresh_token: refreshToken } : {}),
            ...(idToken ? { id_token: idToken } : {}),
            ...(clientInfo ? { client_info: clientInfo } : {}),
          }
        : {
            // v1 sends every number as a string, as the docs' verbatim responses show.
            token_type: 'Bearer',
            ...(isUser ? { scope: 'user_impersonation' } : {}),
            expires_in: String(lifetime),
            ext_expires_in: String(lifetime),
            expires_on: String(issuedAt + lifetime),
            not_before: String(issuedAt),
            resource: target.resource,
            access_token: accessToken,
            ...(refreshToken ? { refresh_token: refreshToken } : {}),
            ...(idToken ? { id_token: idToken } : {}),
          };
    sendJson(response, 200, body, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
  }

  const verifyAccessToken: VerifyAccessToken = async (token, { audience }) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await verificationKey, {
        algorithms: ['RS256'],
        currentDate: clock(),
        clockTolerance: 0,
      }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_EXPIRED')
        return { ok: false, reason: 'expired', message: 'the token has expired' };
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        return {
          ok: false,
          reason: 'signature',
          message: 'the token was not signed by the identity simulator',
        };
      }
      return { ok: false, reason: 'malformed', message: (error as Error).message };
    }
    const parsed = accessTokenPayload.safeParse(payload);
    if (!parsed.success) return { ok: false, reason: 'malformed', message: parsed.error.message };
    const claims = parsed.data;
    if (claims.iss !== accessTokenIssuer() || claims.tid !== tenantId) {
      return {
        ok: false,
        reason: 'issuer',
        message: `the token's issuer '${claims.iss}' is not this tenant`,
      };
    }
    const audiences = typeof audience === 'string' ? [audience] : audience;
    if (!audiences.includes(claims.aud)) {
      return {
        ok: false,
        reason: 'audience',
        message: `the audience '${claims.aud}' in the token is invalid`,
      };
    }
    if (claims.xms_sim_gen < consents.accessTokenGeneration) {
      return {
        ok: false,
        reason: 'expired',
        message: 'the token has expired (expired by the simulator control)',
      };
    }
    const { xms_sim_gen: _generation, ...rest } = claims;
    return { ok: true, claims: rest };
  };

  const controls: IdentityControls = {
    issueRefreshToken(user = {}) {
      const clientId = user.clientId ?? (options.clients[0] as { clientId: string }).clientId;
      const upn = user.upn ?? 'adminagent@partner.simulator.local';
      const { refreshToken, consent } = consents.consent(
        { clientId, oid: user.oid, upn, name: user.name ?? 'Admin Agent', mfa: user.mfa ?? true },
        clock().getTime(),
      );
      return { refreshToken, oid: consent.oid, upn: consent.upn, mfa: consent.mfa };
    },
    isRefreshTokenUsable(refreshToken) {
      return consents.check(refreshToken, undefined, clock().getTime()).ok;
    },
    revokeConsent() {
      consents.revokeAll(clock().getTime());
    },
    expireAccessTokens() {
      consents.expireAccessTokens(clock().getTime());
    },
    failTokenRequests(count, status = 503) {
      tokenFaults = { count, status };
    },
    stats() {
      return { calls: calls.snapshot(), tokensIssued: { ...tokensIssued } };
    },
    resetStats() {
      calls.reset();
      tokensIssued = { app: 0, user: 0 };
    },
  };

  async function control(request: IncomingMessage, response: ServerResponse, route: string): Promise<void> {
    if (route === 'POST /_sim/refresh-tokens') {
      const body = parseJsonBody(await readRequestBody(request)) ?? {};
      const parsed = issueRefreshTokenBody.safeParse(body);
      if (!parsed.success) {
        return sendJson(response, 400, { error: 'invalid_request', error_description: parsed.error.message });
      }
      return sendJson(response, 201, controls.issueRefreshToken(parsed.data));
    }
    if (route === 'POST /_sim/revoke') {
      controls.revokeConsent();
      return sendJson(response, 200, { revoked: true });
    }
    if (route === 'POST /_sim/expire-access-tokens') {
      controls.expireAccessTokens();
      return sendJson(response, 200, { expired: true });
    }
    if (route === 'POST /_sim/faults') {
      const parsed = tokenFaultBody.safeParse(parseJsonBody(await readRequestBody(request)) ?? {});
      if (!parsed.success) {
        return sendJson(response, 400, { error: 'invalid_request', error_description: parsed.error.message });
      }
      controls.failTokenRequests(parsed.data.count, parsed.data.status);
      return sendJson(response, 200, parsed.data);
    }
    if (route === 'GET /_sim/stats') return sendJson(response, 200, controls.stats());
    if (route === 'DELETE /_sim/stats') {
      controls.resetStats();
      return sendJson(response, 200, controls.stats());
    }
    sendJson(response, 404, { error: 'not_found', error_description: `no simulator control ${route}` });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const { pathname } = new URL(request.url ?? '/', 'https://localhost');
    if (pathname.startsWith('/_sim/')) {
      calls.count(`${method} ${pathname}`);
      return control(request, response, `${method} ${pathname}`);
    }
    const [tenant = '', ...rest] = pathname.split('/').filter(Boolean);
    const tail = rest.join('/');
    const routes: Record<string, () => Promise<void> | void> = {
      'GET discovery/instance': () => sendJson(response, 200, instanceDiscovery()),
      'GET v2.0/.well-known/openid-configuration': () =>
        sendJson(response, 200, discoveryDocument(tenant, 'v2')),
      'GET .well-known/openid-configuration': () => sendJson(response, 200, discoveryDocument(tenant, 'v1')),
      'GET discovery/v2.0/keys': () => sendJson(response, 200, { keys: [publicJwk] }),
      'GET discovery/keys': () => sendJson(response, 200, { keys: [publicJwk] }),
      'POST oauth2/v2.0/token': () => tokenEndpoint(request, response, tenant, 'v2'),
      'POST oauth2/token': () => tokenEndpoint(request, response, tenant, 'v1'),
    };
    const key = `${method} ${tail}`;
    const action = routes[key];
    calls.count(action ? `${method} /{tenant}/${tail}` : 'unmatched');
    if (!action) {
      return sendJson(response, 404, { error: 'not_found', error_description: `${method} ${pathname}` });
    }
    if (!key.startsWith('GET discovery/instance') && !key.includes('token') && !knownTenant(tenant)) {
      return sendJson(response, 400, entraErrorBody(entraErrors.tenantNotFound(tenant), clock()));
    }
    await action();
  }

  function handler(request: IncomingMessage, response: ServerResponse): void {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendJson(response, 500, { error: 'server_error', error_description: String(error) });
      } else {
        response.destroy();
      }
    });
  }

  return {
    get url() {
      return baseUrl;
    },
    get authority() {
      return `${baseUrl}/${tenantId}`;
    },
    tenantId,
    clients: options.clients,
    caFile: identityCaFile,
    verifyAccessToken,
    handler,
    controls,
    async start({ port } = {}) {
      const bound = await listenOnLoopback(server, port);
      baseUrl = `https://127.0.0.1:${bound}`;
      return { url: baseUrl };
    },
    async stop() {
      await closeServer(server);
      if (journal) {
        journal.rewrite(consents.snapshot(clock().getTime()));
        journal.close();
      }
    },
  };
}

const accessTokenPayload = z.object({
  aud: z.string(),
  iss: z.string(),
  tid: z.string(),
  appid: z.string(),
  oid: z.string(),
  sub: z.string(),
  iat: z.number(),
  exp: z.number(),
  idtyp: z.enum(['app', 'user']),
  upn: z.string().optional(),
  scp: z.string().optional(),
  amr: z.array(z.string()).optional(),
  xms_sim_gen: z.number().int(),
});
