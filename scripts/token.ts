/**
 * Prints a bearer token that the locally started service accepts, signed with the committed development key
 * (scripts/local-auth). It goes through the same validation as production tokens: only the key set differs.
 *
 *   npm run token -- --roles SalesAgent,AdminAgent [--user alice] [--name "Alice Example"] [--expires-in 8h]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { applyLocalSettings } from '@azure-plan-local/functions-host';
import { importJWK, type JWK, SignJWT } from 'jose';

import { allRoles, roleSchema } from '../shared/domain/rules/roles';

// The same settings npm start reads (local.settings.json, else the sample; the environment wins).
applyLocalSettings(join(__dirname, '..'));

const { values } = parseArgs({
  options: {
    roles: { type: 'string', default: 'SalesAgent' },
    user: { type: 'string', default: 'local-developer' },
    name: { type: 'string' },
    'expires-in': { type: 'string', default: '8h' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    `Usage: npm run token -- --roles ${allRoles.join(',')} [--user ID] [--name NAME] [--expires-in 8h]`,
  );
  process.exit(0);
}

const roles = values.roles.split(',').map((role) => roleSchema.parse(role.trim()));
const jwk = JSON.parse(
  readFileSync(join(__dirname, 'local-auth', 'dev-signing-key.private.json'), 'utf8'),
) as JWK & { kid: string };
async function main(): Promise<void> {
  const key = await importJWK(jwk, 'RS256');

  const token = await new SignJWT({ roles, name: values.name ?? values.user, oid: values.user })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(process.env.AUTH_ISSUER ?? '')
    .setAudience(process.env.AUTH_AUDIENCE ?? '')
    .setSubject(values.user)
    .setIssuedAt()
    .setExpirationTime(values['expires-in'])
    .sign(key);

  console.log(token);
}

void main();
