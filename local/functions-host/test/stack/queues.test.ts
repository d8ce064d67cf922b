import { QueueClient } from '@azure/storage-queue';
import { type EmbeddedAzurite, startAzurite } from '@azure-plan-local/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../index';
import {
  type CollectingLogger,
  collectingLogger,
  eventually,
  fixtureAppDir,
  fixtureEvents,
} from '../fixtureSupport';

let azurite: EmbeddedAzurite;
let host: LocalHost;
let logger: CollectingLogger;

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const fromBase64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

function queue(name: string): QueueClient {
  return new QueueClient(azurite.connectionString, name);
}

async function send(name: string, rawText: string): Promise<string> {
  const client = queue(name);
  await client.createIfNotExists();
  return (await client.sendMessage(rawText)).messageId;
}

/** Every message in the queue, raw, removed (bounded: the test queues hold a handful). */
async function takeAll(name: string): Promise<string[]> {
  const client = queue(name);
  if (!(await client.exists())) {
    return [];
  }
  const texts: string[] = [];
  for (let round = 0; round < 10; round++) {
    const { receivedMessageItems } = await client.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 60,
    });
    if (receivedMessageItems.length === 0) {
      break;
    }
    for (const item of receivedMessageItems) {
      texts.push(item.messageText);
      await client.deleteMessage(item.messageId, item.popReceipt);
    }
  }
  return texts;
}

/** The fixture's host.json has visibilityTimeout 1 s; most tests run with the real default, 0, to be fast. */
function start(hostJson?: Record<string, unknown>): Promise<LocalHost> {
  return startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    logger,
    loadLocalSettings: false,
    env: { AzureWebJobsStorage: azurite.connectionString },
    ...(hostJson ? { hostJson } : {}),
  });
}

