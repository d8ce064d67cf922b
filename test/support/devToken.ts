import { readFileSync } from 'node:fs';
import path from 'node:path';

import { importJWK, type JWK, SignJWT } from 'jose';

import { type Role } from '../../shared/domain/rules/roles';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** The local settings every test runs the app with (`local.settings.sample.json`). */
export const sampleSettings = (
  JSON.parse(readFileSync(path.join(repositoryRoot, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

const jwk = JSON.parse(
  readFileSync(path.join(repositoryRoot, 'scripts', 'local-auth', 'dev-signing-key.private.json'), 'utf8'),
) as JWK & { kid: string };

/** A bearer token the app accepts, signed with the development key (as `npm run token`). */
export async function devToken(roles: Role[], userId = 'test-user'): Promise<string> {
  const key = await importJWK(jwk, 'RS256');
  return new SignJWT({ roles, name: userId, oid: userId })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(process.env.AUTH_ISSUER ?? sampleSettings.AUTH_ISSUER ?? '')
    .setAudience(process.env.AUTH_AUDIENCE ?? sampleSettings.AUTH_AUDIENCE ?? '')
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}
