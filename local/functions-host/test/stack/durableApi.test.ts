import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HistoryEventType } from '../../durable/historyEvent';
import { type DurableFixtureHost, startDurableFixtureHost } from '../startDurableFixtureHost';

const minute = 60_000;

let host: DurableFixtureHost;

beforeAll(async () => {
  host = await startDurableFixtureHost();
});
afterAll(async () => {
  await host?.stop();
});

interface StatusBody {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

/** The public port: the app's HTTP functions. */
function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${host.baseUrl}${path}`, init);
}

/** The loopback rpc listener DurableClient uses (`rpcBaseUrl`); `path` is relative to it. */
function rpc(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${host.host.durable.rpcBaseUrl}${path}`, init);
}

/** The public webhooks with the system key (`code=`); `path` is relative to `/runtime/webhooks/durabletask/`. */
function webhook(path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(`${host.host.durable.webhookBaseUrl}/${path}`);
  url.searchParams.set('code', host.host.durable.systemKey);
  return fetch(url, init);
}

/** `code=<key>` as the binding's URLs carry it. */
function code(): string {
  return `code=${encodeURIComponent(host.host.durable.systemKey)}`;
}

/** Starts through the app's HTTP starter (DurableClient.startNew + createCheckStatusResponse). */
async function start(name: string, input?: unknown, instanceId?: string): Promise<string> {
  const res = await call(`/api/durable/orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`, {
    method: 'POST',
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const json = { 'content-type': 'application/json' };

async function webhookStatus(instanceId: string, query = ''): Promise<Response> {
  return webhook(`instances/${encodeURIComponent(instanceId)}${query}`);
}

async function runtimeStatus(instanceId: string): Promise<string> {
  return ((await (await webhookStatus(instanceId)).json()) as StatusBody).runtimeStatus;
}

describe('starting instances', () => {
  it('answers 202 with the management payload, Location and Retry-After, as createCheckStatusResponse does', async () => {
    const res = await call('/api/durable/orchestrators/waitForever/order-1', { method: 'POST' });
    expect(res.status).toBe(202);
    const payload = (await res.json()) as Record<string, string>;
    expect(payload.id).toBe('order-1');
    expect(res.headers.get('location')).toBe(payload.statusQueryGetUri);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(payload.statusQueryGetUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/order-1?taskHub=FixtureHub&connection=Storage&${code()}`,
    );
    // The URL works: it is the webhook status endpoint.
    const status = await fetch(payload.statusQueryGetUri ?? '');
    expect(status.status).toBe(202);
    expect(((await status.json()) as StatusBody).instanceId).toBe('order-1');
  });

  it('refuses a second start with the id of a running instance (409), through DurableClient and directly', async () => {
    await host.waitForIdle();
    const viaClient = await call('/api/durable/orchestrators/waitForever/order-1', { method: 'POST' });
    expect(viaClient.status).toBe(409);
    const direct = await rpc('orchestrators/waitForever/order-1', {
      method: 'POST',
      body: '"x"',
    });
    expect(direct.status).toBe(409);
  });

  it('restarts a finished instance id as a new instance', async () => {
    const id = await start('stages', undefined, 'restartable');
    await rpc(`instances/${id}/terminate?reason=done`, { method: 'POST' });
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Terminated');
    await start('stages', { again: true }, id);
    await host.waitForIdle();
    const body = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(body).toMatchObject({ runtimeStatus: 'Running', input: { again: true } });
  });

  it('answers 400 for a function that is not an orchestrator', async () => {
    const res = await rpc('orchestrators/echoActivity', { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('waits for the outcome on the create-and-wait URI', async () => {
    const res = await webhook('orchestrators/passThrough?timeout=5', {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ asString: { echoed: '42' } });
  });
});

describe('status', () => {
  it('answers 202 while running, 200 when done, 404 for an unknown id', async () => {
    const id = await start('stages', { order: 2 });
    await host.waitForIdle();
    const running = await webhookStatus(id);
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('5');
    const body = (await running.json()) as StatusBody;
    expect(body).toMatchObject({
      name: 'stages',
      instanceId: id,
      runtimeStatus: 'Running',
      input: { order: 2 },
      customStatus: { stage: 'waiting-for-go' },
      output: null,
    });
    expect(body.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.lastUpdatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(((await (await webhookStatus(id, '?showInput=false')).json()) as StatusBody).input).toBeNull();

    await rpc(`instances/${id}/raiseEvent/Continue`, { method: 'POST', headers: json, body: 'null' });
    await host.waitForIdle();
    const done = await webhookStatus(id);
    expect(done.status).toBe(200);
    expect(((await done.json()) as StatusBody).output).toBe('finished');
    expect((await webhookStatus('no-such-instance')).status).toBe(404);
  });

  it('reads the same through DurableClient.getStatus in an HTTP function', async () => {
    const id = await start('stages');
    await host.waitForIdle();
    const res = await call(`/api/durable/instances/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'stages', instanceId: id, runtimeStatus: 'Running' });
    expect((await call('/api/durable/instances/nobody-here')).status).toBe(404);
  });

  it('shows the history in the extension form with showHistory', async () => {
    const id = await start('passThrough');
    await host.waitForIdle();
    const res = await webhookStatus(id, '?showHistory=true&showHistoryOutput=true');
    const body = (await res.json()) as { historyEvents: { EventType: string; FunctionName?: string }[] };
    expect(body.historyEvents.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(body.historyEvents[1]?.FunctionName).toBe('echoActivity');
    // As the extension's view: no EventId, no IsPlayed (the raw history below has both).
    for (const event of body.historyEvents) {
      expect(Object.keys(event)).not.toContain('EventId');
      expect(Object.keys(event)).not.toContain('IsPlayed');
    }
    // The raw DTFx history keeps every event, OrchestratorStarted/Completed included.
    expect((await host.inspect(id)).historyEventCount).toBe(16);
  });

  it('answers 500 for a failed instance when asked with returnInternalServerErrorOnFailure=true, 200 otherwise', async () => {
    const id = await start('crash');
    await host.waitForIdle();
    expect((await webhookStatus(id)).status).toBe(200);
    const failed = await webhookStatus(id, '?returnInternalServerErrorOnFailure=true');
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as StatusBody).runtimeStatus).toBe('Failed');
  });
});

describe('fidelity with HttpApiHandler', () => {
  it('refuses event data that is not sent as application/json (400), and JSON that does not parse', async () => {
    const id = await start('stages');
    await host.waitForIdle();
    const plain = await rpc(`instances/${id}/raiseEvent/Continue`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '"go"',
    });
    expect(plain.status).toBe(400);
    // Error bodies are JSON, as CreateErrorResponse writes them.
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await plain.json()).toEqual({ Message: 'Only application/json request content is supported' });
    const broken = await rpc(`instances/${id}/raiseEvent/Continue`, {
      method: 'POST',
      headers: json,
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expect(await runtimeStatus(id)).toBe('Running');
  });

  it('answers 400 to a restart of an unknown instance', async () => {
    const res = await rpc('instances/nobody-here/restart', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Message: string }).Message).toMatch(/valid orchestration instance/);
  });

  it('lists instances with their input unless showInput=false', async () => {
    const id = await start('stages', { listed: 'yes' }, 'listed-with-input');
    await host.waitForIdle();
    const all = (await (await rpc('instances/?instanceIdPrefix=listed-with')).json()) as StatusBody[];
    expect(all.find((i) => i.instanceId === id)?.input).toEqual({ listed: 'yes' });
    const bare = (await (
      await rpc('instances/?instanceIdPrefix=listed-with&showInput=false')
    ).json()) as StatusBody[];
    expect(bare.find((i) => i.instanceId === id)?.input).toBeNull();
  });
});

