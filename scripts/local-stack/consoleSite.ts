/**
 * What `npm start` serves beside the API on the same origin: the console's built files (console/dist, a
 * single-page app: unknown paths get index.html) and, for local development only, the sign-in endpoint
 * `POST /.local-auth/token` that the console's sign-in page calls.
 *
 * The token endpoint signs with the development key of scripts/local-auth, as `npm run token` does, and is offered
 * only when the app is configured to trust that key (`AUTH_JWKS_URI` is the development key set). It is part of
 * the local stack, never of the app: a deployed app has no way to mint a token (in Azure the console signs in with
 * Microsoft Entra ID).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

import type { SiteHandler } from '@azure-plan-local/functions-host';
import { importJWK, type JWK, SignJWT } from 'jose';
import { z } from 'zod';

const repositoryRoot = path.resolve(__dirname, '..', '..');
export const consoleDist = path.join(repositoryRoot, 'console', 'dist');
const developmentJwks = path.join(repositoryRoot, 'scripts', 'local-auth', 'dev-jwks.json');
const developmentKey = path.join(repositoryRoot, 'scripts', 'local-auth', 'dev-signing-key.private.json');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const signInRequest = z.strictObject({
  roles: z.array(z.enum(['GlobalAdmin', 'UserAdmin', 'AdminAgent', 'SalesAgent'])).min(1),
  name: z.string().trim().min(1).max(100),
});

/** True when the app verifies tokens against the committed development key set. */
export function trustsDevelopmentKey(env: NodeJS.ProcessEnv): boolean {
  const uri = env.AUTH_JWKS_URI?.trim() ?? '';
  if (!uri.startsWith('file:')) return false;
  return path.resolve(repositoryRoot, uri.slice('file:'.length)) === developmentJwks;
}

export function createConsoleSite(options: {
  directory?: string;
  /** Issuer and audience of the tokens the app accepts; undefined: no sign-in endpoint. */
  devSignIn?: { issuer: string; audience: string };
}): SiteHandler {
  const directory = path.resolve(options.directory ?? consoleDist);
  const signer = options.devSignIn ? developmentSigner(options.devSignIn) : undefined;

  return async (req, res, requestPath) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (requestPath === '/.local-auth/token') {
      if (!signer || method !== 'POST') return false;
      await signIn(req, res, signer);
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (requestPath.startsWith('/runtime/') || requestPath.startsWith('/admin/')) return false;
    const index = path.join(directory, 'index.html');
    if (!existsSync(index)) {
      if (requestPath !== '/') return false;
      send(res, 200, 'text/plain; charset=utf-8', 'The console is not built: run `npm run build:console`.\n');
      return true;
    }
    const candidate = path.resolve(directory, `.${decodeURIComponent(requestPath)}`);
    const isFile =
      candidate.startsWith(`${directory}${path.sep}`) &&
      existsSync(candidate) &&
      statSync(candidate).isFile();
    const file = isFile ? candidate : index;
    if (!isFile && path.extname(requestPath) !== '') {
      // A missing asset is a 404, not the app's page (a stale tab asking for an old chunk).
      send(res, 404, 'text/plain; charset=utf-8', 'Not found.\n');
      return true;
    }
    res.statusCode = 200;
    res.setHeader('content-type', contentTypes[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader(
      'cache-control',
      file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    res.setHeader('content-length', statSync(file).size);
    if (method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on('error', reject).pipe(res).on('finish', resolve);
    });
    return true;
  };
}

type Signer = (claims: { roles: string[]; name: string }) => Promise<{ token: string; expiresAt: string }>;

function developmentSigner({ issuer, audience }: { issuer: string; audience: string }): Signer {
  const jwk = JSON.parse(readFileSync(developmentKey, 'utf8')) as JWK & { kid: string };
  const key = importJWK(jwk, 'RS256');
  return async ({ roles, name }) => {
    const expiresAt = new Date(Date.now() + 8 * 3600_000);
    const userId = `local-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    const token = await new SignJWT({ roles, name, oid: userId })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(await key);
    return { token, expiresAt: expiresAt.toISOString() };
  };
}

async function signIn(req: IncomingMessage, res: ServerResponse, signer: Signer): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    body = undefined;
  }
  const parsed = signInRequest.safeParse(body);
  if (!parsed.success) {
    send(res, 400, 'application/json', JSON.stringify({ error: 'Send {"roles":[role],"name":"…"}.' }));
    return;
  }
  send(res, 200, 'application/json', JSON.stringify(await signer(parsed.data)));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
