import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { HttpRequest } from '@azure/functions';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;
import { beforeAll, describe, expect, it } from 'vitest';

import { createAuthenticator } from '../../../../shared/platform/http/authenticate';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const settings = {
  AUTH_ISSUER: 'https://login.local.test/azure-plan-dev/v2.0',
  AUTH_AUDIENCE: 'api://azure-plan-purchase',
  AUTH_JWKS_URI: `file:${join(repoRoot, 'scripts/local-auth/dev-jwks.json')}`,
  WEBSITE_AUTH_ENABLED: false,
};
const developmentKey = JSON.parse(
  readFileSync(join(repoRoot, 'scripts/local-auth/dev-signing-key.private.json'), 'utf8'),
) as JWK & { kid: string };

function aRequest(headers: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'GET', url: 'http://localhost/api/customers/c1', headers });
}

async function aToken(
  overrides: {
    issuer?: string;
    audience?: string;
    expiresIn?: string;
    key?: SigningKey;
    kid?: string;
  } = {},
  claims: Record<string, unknown> = { roles: ['SalesAgent', 'NotARole'], oid: 'user-1', name: 'Alice' },
): Promise<string> {
  const key = overrides.key ?? (await importJWK(developmentKey, 'RS256'));
  return new SignJWT(claims)
    .setProtectedHeader({
      alg: key instanceof Uint8Array ? 'HS256' : 'RS256',
      kid: overrides.kid ?? developmentKey.kid,
    })
    .setIssuer(overrides.issuer ?? settings.AUTH_ISSUER)
    .setAudience(overrides.audience ?? settings.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(overrides.expiresIn ?? '5m')
    .sign(key);
}

function clientPrincipal(roles: string[]): string {
  const principal = {
    auth_typ: 'aad',
    name_typ: 'name',
    role_typ: 'roles',
    claims: [
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'user-2' },
      { typ: 'name', val: 'Bob' },
      ...roles.map((role) => ({ typ: 'roles', val: role })),
    ],
  };
  return Buffer.from(JSON.stringify(principal)).toString('base64');
}

describe('authenticate', () => {
  const authenticate = createAuthenticator(settings);
  let otherKey: SigningKey;

  beforeAll(async () => {
    otherKey = (await generateKeyPair('RS256')).privateKey;
  });

  it('accepts a token signed with the configured key set and keeps only known roles', async () => {
    const caller = await authenticate(aRequest({ authorization: `Bearer ${await aToken()}` }));
    expect(caller).toEqual({ userId: 'user-1', name: 'Alice', roles: ['SalesAgent'], via: 'bearer' });
  });

  it.each([
    ['an expired token', () => aToken({ expiresIn: '-5m' })],
    ['a token for another audience', () => aToken({ audience: 'api://someone-else' })],
    ['a token from another issuer', () => aToken({ issuer: 'https://evil.example' })],
    ['a token signed with an unknown key', () => aToken({ key: otherKey })],
    ['a token with a forged signature', async () => `${(await aToken()).slice(0, -6)}AAAAAA`],
    [
      'an HS256 token keyed with the public key (algorithm confusion)',
      async () => {
        const publicJwk = (
          JSON.parse(readFileSync(join(repoRoot, 'scripts/local-auth/dev-jwks.json'), 'utf8')) as {
            keys: JWK[];
          }
        ).keys[0];
        return aToken({ key: new TextEncoder().encode(JSON.stringify(publicJwk)) });
      },
    ],
    [
      'an unsigned token (alg none)',
      () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return Promise.resolve(
          `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: settings.AUTH_ISSUER, aud: settings.AUTH_AUDIENCE, exp: now + 300, oid: 'x', roles: ['GlobalAdmin'] })}.`,
        );
      },
    ],
    ['garbage', () => Promise.resolve('not-a-jwt')],
  ])('refuses %s with Unauthenticated', async (_name, token) => {
    await expect(authenticate(aRequest({ authorization: `Bearer ${await token()}` }))).rejects.toMatchObject({
      code: 'Unauthenticated',
    });
  });

  it('refuses a request without credentials', async () => {
    await expect(authenticate(aRequest({}))).rejects.toMatchObject({ code: 'Unauthenticated' });
  });

  it('ignores App Service principal headers unless the platform validated them', async () => {
    const request = aRequest({ 'x-ms-client-principal': clientPrincipal(['GlobalAdmin']) });
    await expect(authenticate(request)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });

  it('trusts App Service principal headers when WEBSITE_AUTH_ENABLED is true', async () => {
    const behindAppService = createAuthenticator({ ...settings, WEBSITE_AUTH_ENABLED: true });
    const caller = await behindAppService(
      aRequest({ 'x-ms-client-principal': clientPrincipal(['AdminAgent']) }),
    );
    expect(caller).toEqual({
      userId: 'user-2',
      name: 'Bob',
      roles: ['AdminAgent'],
      via: 'appServiceAuthentication',
    });
  });
});