describe('listing', () => {
  it('filters by status, creation time and id prefix, and pages with continuation tokens', async () => {
    await host.advance(10 * minute);
    const from = new Date(host.clock.now()).toISOString();
    const ids = [await start('waitForever', 1, 'list-1'), await start('waitForever', 2, 'list-2')];
    await host.advance(minute);
    ids.push(await start('passThrough', undefined, 'list-3'));
    await host.waitForIdle();

    const listed = async (query: string): Promise<string[]> => {
      const res = await rpc(`instances/?${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as StatusBody[]).map((s) => s.instanceId);
    };
    expect(await listed(`createdTimeFrom=${from}`)).toEqual(ids);
    expect(await listed(`createdTimeFrom=${from}&runtimeStatus=Running`)).toEqual(['list-1', 'list-2']);
    expect(await listed(`createdTimeFrom=${from}&runtimeStatus=Completed,Failed`)).toEqual(['list-3']);
    expect(await listed(`createdTimeTo=${from}&instanceIdPrefix=list-`)).toEqual(['list-1', 'list-2']);

    const first = await rpc(`instances/?createdTimeFrom=${from}&top=2`);
    const token = first.headers.get('x-ms-continuation-token');
    expect(((await first.json()) as StatusBody[]).map((s) => s.instanceId)).toEqual(['list-1', 'list-2']);
    expect(token).toBeTruthy();
    const second = await rpc(`instances/?createdTimeFrom=${from}&top=2`, {
      headers: { 'x-ms-continuation-token': token ?? '' },
    });
    expect(second.headers.get('x-ms-continuation-token')).toBeNull();
    expect(((await second.json()) as StatusBody[]).map((s) => s.instanceId)).toEqual(['list-3']);
  });

  it('lists through DurableClient.getStatusBy in an HTTP function', async () => {
    const res = await call('/api/durable/instances?runtimeStatus=Running');
    const statuses = (await res.json()) as StatusBody[];
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.runtimeStatus === 'Running')).toBe(true);
    expect(statuses.map((s) => s.instanceId)).toContain('list-1');
  });
});

describe('events, terminate, suspend and resume', () => {
  it('accepts events for running instances (202), 410 once finished, 404 for unknown ids', async () => {
    const id = await start('stages');
    await host.waitForIdle();
    expect(
      (await call(`/api/durable/instances/${id}/events/Continue`, { method: 'POST', body: '1' })).status,
    ).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Completed');
    const historyLength = (await host.inspect(id)).historyEventCount;
    const late = await rpc(`instances/${id}/raiseEvent/Continue`, {
      method: 'POST',
      body: '2',
    });
    expect(late.status).toBe(410);
    // DurableClient resolves on 410, like the extension's client contract says.
    expect(
      (await call(`/api/durable/instances/${id}/events/Continue`, { method: 'POST', body: '3' })).status,
    ).toBe(202);
    await host.waitForIdle();
    expect((await host.inspect(id)).historyEventCount).toBe(historyLength);
    expect((await rpc('instances/ghost/raiseEvent/Continue', { method: 'POST' })).status).toBe(404);
    expect((await call('/api/durable/instances/ghost/events/Continue', { method: 'POST' })).status).toBe(404);
  });

  it('terminates through DurableClient without invoking the orchestrator again', async () => {
    const id = await start('approval');
    await host.waitForIdle();
    const episodes = (await host.inspect(id)).episodes;
    const timersBefore = host.clock.pending().length;
    const res = await call(`/api/durable/instances/${id}/terminate?reason=customer%20cancelled`, {
      method: 'POST',
    });
    expect(res.status).toBe(202);
    await host.waitForIdle();
    const body = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(body).toMatchObject({ runtimeStatus: 'Terminated', output: 'customer cancelled' });
    const snapshot = await host.inspect(id);
    expect(snapshot.episodes).toBe(episodes);
    expect(snapshot.history.some((e) => e.EventType === HistoryEventType.ExecutionTerminated)).toBe(true);
    expect(host.clock.pending().length).toBe(timersBefore - 1);
    expect((await rpc(`instances/${id}/terminate`, { method: 'POST' })).status).toBe(410);
    expect((await rpc('instances/ghost/terminate', { method: 'POST' })).status).toBe(404);
  });

  it('holds events while suspended and runs them after resume', async () => {
    const id = await start('approval');
    await host.waitForIdle();
    expect((await rpc(`instances/${id}/suspend?reason=audit`, { method: 'POST' })).status).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Suspended');
    await rpc(`instances/${id}/raiseEvent/Approved`, {
      method: 'POST',
      headers: json,
      body: '{"by":"carol"}',
    });
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Suspended');
    expect((await rpc(`instances/${id}/resume?reason=ok`, { method: 'POST' })).status).toBe(202);
    await host.waitForIdle();
    const body = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(body).toMatchObject({ runtimeStatus: 'Completed', output: { approvedBy: 'carol' } });
  });

  it('does not rewind (501) and does not run entities (501)', async () => {
    const id = await start('crash');
    await host.waitForIdle();
    expect((await rpc(`instances/${id}/rewind?reason=x`, { method: 'POST' })).status).toBe(501);
    expect((await rpc('entities/counter/one?op=add', { method: 'POST' })).status).toBe(501);
  });
});

describe('purge', () => {
  it('purges one instance through DurableClient, then reports it gone', async () => {
    const id = await start('passThrough');
    await host.waitForIdle();
    const res = await call(`/api/durable/instances/${id}`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ instancesDeleted: 1 });
    expect((await webhookStatus(id)).status).toBe(404);
    const again = await call(`/api/durable/instances/${id}`, { method: 'DELETE' });
    expect(await again.json()).toEqual({ instancesDeleted: 0 });
  });

  it('purges by filter and answers 404 when nothing matched', async () => {
    await host.advance(10 * minute);
    const from = new Date(host.clock.now()).toISOString();
    await start('passThrough', undefined, 'purge-1');
    await start('passThrough', undefined, 'purge-2');
    await start('waitForever', undefined, 'purge-3');
    await host.waitForIdle();
    const res = await rpc(`instances/?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ instancesDeleted: 2 });
    expect(await runtimeStatus('purge-3')).toBe('Running');
    const none = await rpc(`instances/?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(none.status).toBe(404);
  });
});

describe('the durableClient binding', () => {
  it('gives createHttpManagementPayload working webhook URLs that carry the system key', async () => {
    const id = await start('waitForever');
    const res = await call(`/api/durable/payload/${id}`);
    const payload = (await res.json()) as Record<string, string>;
    expect(payload.id).toBe(id);
    expect(payload.sendEventPostUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/{eventName}?taskHub=FixtureHub&connection=Storage&${code()}`,
    );
    const terminate = (payload.terminatePostUri ?? '').replace('{text}', 'via%20payload');
    expect((await fetch(terminate, { method: 'POST' })).status).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Terminated');
  });
});

