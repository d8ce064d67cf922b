import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { VirtualClock } from '../../local-functions-host/clock';
import type { RpcHttp } from '../../local-functions-host/contracts';
import { createDurableEngine, type DurableEngine } from '../../local-functions-host/durable/engine';
import { createWorkTracker } from '../../local-functions-host/idle';
import { createFunctionInvoker } from '../../local-functions-host/worker/createFunctionInvoker';
import { installCoreModule } from '../../local-functions-host/worker/installCoreModule';
import { loadApp } from '../../local-functions-host/worker/loadApp';

export interface DurableFixtureHost {
  baseUrl: string;
  engine: DurableEngine;
  clock: VirtualClock;
  waitForIdle(): Promise<void>;
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** INTERIM: until `startLocalHost` lands, the worker + engine + a minimal front door for the fixture's routes. */
export async function startDurableFixtureHost(): Promise<DurableFixtureHost> {
  const registry = installCoreModule();
  await loadApp(path.join(__dirname, 'fixture-app'), registry);
  const tracker = createWorkTracker();
  const clock = new VirtualClock({ tracker, startTime: Date.parse('2025-01-01T00:00:00Z') });
  const logger = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };
  const invoker = createFunctionInvoker({ registry, tracker, logger });
  const ref: { engine?: DurableEngine } = {};
  const server = http.createServer((req, res) => {
    const end = tracker.begin(`http ${req.method} ${req.url}`);
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', baseUrl);
        if (ref.engine && (await ref.engine.handleHttp(req, res, url))) return;
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        for (const fn of invoker.functions.values()) {
          if (fn.trigger.type !== 'httpTrigger') continue;
          const methods = (fn.trigger.methods as string[] | undefined) ?? [];
          if (!methods.includes(req.method ?? '')) continue;
          const params = matchRoute(`api/${String(fn.trigger.route)}`, url.pathname.slice(1));
          if (!params) continue;
          const httpData: RpcHttp = {
            method: req.method ?? 'GET',
            url: url.href,
            nullableHeaders: Object.fromEntries(
              Object.entries(req.headers).map(([k, v]) => [k, { value: String(v) }]),
            ),
            nullableQuery: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, { value: v }])),
            nullableParams: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }])),
          };
          if (body.length > 0) httpData.body = { bytes: new Uint8Array(body) };
          const response = await invoker.invoke(fn.name, {
            inputData: [{ name: fn.trigger.name, data: { http: httpData } }],
          });
          const out = response.returnValue?.http ?? {};
          res.writeHead(Number(out.statusCode ?? 200), out.headers ?? {});
          res.end(out.body?.bytes ? Buffer.from(out.body.bytes) : out.body?.string);
          return;
        }
        res.writeHead(404).end();
      } catch (error) {
        res.writeHead(500).end(String(error));
      } finally {
        end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.WEBSITE_HOSTNAME = baseUrl.slice('http://'.length);
  const engine = createDurableEngine({ invoker, clock, tracker, logger, hubName: 'FixtureHub', baseUrl });
  ref.engine = engine;
  return {
    baseUrl,
    engine,
    clock,
    waitForIdle: () => tracker.whenIdle(),
    advance: (ms) => clock.advance(ms),
    async stop() {
      await engine.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function matchRoute(template: string, pathname: string): Record<string, string> | undefined {
  const parts = template.split('/');
  const actual = pathname.split('/');
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const value = actual[i];
    const m = /^\{(\w+)(\?)?\}$/.exec(part);
    if (m?.[1]) {
      if (value === undefined || value === '') {
        if (m[2]) continue;
        return undefined;
      }
      params[m[1]] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return actual.length <= parts.length ? params : undefined;
}
