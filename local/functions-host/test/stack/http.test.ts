import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../index';
import {
  type CollectingLogger,
  collectingLogger,
  eventually,
  fixtureAppDir,
  fixtureEvents,
} from '../fixtureSupport';

let host: LocalHost;
let logger: CollectingLogger;

interface Described {
  functionName: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

async function get(pathAndQuery: string, init?: RequestInit): Promise<Response> {
  return fetch(`${host.url}${pathAndQuery}`, init);
}

async function describeCall(pathAndQuery: string, init?: RequestInit): Promise<Described> {
  const response = await get(pathAndQuery, init);
  expect(response.status, `${init?.method ?? 'GET'} ${pathAndQuery}`).toBe(200);
  return (await response.json()) as Described;
}

/** A raw node:http request: duplicate headers, chunked bodies and no fetch normalisation. */
function rawRequest(options: {
  method: string;
  path: string;
  headers?: string[];
  chunks?: string[];
}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const url = new URL(host.url);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) {
      req.write(chunk);
    }
    req.end();
  });
}

beforeAll(async () => {
  logger = collectingLogger();
  host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    logger,
    loadLocalSettings: false,
    queueTriggers: false,
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('routes', () => {
  it('passes route parameters and honours constraints', async () => {
    const item = await describeCall('/api/items/42');
    expect(item.functionName).toBe('itemById');
    expect(item.params).toEqual({ id: '42' });
    expect((await get('/api/items/abc')).status).toBe(404);
    expect((await get('/api/items/99999999999')).status).toBe(404); // beyond int32

    const guid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect((await describeCall(`/api/things/${guid}`)).params).toEqual({ id: guid });
    expect((await describeCall(`/api/things/{${guid}}`)).functionName).toBe('byGuid');
    expect((await get('/api/things/not-a-guid')).status).toBe(404);

    expect((await describeCall('/api/letters/Hello')).params).toEqual({ word: 'Hello' });
    expect((await get('/api/letters/abc1')).status).toBe(404);

    expect((await describeCall('/api/codes/ABC')).params).toEqual({ code: 'ABC' });
    expect((await get('/api/codes/ABCD')).status).toBe(404);

    expect((await describeCall('/api/pages/10')).params).toEqual({ n: '10' });
    expect((await get('/api/pages/11')).status).toBe(404);
    expect((await get('/api/pages/0')).status).toBe(404);
  });

  it('prefers literal segments over parameters', async () => {
    expect((await describeCall('/api/users/me')).functionName).toBe('currentUser');
    const other = await describeCall('/api/users/bob');
    expect(other.functionName).toBe('userByName');
    expect(other.params).toEqual({ name: 'bob' });
  });

  it('matches optional segments with and without a value, and catch-all parameters', async () => {
    expect((await describeCall('/api/docs')).params).toEqual({});
    expect((await describeCall('/api/docs/intro')).params).toEqual({ slug: 'intro' });
    expect((await get('/api/docs/intro/more')).status).toBe(404);

    expect((await describeCall('/api/echo/a/b/c')).params).toEqual({ rest: 'a/b/c' });
    expect((await describeCall('/api/echo')).params).toEqual({});
    // Decoded values, but an encoded slash stays inside its segment (ASP.NET).
    expect((await describeCall('/api/echo/x%20y/a%2Fb')).params).toEqual({ rest: 'x y/a%2Fb' });
  });

  it('uses host.json routePrefix, the function name as the default route, and case-insensitive literals', async () => {
    expect((await describeCall('/api/defaultRoute')).functionName).toBe('defaultRoute');
    expect((await describeCall('/API/Users/ME')).functionName).toBe('currentUser');
    expect((await get('/users/me')).status).toBe(404);
    expect((await get('/api/users/me/')).status).toBe(200);
  });

  it('answers unknown routes and a method the trigger does not accept with a bare 404, as the real host does', async () => {
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['GET', '/nope'],
      ['GET', '/api/only-post'],
      ['DELETE', '/api/users/me'],
      ['OPTIONS', '/api/users/me'],
    ] as const) {
      const response = await get(url, { method, headers: { 'x-correlation-id': 'corr-404' } });
      expect(response.status, `${method} ${url}`).toBe(404);
      // No 405, no problem document: the host's router has nothing to say beyond the status.
      expect(response.headers.get('content-length'), `${method} ${url}`).toBe('0');
      expect(response.headers.get('content-type')).toBeNull();
      expect(await response.text()).toBe('');
    }
    // fetch() refuses to send TRACE.
    const trace = await rawRequest({ method: 'TRACE', path: '/api/users/me' });
    expect([trace.status, trace.body]).toEqual([404, '']);
    const head = await get('/api/users/me', { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    expect((await describeCall('/api/only-post', { method: 'POST' })).functionName).toBe('onlyPost');
  });

  it('resolves dot segments, percent-encoded ones too, before routing, as Kestrel does', async () => {
    const resolved = await rawRequest({ method: 'GET', path: '/api/items/%2e%2e/users/./me' });
    expect(resolved.status).toBe(200);
    const seen = JSON.parse(resolved.body) as Described;
    expect(seen.functionName).toBe('currentUser');
    // The function sees the path that was routed, never the traversal.
    expect(new URL(seen.url).pathname).toBe('/api/users/me');

    // Resolved to /users/me, outside the route prefix: no function there.
    const outside = await rawRequest({ method: 'GET', path: '/api/users/%2e%2e/%2E%2E/%2e%2e/users/me' });
    expect([outside.status, outside.body]).toEqual([404, '']);

    // Dots inside a segment are data, and an encoded slash never makes a segment of its own.
    const data = await rawRequest({ method: 'GET', path: '/api/echo/a%2e%2e/%2e%2e%2Fx' });
    expect((JSON.parse(data.body) as Described).params).toEqual({ rest: 'a../..%2Fx' });
  });

  it('answers a request line over 8 KB with 414 and headers over 32 KB with 431, as problem+json', async () => {
    const longPath = await rawRequest({
      method: 'GET',
      path: `/api/users/${'x'.repeat(20_000)}`,
      headers: ['host', 'localhost', 'x-correlation-id', 'corr-414'],
    });
    expect(longPath.status).toBe(414);
    expect(longPath.headers['content-type']).toBe('application/problem+json');
    expect(longPath.headers['x-correlation-id']).toBe('corr-414');
    expect(JSON.parse(longPath.body)).toMatchObject({ status: 414, code: 'UriTooLong' });

    const bigHeaders = await rawRequest({
      method: 'GET',
      path: '/api/users/me',
      headers: ['host', 'localhost', 'x-a', 'a'.repeat(20_000), 'x-b', 'b'.repeat(15_000)],
    });
    expect(bigHeaders.status).toBe(431);
    expect(bigHeaders.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(bigHeaders.body)).toMatchObject({ status: 431, code: 'RequestHeadersTooLarge' });
  });

  it('answers a request the HTTP parser refuses as problem+json with a correlation id, not a bare status', async () => {
    const url = new URL(host.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(`GET /api/users/me HTTP/1.1\r\nHost: x\r\nx-big: ${'y'.repeat(60_000)}\r\n\r\n`);
      });
      const parts: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => parts.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(head).toMatch(/x-correlation-id: [0-9a-f-]{36}/i);
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'RequestHeadersTooLarge' });
  });
});