describe('who may reach the management API', () => {
  const refused = async (res: Response): Promise<[number, string]> => [res.status, await res.text()];
  /** The host's own 404 for a path no function serves: problem+json, so the code tells it apart. */
  /** The host's answer to a path no function serves: a bare 404, as on the real host. */
  const notServed = async (res: Response): Promise<[number, string]> => [
    res.status,
    (await res.text()) === '' ? 'NotFound' : 'a body',
  ];

  it('answers 401 with an empty body on the webhooks without the system key, and changes nothing', async () => {
    const id = await start('stages', { order: 'guarded' });
    await host.waitForIdle();
    const before = await host.inspect(id);
    const webhooks = host.host.durable.webhookBaseUrl;

    expect(await refused(await fetch(`${webhooks}/instances/${id}`))).toEqual([401, '']);
    expect(await refused(await fetch(`${webhooks}/instances/?showInput=true`))).toEqual([401, '']);
    expect(
      await refused(
        await fetch(`${webhooks}/instances/${id}/raiseEvent/Continue?code=wrong`, {
          method: 'POST',
          body: '1',
        }),
      ),
    ).toEqual([401, '']);
    expect(
      await refused(
        await fetch(`${webhooks}/instances/${id}/terminate?reason=forged`, {
          method: 'POST',
          headers: { 'x-functions-key': 'wrong' },
        }),
      ),
    ).toEqual([401, '']);
    expect(
      await refused(await fetch(`${webhooks}/orchestrators/stages?code=`, { method: 'POST', body: '{}' })),
    ).toEqual([401, '']);
    await host.waitForIdle();

    // The event was not delivered and the instance was not terminated: same history, still waiting.
    const after = await host.inspect(id);
    expect(after.historyEventCount).toBe(before.historyEventCount);
    expect(after.episodes).toBe(before.episodes);
    const status = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(status).toMatchObject({ runtimeStatus: 'Running', customStatus: { stage: 'waiting-for-go' } });
  });

  it('serves the webhooks with the key, in the code parameter or the x-functions-key header', async () => {
    const id = await start('stages');
    await host.waitForIdle();
    const { webhookBaseUrl, systemKey } = host.host.durable;
    const byHeader = await fetch(`${webhookBaseUrl}/instances/${id}`, {
      headers: { 'x-functions-key': systemKey },
    });
    expect(byHeader.status).toBe(202);
    const raised = await fetch(`${webhookBaseUrl}/instances/${id}/raiseEvent/Continue?${code()}`, {
      method: 'POST',
      headers: json,
      body: 'null',
    });
    expect(raised.status).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Completed');

    const other = await start('waitForever');
    await host.waitForIdle();
    const terminated = await fetch(`${webhookBaseUrl}/instances/${other}/terminate?reason=keyed`, {
      method: 'POST',
      headers: { 'x-functions-key': systemKey },
    });
    expect(terminated.status).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(other)).toBe('Terminated');
  });

  it('does not serve the rpc paths on the public port (404), only on a loopback listener of its own', async () => {
    const id = await start('stages');
    await host.waitForIdle();
    const before = await host.inspect(id);
    expect(await notServed(await call('/durabletask/instances/'))).toEqual([404, 'NotFound']);
    expect(await notServed(await call(`/durabletask/instances/${id}`))).toEqual([404, 'NotFound']);
    expect(
      await notServed(
        await call(`/durabletask/instances/${id}/raiseEvent/Continue`, { method: 'POST', body: '1' }),
      ),
    ).toEqual([404, 'NotFound']);
    expect(await notServed(await call(`/durabletask/instances/${id}/terminate`, { method: 'POST' }))).toEqual(
      [404, 'NotFound'],
    );
    expect(await notServed(await call('/durabletask/orchestrators/stages', { method: 'POST' }))).toEqual([
      404,
      'NotFound',
    ]);
    await host.waitForIdle();
    expect((await host.inspect(id)).historyEventCount).toBe(before.historyEventCount);
    expect(await runtimeStatus(id)).toBe('Running');

    const rpcUrl = new URL(host.host.durable.rpcBaseUrl);
    expect(rpcUrl.hostname).toBe('127.0.0.1');
    expect(rpcUrl.pathname).toBe('/durabletask/');
    expect(Number(rpcUrl.port)).not.toBe(host.host.port);
    expect((await rpc(`instances/${id}`)).status).toBe(202);
    // The rpc listener carries nothing else: no app routes, no webhooks.
    expect((await fetch(`${rpcUrl.origin}/api/durable/instances/${id}`)).status).toBe(404);
    expect(
      (await fetch(`${rpcUrl.origin}/runtime/webhooks/durabletask/instances/${id}?${code()}`)).status,
    ).toBe(404);
  });

  it('uses a random key of at least 32 bytes, which the rpc payloads carry too', async () => {
    const { systemKey } = host.host.durable;
    expect(systemKey).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(systemKey, 'base64url').length).toBeGreaterThanOrEqual(32);
    // startNew over rpc answers with webhook URLs on the public port, with the key.
    const res = await rpc('orchestrators/waitForever', { method: 'POST', body: '"x"' });
    expect(res.status).toBe(202);
    const payload = (await res.json()) as Record<string, string>;
    expect(payload.statusQueryGetUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${payload.id}?taskHub=FixtureHub&connection=Storage&${code()}`,
    );
    expect((await fetch(payload.statusQueryGetUri ?? '')).status).toBe(202);
  });

  it("keeps the app's DurableClient working: start, status and events through the HTTP starters", async () => {
    const id = await start('stages', { via: 'client' });
    await host.waitForIdle();
    const status = await call(`/api/durable/instances/${id}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ instanceId: id, runtimeStatus: 'Running' });
    const raised = await call(`/api/durable/instances/${id}/events/Continue`, {
      method: 'POST',
      body: 'null',
    });
    expect(raised.status).toBe(202);
    await host.waitForIdle();
    expect(await (await call(`/api/durable/instances/${id}`)).json()).toMatchObject({
      runtimeStatus: 'Completed',
      output: 'finished',
    });
  });
});
