import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import type { FunctionInvoker, RegisteredFunction, RpcInvocationResponse } from '../../contracts';
import { createFrontDoor } from '../../http/createFrontDoor';
import { HttpRouteTable } from '../../http/HttpRouteTable';
import { RouteTemplate } from '../../http/RouteTemplate';
import { createWorkTracker } from '../../idle';
import { silentLogger } from '../../loggers';

function httpFunction(name: string, route: string | undefined, methods?: string[]): RegisteredFunction {
  const trigger = { name: 'req', type: 'httpTrigger', direction: 'in' as const, route, methods };
  return {
    name,
    trigger,
    bindings: { req: trigger, $return: { type: 'http', direction: 'out' } },
  };
}

function match(
  table: HttpRouteTable,
  path: string,
  method = 'GET',
): [string, Record<string, string>] | undefined {
  const found = table.match(method, path);
  return found ? [found.route.functionName, found.params] : undefined;
}

describe('route templates', () => {
  it('orders routes by ASP.NET precedence: literal, constrained, plain, catch-all', () => {
    const table = HttpRouteTable.fromFunctions(
      [
        httpFunction('catchAll', 'files/{*path}'),
        httpFunction('plain', 'files/{name}'),
        httpFunction('constrained', 'files/{id:int}'),
        httpFunction('literal', 'files/readme'),
      ],
      'api',
    );
    expect(table.routes.map((route) => route.functionName)).toEqual([
      'literal',
      'constrained',
      'plain',
      'catchAll',
    ]);
    expect(match(table, '/api/files/readme')).toEqual(['literal', {}]);
    expect(match(table, '/api/files/7')).toEqual(['constrained', { id: '7' }]);
    expect(match(table, '/api/files/notes')).toEqual(['plain', { name: 'notes' }]);
    expect(match(table, '/api/files/a/b')).toEqual(['catchAll', { path: 'a/b' }]);
  });

  it('applies routePrefix: a custom one, none, and the function name as default route', () => {
    const functions = [httpFunction('health', undefined), httpFunction('item', 'items/{id}')];
    const v1 = HttpRouteTable.fromFunctions(functions, 'v1');
    expect(match(v1, '/v1/health')).toEqual(['health', {}]);
    expect(match(v1, '/api/health')).toBeUndefined();
    const none = HttpRouteTable.fromFunctions(functions, '');
    expect(match(none, '/items/3')).toEqual(['item', { id: '3' }]);
    expect(match(none, '/api/items/3')).toBeUndefined();
  });

  it('treats the method as part of the match, case-insensitively; no methods means any', () => {
    const table = HttpRouteTable.fromFunctions(
      [
        httpFunction('read', 'things', ['get']),
        httpFunction('write', 'things', ['POST']),
        httpFunction('any', 'all'),
      ],
      'api',
    );
    expect(match(table, '/api/things', 'GET')?.[0]).toBe('read');
    expect(match(table, '/api/things', 'POST')?.[0]).toBe('write');
    expect(match(table, '/api/things', 'PUT')).toBeUndefined();
    expect(match(table, '/api/all', 'OPTIONS')?.[0]).toBe('any');
  });

  it('supports the inline constraints of ASP.NET routing', () => {
    const cases: [string, string, boolean][] = [
      ['{x:int}', '-12', true],
      ['{x:int}', '2147483648', false],
      ['{x:long}', '2147483648', true],
      ['{x:bool}', 'TRUE', true],
      ['{x:bool}', 'yes', false],
      ['{x:guid}', '0f8fad5bd9cb469fa16570867728950e', true],
      ['{x:guid}', '(0f8fad5b-d9cb-469f-a165-70867728950e)', true],
      ['{x:guid}', '0f8fad5b-d9cb', false],
      ['{x:alpha}', 'abcXYZ', true],
      ['{x:alpha}', 'ab1', false],
      ['{x:double}', '1.5e3', true],
      ['{x:decimal}', 'one', false],
      ['{x:datetime}', '2025-01-01', true],
      ['{x:min(10)}', '10', true],
      ['{x:min(10)}', '9', false],
      ['{x:max(10)}', '11', false],
      ['{x:range(1,3)}', '3', true],
      ['{x:length(3)}', 'abc', true],
      ['{x:length(2,3)}', 'abcd', false],
      ['{x:minlength(2)}', 'a', false],
      ['{x:maxlength(2)}', 'ab', true],
      ['{x:regex(^\\d{{3}}$)}', '123', true],
      ['{x:regex(^\\d{{3}}$)}', '1234', false],
      ['{x:regex(b)}', 'ABC', true], // case-insensitive and not anchored, as in ASP.NET
      ['{x:int:min(5)}', '4', false],
      ['{x:int:min(5)}', '5', true],
    ];
    for (const [template, value, expected] of cases) {
      const params = RouteTemplate.parse(`t/${template}`).match(['t', value]);
      expect(params !== undefined, `${template} with ${value}`).toBe(expected);
    }
  });

  it('handles optional values, defaults, complex segments and catch-alls', () => {
    expect(RouteTemplate.parse('a/{b?}').match(['a'])).toEqual({});
    expect(RouteTemplate.parse('a/{b?}/{c?}').match(['a', 'x'])).toEqual({ b: 'x' });
    expect(RouteTemplate.parse('a/{b=5}').match(['a'])).toEqual({ b: '5' });
    expect(RouteTemplate.parse('a/{b:int?}').match(['a', 'x'])).toBeUndefined();
    expect(RouteTemplate.parse('a/{b}').match(['a'])).toBeUndefined();
    expect(RouteTemplate.parse('a').match(['a', 'b'])).toBeUndefined();
    expect(RouteTemplate.parse('files/{name}.{ext}').match(['files', 'x.tar.gz'])).toEqual({
      name: 'x.tar',
      ext: 'gz',
    });
    expect(RouteTemplate.parse('files/{name}.{ext?}').match(['files', 'readme'])).toEqual({ name: 'readme' });
    expect(RouteTemplate.parse('raw/{**path}').match(['raw', 'a', 'b'])).toEqual({ path: 'a/b' });
    expect(RouteTemplate.parse('raw/{*path}').match(['raw'])).toEqual({});
    expect(RouteTemplate.parse('lit{{x}}').match(['lit{x}'])).toEqual({});
  });

  it('rejects templates the real host rejects', () => {
    expect(() => RouteTemplate.parse('a/{*rest}/b')).toThrow(/catch-all/);
    expect(() => RouteTemplate.parse('a/{x:nope}')).toThrow(/Unknown route constraint "nope"/);
    expect(() => RouteTemplate.parse('a/{x')).toThrow(/unclosed/);
    expect(() => RouteTemplate.parse('a//b')).toThrow(/empty segment/);
    expect(() => RouteTemplate.parse('a/{x?=1}')).toThrow(/optional and have a default/);
  });
});