describe('requests', () => {
  it('passes method, URL, lower-cased headers and the query as the host does', async () => {
    const seen = await describeCall('/api/echo/q?a=1&A=2&b=x+y&c', {
      method: 'PATCH',
      headers: { 'X-Custom-Thing': 'Value', 'x-ms-client-principal-name': 'alice' },
    });
    expect(seen.method).toBe('PATCH');
    expect(seen.url).toBe(`${host.url}/api/echo/q?a=1&A=2&b=x+y&c`);
    expect(seen.headers['x-custom-thing']).toBe('Value');
    expect(seen.headers['x-ms-client-principal-name']).toBe('alice');
    expect(seen.headers.host).toBe(new URL(host.url).host);
    // Repeated keys (case-insensitive) join with ","; "+" is a space; a key without "=" has an empty value.
    expect(seen.query).toEqual({ a: '1,2', b: 'x y', c: '' });
  });

  it('joins repeated header lines with ","', async () => {
    const response = await rawRequest({
      method: 'GET',
      path: '/api/echo',
      headers: ['host', new URL(host.url).host, 'x-dup', 'one', 'x-dup', 'two'],
    });
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as Described).headers['x-dup']).toBe('one,two');
  });

  it('passes the body bytes when there is one, and no body otherwise', async () => {
    const json = JSON.stringify({ café: 'crème', n: 1 });
    const posted = await describeCall('/api/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    expect(posted.body).toBe(json);
    expect(posted.headers['content-type']).toBe('application/json');
    expect((await describeCall('/api/echo', { method: 'POST', body: '' })).body).toBe('');
    expect((await describeCall('/api/echo')).body).toBe('');

    // A chunked body (no Content-Length) is forwarded too: a deliberate deviation, see toRpcHttpRequest.ts.
    const chunked = await rawRequest({
      method: 'PUT',
      path: '/api/echo',
      chunks: ['part one, ', 'part two'],
    });
    expect(chunked.status).toBe(200);
    expect((JSON.parse(chunked.body) as Described).body).toBe('part one, part two');
  });
});