beforeAll(async () => {
  azurite = await startAzurite({ services: ['queue'] });
  logger = collectingLogger();
  host = await start({ extensions: { queues: { visibilityTimeout: '00:00:00' } } });
});

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('storage queue triggers', () => {
  it('decodes a base64 message, passes the trigger metadata, and writes the output binding base64-encoded', async () => {
    const before = Date.now();
    const id = await send('fx-work', base64(JSON.stringify({ hello: 'world' })));
    await host.drainQueues();

    const [event] = fixtureEvents('fxWork').filter((e) => (e.metadata as { id: string }).id === id);
    expect(event?.message).toEqual({ hello: 'world' });
    const metadata = event?.metadata as Record<string, unknown>;
    expect(metadata.dequeueCount).toBe(1);
    expect(metadata.queueTrigger).toEqual({ hello: 'world' });
    expect(typeof metadata.popReceipt).toBe('string');
    for (const key of ['insertionTime', 'expirationTime', 'nextVisibleTime']) {
      expect(metadata[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
    }
    const inserted = Date.parse(metadata.insertionTime as string);
    expect(inserted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(Date.parse(metadata.expirationTime as string)).toBeGreaterThan(inserted);

    const done = await takeAll('fx-done');
    expect(done).toHaveLength(1);
    // Raw storage content is base64, not the JSON itself.
    expect(done[0]).not.toContain('{');
    expect(JSON.parse(fromBase64(done[0] as string))).toEqual({
      processed: { hello: 'world' },
      dequeueCount: 1,
    });
    expect(await takeAll('fx-work')).toEqual([]);
  });

  it('makes one output message per element of an array return value', async () => {
    await send('fx-fan-out', base64('abc'));
    await host.drainQueues();
    const out = (await takeAll('fx-fan-out-done')).map(fromBase64);
    expect(out.sort()).toEqual(['42', 'text:abc', '{"n":1}'].sort());
  });

  it('moves a message that always fails to <queue>-poison after exactly 5 dequeues', async () => {
    const raw = base64('doomed');
    await send('fx-always-fails', raw);
    // A host that never poisons would retry until drainQueues() times out; one that poisons late shows a 6th try.
    await host.drainQueues();

    const tries = fixtureEvents('fxAlwaysFails').map((e) => e.dequeueCount);
    expect(tries).toEqual([1, 2, 3, 4, 5]);
    expect(await takeAll('fx-always-fails-poison')).toEqual([raw]);
    expect(await takeAll('fx-always-fails')).toEqual([]);
    expect(
      logger.lines.some((l) => l.message.includes("Moving message to queue 'fx-always-fails-poison'")),
    ).toBe(true);
  });

  it('takes batchSize messages at a time and the next batch at newBatchThreshold', async () => {
    for (let i = 0; i < 12; i++) {
      await send('fx-batch', base64(`m${i}`));
    }
    await host.drainQueues();
    const events = fixtureEvents('fxBatch');
    expect(events.map((e) => e.message).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`).sort());
    const maxRunning = Math.max(...events.map((e) => e.running as number));
    // batchSize 4 + newBatchThreshold 2 (fixture host.json): never more than 6 at once, but really concurrent.
    expect(maxRunning).toBeLessThanOrEqual(6);
    expect(maxRunning).toBeGreaterThanOrEqual(3);
  });

  it('moves a message that is not valid base64 to the poison queue without invoking the function', async () => {
    const invocationsBefore = fixtureEvents('fxWork').length;
    await send('fx-work', 'this is not base64!');
    await host.drainQueues();
    expect(await takeAll('fx-work-poison')).toEqual(['this is not base64!']);
    expect(fixtureEvents('fxWork')).toHaveLength(invocationsBefore);
  });

  it('keeps a failed message invisible for visibilityTimeout before the next try', async () => {
    // The same app again, now with the fixture's host.json as it is (visibilityTimeout 1 s).
    await host.stop();
    host = await start();
    await send('fx-flaky', base64('try me'));
    await host.drainQueues();
    const tries = fixtureEvents('fxFlaky');
    expect(tries.map((e) => e.dequeueCount)).toEqual([1, 2]);
    const gap = (tries[1]?.at as number) - (tries[0]?.at as number);
    // host.json visibilityTimeout is 1 s; without it the retry would come within one polling interval.
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(await takeAll('fx-flaky-poison')).toEqual([]);
  });

  it('delivers an HTTP function’s queue output, and drainQueues() follows it through the next trigger', async () => {
    const response = await fetch(`${host.url}/api/enqueue-work`, {
      method: 'POST',
      body: JSON.stringify({ from: 'http' }),
    });
    expect(response.status).toBe(202);
    await host.drainQueues();
    expect(fixtureEvents('fxWork').some((e) => (e.message as { from?: string }).from === 'http')).toBe(true);
    expect((await takeAll('fx-done')).map((m) => JSON.parse(fromBase64(m)) as unknown)).toEqual([
      { processed: { from: 'http' }, dequeueCount: 1 },
    ]);
  });

  it('wakes the trigger of a queue at once when an output binding of this host writes to it', async () => {
    await host.stop();
    // A back-off that keeps growing: without the wake-up, a sleeping trigger would wait up to an hour.
    host = await start({
      extensions: { queues: { visibilityTimeout: '00:00:00', maxPollingInterval: '01:00:00' } },
    });
    // Wait (bounded) until fx-work's poller sleeps with at least 4 s to go; that takes about 4 s of back-off.
    let pollAt = 0;
    await eventually(() => {
      const next = host.queueTriggers.find((trigger) => trigger.queueName === 'fx-work')?.nextPollAt;
      pollAt = next ?? 0;
      return next !== undefined && next - Date.now() > 4000;
    }, 60_000);
    await fetch(`${host.url}/api/enqueue-work`, { method: 'POST', body: JSON.stringify({ wake: pollAt }) });
    await eventually(
      () => fixtureEvents('fxWork').some((e) => (e.message as { wake?: number }).wake === pollAt),
      60_000,
    );
    const ran = fixtureEvents('fxWork').find((e) => (e.message as { wake?: number }).wake === pollAt);
    // It ran before the poll its trigger was sleeping until: the output binding woke it.
    expect(ran?.at).toBeLessThan(pollAt);
  });

  it('stops polling on stop(), and stopping Azurite kills its process', async () => {
    await host.stop();
    const before = fixtureEvents('fxWork').length;
    await send('fx-work', base64(JSON.stringify({ after: 'stop' })));
    // Long enough for a poller that kept running (its back-off was just reset by drainQueues) to poll again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fixtureEvents('fxWork')).toHaveLength(before);
    expect(await takeAll('fx-work')).toHaveLength(1);

    const pid = azurite.pid;
    await azurite.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