describe('front door', () => {
  let server: http.Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
  });

  it('sends keyed durable webhooks to the engine, refuses them without the key, and keeps /durabletask/ off the public port', async () => {
    const seenByEngine: string[] = [];
    const fn = httpFunction('hello', 'hello');
    const invoker: FunctionInvoker = {
      functions: new Map([['hello', fn]]),
      provideInput: () => {},
      invoke: (): Promise<RpcInvocationResponse> =>
        Promise.resolve({
          invocationId: 'x',
          returnValue: { http: { statusCode: '200', headers: {}, body: { string: 'from function' } } },
        }),
    };
    const systemKey = 'the-system-key';
    const handler = createFrontDoor({
      invoker,
      routes: HttpRouteTable.fromFunctions([fn], 'api'),
      tracker: createWorkTracker(),
      logger: silentLogger,
      fallbackHost: '127.0.0.1',
      durable: {
        systemKey,
        handleWebhook: (_req, res, url) => {
          seenByEngine.push(url.pathname + url.search);
          if (url.pathname.endsWith('/unknown')) {
            return Promise.resolve(false);
          }
          res.statusCode = 202;
          res.end('engine');
          return Promise.resolve(true);
        },
      },
    });
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const webhooks = `${base}/runtime/webhooks/durabletask`;

    const keyed = await fetch(`${webhooks}/instances/abc?taskHub=h&code=${systemKey}`);
    expect([keyed.status, await keyed.text()]).toEqual([202, 'engine']);
    const byHeader = await fetch(`${webhooks}/instances/abc`, { headers: { 'x-functions-key': systemKey } });
    expect([byHeader.status, await byHeader.text()]).toEqual([202, 'engine']);
    const declined = await fetch(`${webhooks}/unknown?code=${systemKey}`);
    expect(declined.status).toBe(404);

    // Without the right key nothing reaches the engine: 401 with an empty body, unknown routes included.
    for (const [url, init] of [
      [`${webhooks}/instances/abc`, {}],
      [`${webhooks}/instances/abc?code=wrong`, {}],
      [`${webhooks}/instances/abc/terminate?code=`, { method: 'POST' }],
      // The header wins over the query, as on the real host.
      [`${webhooks}/instances/abc?code=${systemKey}`, { headers: { 'x-functions-key': 'wrong' } }],
      [`${webhooks}/unknown`, {}],
      [`${base}/runtime/webhooks/durabletask`, {}],
    ] as const) {
      const refused = await fetch(url, init);
      expect([url, refused.status, await refused.text()]).toEqual([url, 401, '']);
    }
    // The rpc paths live on the loopback rpc listener only: here they are an unknown route.
    const rpc = await fetch(`${base}/durabletask/orchestrators/x`, { method: 'POST', body: '{}' });
    expect([rpc.status, await rpc.text()]).toEqual([404, '']);
    expect((await fetch(`${base}/durabletask/instances/`)).status).toBe(404);
    expect(seenByEngine).toEqual([
      '/runtime/webhooks/durabletask/instances/abc?taskHub=h&code=the-system-key',
      '/runtime/webhooks/durabletask/instances/abc',
      '/runtime/webhooks/durabletask/unknown?code=the-system-key',
    ]);

    const hello = await fetch(`${base}/api/hello`);
    expect([hello.status, await hello.text()]).toEqual([200, 'from function']);
    expect(seenByEngine).toHaveLength(3);
  });
});
