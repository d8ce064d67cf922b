import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HistoryEventType } from '../../local-functions-host/durable/historyEvent';
import { type DurableFixtureHost, startDurableFixtureHost } from './startDurableFixtureHost';

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

function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${host.baseUrl}${path}`, init);
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

async function webhookStatus(instanceId: string, query = ''): Promise<Response> {
  return call(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}${query}`);
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
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/order-1?taskHub=FixtureHub&connection=Storage&code=local`,
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
    const direct = await call('/durabletask/orchestrators/waitForever/order-1', {
      method: 'POST',
      body: '"x"',
    });
    expect(direct.status).toBe(409);
  });

  it('restarts a finished instance id as a new instance', async () => {
    const id = await start('stages', undefined, 'restartable');
    await call(`/durabletask/instances/${id}/terminate?reason=done`, { method: 'POST' });
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Terminated');
    await start('stages', { again: true }, id);
    await host.waitForIdle();
    const body = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(body).toMatchObject({ runtimeStatus: 'Running', input: { again: true } });
  });

  it('answers 400 for a function that is not an orchestrator', async () => {
    const res = await call('/durabletask/orchestrators/echoActivity', { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('waits for the outcome on the create-and-wait URI', async () => {
    const res = await call('/runtime/webhooks/durabletask/orchestrators/passThrough?timeout=5&code=local', {
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

    await call(`/durabletask/instances/${id}/raiseEvent/Continue`, { method: 'POST', body: 'null' });
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
    // The raw DTFx history keeps every event, OrchestratorStarted/Completed included.
    expect((await host.inspect(id)).historyEventCount).toBe(16);
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
      const res = await call(`/durabletask/instances/?${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as StatusBody[]).map((s) => s.instanceId);
    };
    expect(await listed(`createdTimeFrom=${from}`)).toEqual(ids);
    expect(await listed(`createdTimeFrom=${from}&runtimeStatus=Running`)).toEqual(['list-1', 'list-2']);
    expect(await listed(`createdTimeFrom=${from}&runtimeStatus=Completed,Failed`)).toEqual(['list-3']);
    expect(await listed(`createdTimeTo=${from}&instanceIdPrefix=list-`)).toEqual(['list-1', 'list-2']);

    const first = await call(`/durabletask/instances/?createdTimeFrom=${from}&top=2`);
    const token = first.headers.get('x-ms-continuation-token');
    expect(((await first.json()) as StatusBody[]).map((s) => s.instanceId)).toEqual(['list-1', 'list-2']);
    expect(token).toBeTruthy();
    const second = await call(`/durabletask/instances/?createdTimeFrom=${from}&top=2`, {
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
    const late = await call(`/durabletask/instances/${id}/raiseEvent/Continue`, {
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
    expect((await call('/durabletask/instances/ghost/raiseEvent/Continue', { method: 'POST' })).status).toBe(
      404,
    );
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
    expect((await call(`/durabletask/instances/${id}/terminate`, { method: 'POST' })).status).toBe(410);
    expect((await call('/durabletask/instances/ghost/terminate', { method: 'POST' })).status).toBe(404);
  });

  it('holds events while suspended and runs them after resume', async () => {
    const id = await start('approval');
    await host.waitForIdle();
    expect((await call(`/durabletask/instances/${id}/suspend?reason=audit`, { method: 'POST' })).status).toBe(
      202,
    );
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Suspended');
    await call(`/durabletask/instances/${id}/raiseEvent/Approved`, {
      method: 'POST',
      body: '{"by":"carol"}',
    });
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Suspended');
    expect((await call(`/durabletask/instances/${id}/resume?reason=ok`, { method: 'POST' })).status).toBe(
      202,
    );
    await host.waitForIdle();
    const body = (await (await webhookStatus(id)).json()) as StatusBody;
    expect(body).toMatchObject({ runtimeStatus: 'Completed', output: { approvedBy: 'carol' } });
  });

  it('does not rewind (501) and does not run entities (501)', async () => {
    const id = await start('crash');
    await host.waitForIdle();
    expect((await call(`/durabletask/instances/${id}/rewind?reason=x`, { method: 'POST' })).status).toBe(501);
    expect((await call('/durabletask/entities/counter/one?op=add', { method: 'POST' })).status).toBe(501);
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
    const res = await call(`/durabletask/instances/?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ instancesDeleted: 2 });
    expect(await runtimeStatus('purge-3')).toBe('Running');
    const none = await call(`/durabletask/instances/?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(none.status).toBe(404);
  });
});

describe('the durableClient binding', () => {
  it('gives createHttpManagementPayload working webhook URLs with the code placeholder', async () => {
    const id = await start('waitForever');
    const res = await call(`/api/durable/payload/${id}`);
    const payload = (await res.json()) as Record<string, string>;
    expect(payload.id).toBe(id);
    expect(payload.sendEventPostUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/{eventName}?taskHub=FixtureHub&connection=Storage&code=local`,
    );
    const terminate = (payload.terminatePostUri ?? '').replace('{text}', 'via%20payload');
    expect((await fetch(terminate, { method: 'POST' })).status).toBe(202);
    await host.waitForIdle();
    expect(await runtimeStatus(id)).toBe('Terminated');
  });
});
