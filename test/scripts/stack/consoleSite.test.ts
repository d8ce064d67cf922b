import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConsoleSite, trustsDevelopmentKey } from '../../../scripts/local-stack/consoleSite';
import { sampleSettings } from '../../support/devToken';

const issuer = sampleSettings.AUTH_ISSUER ?? '';
const audience = sampleSettings.AUTH_AUDIENCE ?? '';
let directory: string;
const servers: Server[] = [];

/** The site alone behind a server (what it does not answer is a 599 here, so a fall-through is visible). */
async function serve(site: ReturnType<typeof createConsoleSite>): Promise<string> {
  const server = createServer((req, res) => {
    void site(req, res, (req.url ?? '/').split('?')[0] ?? '/').then((handled) => {
      if (!handled) {
        res.statusCode = 599;
        res.end();
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'console-site-'));
  mkdirSync(path.join(directory, 'assets'));
  writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(directory, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(tmpdir(), 'outside-console-site.txt'), 'secret');
});

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the console site of npm start (scripts/local-stack/consoleSite.ts)', () => {
  it('serves the files, index.html for the console routes, a 404 for a missing asset, nothing outside the folder', async () => {
    const url = await serve(createConsoleSite({ directory }));
    const page = await fetch(`${url}/customers/contoso/subscriptions`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>console</title>');

    const asset = await fetch(`${url}/assets/index-abc.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');

    expect((await fetch(`${url}/assets/index-old.js`)).status).toBe(404);
    const escape = await fetch(`${url}/..%2Foutside-console-site.txt`);
    expect(await escape.text()).not.toContain('secret');
    // Not the site's: POSTs, the host's own pages.
    expect((await fetch(`${url}/customers`, { method: 'POST' })).status).toBe(599);
    expect((await fetch(`${url}/admin/host/status`)).status).toBe(599);
  });

  it('signs a development token the app accepts, only when the app trusts the development key', async () => {
    const url = await serve(createConsoleSite({ directory, devSignIn: { issuer, audience } }));
    const answer = await fetch(`${url}/.local-auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['AdminAgent'], name: 'Bob Example' }),
    });
    expect(answer.status).toBe(200);
    const { token } = (await answer.json()) as { token: string };
    const jwks = createLocalJWKSet(
      JSON.parse(readFileSync(path.resolve('scripts/local-auth/dev-jwks.json'), 'utf8')) as Parameters<
        typeof createLocalJWKSet
      >[0],
    );
    const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ roles: ['AdminAgent'], name: 'Bob Example' });

    const refused = await fetch(`${url}/.local-auth/token`, {
      method: 'POST',
      body: JSON.stringify({ roles: ['Owner'], name: 'x' }),
    });
    expect(refused.status).toBe(400);

    const withoutSignIn = await serve(createConsoleSite({ directory }));
    expect((await fetch(`${withoutSignIn}/.local-auth/token`, { method: 'POST', body: '{}' })).status).toBe(
      599,
    );
    expect(trustsDevelopmentKey({ AUTH_JWKS_URI: sampleSettings.AUTH_JWKS_URI })).toBe(true);
    expect(
      trustsDevelopmentKey({ AUTH_JWKS_URI: 'https://login.microsoftonline.com/x/discovery/v2.0/keys' }),
    ).toBe(false);
  });
});
