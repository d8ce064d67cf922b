import path from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { type LocalHost, silentLogger, startLocalHost } from '../../index';

let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({
    appDir: path.join(__dirname, '..', 'esm-fixture-app'),
    port: 0,
    clock: 'virtual',
    logger: silentLogger,
    loadLocalSettings: false,
    queueTriggers: false,
  });
});

afterAll(async () => {
  await host?.stop();
});

it('loads an ES-module app with import() from every file the main glob matches', async () => {
  expect([...host.invoker.functions.keys()].sort()).toEqual(['esmHello', 'esmSecond']);
  const hello = await fetch(`${host.url}/api/hello/world`);
  expect(await hello.json()).toEqual({ hello: 'world', module: 'string' });
  expect(await (await fetch(`${host.url}/api/second`)).text()).toBe('second entry point');
});
