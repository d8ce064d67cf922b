import { readFileSync } from 'node:fs';

import { type HttpRequest } from '@azure/functions';
import type * as JoseModule from 'jose';
import { type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

import { AppError } from '../../domain/errors';
import { type Caller, type Role, roleSchema } from '../../domain/rules/roles';
import { type AppConfig } from '../config';

/**
 * Only RS256: the algorithm Entra ID signs with. Pinning it rules out `none` and HS/RS confusion (an attacker
 * signing with HMAC over the public key).
 */
const acceptedAlgorithms = ['RS256'];

const claimsSchema = z.object({
  oid: z.string().min(1).optional(),
  sub: z.string().min(1).optional(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

export type Authenticator = (request: HttpRequest) => Promise<Caller>;

/** jose is imported on the first token, not when the app loads (cold start). */
type Jose = typeof JoseModule;

function keySetFor(jose: Jose, jwksUri: string): JWTVerifyGetKey {
  if (jwksUri.startsWith('file:')) {
    // Local development: the committed development key set (scripts/local-auth). Same verification path.
    const path = jwksUri.slice('file:'.length);
    return jose.createLocalJWKSet(
      JSON.parse(readFileSync(path, 'utf8')) as Parameters<Jose['createLocalJWKSet']>[0],
    );
  }
  return jose.createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

function knownRoles(values: readonly string[] | undefined): Role[] {
  return (values ?? []).flatMap((value) => {
    const role = roleSchema.safeParse(value);
    return role.success ? [role.data] : [];
  });
}

const clientPrincipalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).default([]),
});

const objectIdClaim = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/** App Service Authentication has already validated the token and passes the principal as a header. */
function callerFromClientPrincipal(request: HttpRequest): Caller | undefined {
  const header = request.headers.get('x-ms-client-principal');
  if (!header) return undefined;
  let principal: z.infer<typeof clientPrincipalSchema>;
  try {
    principal = clientPrincipalSchema.parse(JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
  } catch {
    throw new AppError('Unauthenticated', 'The x-ms-client-principal header is not valid.');
  }
  const claim = (...types: (string | undefined)[]) =>
    principal.claims.filter((entry) => types.includes(entry.typ)).map((entry) => entry.val);
  const userId =
    claim(objectIdClaim, 'oid')[0] ?? request.headers.get('x-ms-client-principal-id') ?? claim('sub')[0];
  if (!userId) throw new AppError('Unauthenticated', 'The client principal carries no user id.');
  const name =
    claim(principal.name_typ, 'name')[0] ?? request.headers.get('x-ms-client-principal-name') ?? undefined;
  return {
    userId,
    ...(name ? { name } : {}),
    roles: knownRoles(claim(principal.role_typ, 'roles')),
    via: 'appServiceAuthentication',
  };
}

export function createAuthenticator(
  config: Pick<AppConfig, 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_JWKS_URI' | 'WEBSITE_AUTH_ENABLED'>,
): Authenticator {
  let keySet: JWTVerifyGetKey | undefined;

  return async (request) => {
    const authorization = request.headers.get('authorization');
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1])
        throw new AppError('Unauthenticated', 'The Authorization header must be "Bearer <token>".');
      const jose = await import('jose');
      keySet ??= keySetFor(jose, config.AUTH_JWKS_URI);
      try {
        const { payload } = await jose.jwtVerify(match[1], keySet, {
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
          algorithms: acceptedAlgorithms,
          requiredClaims: ['exp'],
          clockTolerance: 60,
        });
        const claims = claimsSchema.parse(payload);
        const userId = claims.oid ?? claims.sub;
        if (!userId) throw new AppError('Unauthenticated', 'The token carries neither oid nor sub.');
        return {
          userId,
          ...(claims.name ? { name: claims.name } : {}),
          roles: knownRoles(claims.roles),
          via: 'bearer',
        };
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof jose.errors.JOSEError || error instanceof z.ZodError) {
          throw new AppError('Unauthenticated', describeTokenError(jose.errors, error));
        }
        throw error;
      }
    }
    // Trust the platform's headers only when the platform says it validated them; otherwise anyone could send them.
    if (config.WEBSITE_AUTH_ENABLED) {
      const caller = callerFromClientPrincipal(request);
      if (caller) return caller;
    }
    throw new AppError('Unauthenticated', 'Send a bearer token in the Authorization header.');
  };
}

function describeTokenError(joseErrors: Jose['errors'], error: Error): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The token is not signed with an accepted algorithm.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token is signed with an unknown key.';
  return 'The token is not valid.';
}