describe('responses', () => {
  it('maps status, headers, body and cookies like the host', async () => {
    const response = await get('/api/response-mapping');
    expect(response.status).toBe(418);
    expect(response.headers.get('x-custom')).toBe('teapot');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.getSetCookie()).toEqual([
      'session=abc%20123; max-age=60; path=/api; secure; samesite=strict; httponly',
      'theme=dark; expires=Wed, 02 Jan 2030 03:04:05 GMT; path=/; samesite=none',
    ]);
    expect(await response.text()).toBe('short and stout');
  });

  it('sends JSON and binary bodies as the library produced them', async () => {
    const json = await get('/api/json-body');
    expect(json.status).toBe(201);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({ ok: true, list: [1, 2] });

    const binary = await get('/api/binary-body');
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('answers 204 when the handler returns nothing (inferred from the host source)', async () => {
    const response = await get('/api/nothing');
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers 500 with an empty body when the handler throws, and logs the failure', async () => {
    const response = await get('/api/boom');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(
      logger.lines.some(
        (l) =>
          l.level === 'error' &&
          l.message.includes("'Functions.boom' (Failed") &&
          l.message.includes('blew up'),
      ),
    ).toBe(true);
  });
});

describe('hooks and logs', () => {
  it('runs appStart once at start, and pre/postInvocation hooks around every invocation', async () => {
    expect(fixtureEvents('appStart')).toHaveLength(1);
    await describeCall('/api/users/me');
    const pre = fixtureEvents('preInvocation').filter((e) => e.functionName === 'currentUser');
    const post = fixtureEvents('postInvocation').filter((e) => e.functionName === 'currentUser');
    expect(pre.length).toBeGreaterThan(0);
    expect(post.at(-1)).toMatchObject({ preRan: true, error: null, hasResult: true });

    await get('/api/boom');
    expect(fixtureEvents('postInvocation').at(-1)).toMatchObject({
      functionName: 'boom',
      error: 'the handler blew up',
    });
  });

  it('lets a preInvocation hook replace the handler', async () => {
    const response = await get('/api/hook-replaced');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('replaced by preInvocation hook');
  });

  it('passes context.log through the log hooks (which may rewrite user messages) to the host logger', async () => {
    await get('/api/logs');
    const lines = logger.lines.map((l) => `${l.level} ${l.message}`);
    expect(lines).toContain('info [logs] plain user log');
    expect(lines).toContain('warn [logs] a warning with a secret=[redacted]');
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

describe('harness', () => {
  it('listens on a free port when given port 0', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
  });

  it('refuses a second host in the same process, and another app after the first', async () => {
    await expect(startLocalHost({ appDir: fixtureAppDir, port: 0, logger })).rejects.toThrow(
      /already running/,
    );
    await expect(
      startLocalHost({ appDir: path.join(fixtureAppDir, '..', '..', '..', '..'), port: 0, logger }),
    ).rejects.toThrow(/already running/);
  });

  it('waitForIdle() waits for a request in flight', async () => {
    const pending = get('/api/slow');
    await eventually(() => fixtureEvents('slowStarted').length > 0, 5000);
    expect(fixtureEvents('slowDone')).toHaveLength(0);
    await host.waitForIdle();
    expect(fixtureEvents('slowDone')).toHaveLength(1);
    expect((await pending).status).toBe(200);
  });

  it('advance() is only for the virtual clock', async () => {
    const start = host.clock.now();
    await host.advance(30 * 24 * 3_600_000);
    expect(host.clock.now() - start).toBe(30 * 24 * 3_600_000);
  });

  it('stop() closes the port and runs appTerminate; the same app starts again, another app does not', async () => {
    const { url } = host;
    await host.stop();
    await expect(fetch(`${url}/api/users/me`)).rejects.toThrow();
    expect(fixtureEvents('appTerminate')).toEqual([expect.objectContaining({ startedAtSeen: true })]);

    await expect(
      startLocalHost({ appDir: path.join(fixtureAppDir, '..', '..', '..', '..'), port: 0, logger }),
    ).rejects.toThrow(/already loaded the app/);

    host = await startLocalHost({
      appDir: fixtureAppDir,
      port: 0,
      logger,
      loadLocalSettings: false,
      queueTriggers: false,
    });
    expect(fixtureEvents('appStart')).toHaveLength(2);
    expect((await describeCall('/api/users/me')).functionName).toBe('currentUser');
    await expect(host.advance(1)).rejects.toThrow(/virtual clock/);
  });
});
