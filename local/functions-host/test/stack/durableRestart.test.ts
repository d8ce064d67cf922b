import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runDurableCli } from '../../durable/durableCli';
import { journalFile } from '../../durable/durableJournal';
import { type LocalHost, silentLogger, startLocalHost } from '../../index';
import { eventually, fixtureAppDir, fixtureEvents } from '../fixtureSupport';

const minute = 60_000;
const hour = 60 * minute;
const t0 = Date.parse('2025-01-01T00:00:00Z');

let host: LocalHost | undefined;

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/** The fixture app on the virtual clock, keeping its durable instances in `directory`. */
async function open(directory: string, at = t0, durableCompactAfterBytes?: number): Promise<LocalHost> {
  host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    startTime: new Date(at),
    logger: silentLogger,
    loadLocalSettings: false,
    queueTriggers: false,
    durableStateDirectory: directory,
    ...(durableCompactAfterBytes === undefined ? {} : { durableCompactAfterBytes }),
  });
  return host;
}

/** Graceful stop (compacts the journal). */
async function stop(): Promise<void> {
  await host?.stop();
  host = undefined;
}

/** A crash: nothing more is written, in-flight work is lost. */
async function crash(): Promise<void> {
  await host?.abandon();
  host = undefined;
}

function aStateDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'durable-state-'));
}

function live(): LocalHost {
  if (!host) throw new Error('no host running');
  return host;
}

async function rpc(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${live().durable.rpcBaseUrl}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function startNew(name: string, instanceId: string, input?: unknown): Promise<void> {
  const res = await rpc('POST', `orchestrators/${name}/${instanceId}`, input);
  expect(res.status).toBe(202);
  await live().waitForIdle();
}

async function raise(instanceId: string, eventName: string, data: unknown): Promise<void> {
  const res = await rpc('POST', `instances/${instanceId}/raiseEvent/${eventName}`, data);
  expect(res.status).toBe(202);
  await live().waitForIdle();
}

interface Status {
  runtimeStatus: string;
  customStatus: unknown;
  output: unknown;
  input: unknown;
}

async function status(instanceId: string): Promise<Status> {
  const res = await rpc('GET', `instances/${instanceId}`);
  expect([200, 202]).toContain(res.status);
  return (await res.json()) as Status;
}

interface Snapshot {
  historyEventCount: number;
  pendingMessages: number;
}

async function snapshot(instanceId: string): Promise<Snapshot> {
  const res = await rpc('GET', `instances/${instanceId}/history`);
  return (await res.json()) as Snapshot;
}

const gateKey = Symbol.for('local-host-fixture.gate');

/** The fixture's `gated` activity waits on this; `open()` lets it finish. */
function closeGate(): () => void {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  (globalThis as Record<symbol, unknown>)[gateKey] = { opened };
  return open;
}

describe('durable instances across restarts', () => {
  it('keeps a waiting orchestration, its status and custom status over a graceful restart; an event then completes it', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('stages', 'wait-1');
    const before = await snapshot('wait-1');
    await stop();

    // Graceful stop compacts: one snapshot line per instance.
    const lines = readFileSync(journalFile(directory, 'FixtureHub'), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { t: string }).t)).toEqual(['snapshot']);

    await open(directory, t0 + hour);
    expect(await status('wait-1')).toMatchObject({
      runtimeStatus: 'Running',
      customStatus: { stage: 'waiting-for-go' },
    });
    expect((await snapshot('wait-1')).historyEventCount).toBe(before.historyEventCount);
    await raise('wait-1', 'Continue', null);
    expect(await status('wait-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'finished' });
  });

  it('fires at start a timer that came due while the host was down, and keeps a timer not yet due', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('shortTimer', 'timer-due');
    await live().advance(10 * minute);
    await startNew('approval', 'timer-later');
    await crash();

    // Back 65 minutes after the start: the 1-hour timer is due, the approval's deadline (t0+70 min) is not.
    await open(directory, t0 + 65 * minute);
    await live().waitForIdle();
    expect(await status('timer-due')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { started: new Date(t0).toISOString(), woke: new Date(t0 + 65 * minute).toISOString() },
    });
    expect((await status('timer-later')).runtimeStatus).toBe('Running');
    await live().advance(5 * minute);
    expect(await status('timer-later')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { approvedBy: null, timedOut: true },
    });
  });

  it('runs again an activity that was scheduled but had not completed when the host crashed', async () => {
    const directory = aStateDirectory();
    closeGate();
    await open(directory);
    await rpc('POST', 'orchestrators/throughGate/gate-1', 'g1');
    await eventually(() => fixtureEvents('gated').some((event) => event.input === 'g1'));
    await crash();

    const openGate = closeGate();
    openGate();
    await open(directory);
    await live().waitForIdle();
    expect(await status('gate-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'passed g1' });
    expect(fixtureEvents('gated').filter((event) => event.input === 'g1')).toHaveLength(2);
  });

  it('keeps events buffered in the history and messages held while suspended', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('timerThenEvent', 'buffered-1');
    await raise('buffered-1', 'Go', { n: 1 });
    await startNew('stages', 'held-1');
    expect((await rpc('POST', 'instances/held-1/suspend?reason=hold')).status).toBe(202);
    await live().waitForIdle();
    await raise('held-1', 'Continue', null);
    expect((await snapshot('held-1')).pendingMessages).toBe(1);
    await crash();

    await open(directory, t0 + 2 * hour);
    await live().waitForIdle();
    // The timer came due while down; the event raised during it was waiting in the history.
    expect(await status('buffered-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { go: { n: 1 } },
    });
    expect((await status('held-1')).runtimeStatus).toBe('Suspended');
    expect((await snapshot('held-1')).pendingMessages).toBe(1);
    expect((await rpc('POST', 'instances/held-1/resume?reason=go')).status).toBe(202);
    await live().waitForIdle();
    expect(await status('held-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'finished' });
  });

  it('resumes a sub-orchestration under its parent, and a continue-as-new chain', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('parentOfWaiting', 'family');
    await startNew('accumulator', 'chain', 0);
    await raise('chain', 'Add', 3);
    await raise('chain', 'Add', 4);
    expect(await status('chain')).toMatchObject({ runtimeStatus: 'Running', input: 7 });
    await crash();

    await open(directory);
    expect((await status('family-child')).runtimeStatus).toBe('Running');
    expect((await status('family')).runtimeStatus).toBe('Running');
    await raise('family-child', 'Go', 'yes');
    expect(await status('family')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { fromChild: { child: 'family-child', got: 'yes' } },
    });
    await raise('chain', 'Add', 5);
    expect(await status('chain')).toMatchObject({ runtimeStatus: 'Completed', output: { total: 12 } });
  });

  it('survives a torn last line (a crash in the middle of a write)', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('stages', 'torn-1');
    await crash();
    appendFileSync(journalFile(directory, 'FixtureHub'), '{"t":"msg","id":"torn-1","item":{"seq":');

    await open(directory);
    expect(await status('torn-1')).toMatchObject({ runtimeStatus: 'Running' });
    await raise('torn-1', 'Continue', null);
    expect((await status('torn-1')).runtimeStatus).toBe('Completed');
  });

  it('lets a person read the journal with `npm run durable -- list|show|history`', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('stages', 'cli-1', { who: 'cli' });
    await crash();

    const cli = (...args: string[]): string => runDurableCli([...args, '--dir', directory], directory);
    expect(cli('list')).toMatch(/cli-1.*stages.*Running/);
    expect(JSON.parse(cli('show', 'cli-1'))).toMatchObject({
      instanceId: 'cli-1',
      runtimeStatus: 'Running',
      input: { who: 'cli' },
      customStatus: { stage: 'waiting-for-go' },
    });
    const history = cli('history', 'cli-1')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { EventType: string }).EventType);
    expect(history).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'OrchestratorCompleted']);
  });

  it('loses nothing when the journal is compacted after every step, with activities and children in flight', async () => {
    const directory = aStateDirectory();
    closeGate();
    await open(directory, t0, 1);
    await startNew('parentOfWaiting', 'compact-family');
    await startNew('accumulator', 'compact-chain', 0);
    await raise('compact-chain', 'Add', 6);
    await rpc('POST', 'orchestrators/throughGate/compact-gate', 'c1');
    await eventually(() => fixtureEvents('gated').some((event) => event.input === 'c1'));
    await crash();
    // Compacted during the run (no graceful stop): the last step left only snapshots behind.
    expect(
      readFileSync(journalFile(directory, 'FixtureHub'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { t: string }).t),
    ).toEqual(['snapshot', 'snapshot', 'snapshot', 'snapshot']);

    closeGate()();
    await open(directory, t0, 1);
    await live().waitForIdle();
    expect(await status('compact-gate')).toMatchObject({ runtimeStatus: 'Completed', output: 'passed c1' });
    await raise('compact-family-child', 'Go', 1);
    expect((await status('compact-family')).runtimeStatus).toBe('Completed');
    await raise('compact-chain', 'Add', 6);
    expect(await status('compact-chain')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { total: 12 },
    });
  });

  it('refuses a folder another live process holds, and takes over the lock of a dead one', async () => {
    const directory = aStateDirectory();
    // The test runner's parent process is alive and is not this one.
    writeFileSync(path.join(directory, 'FixtureHub.lock'), String(process.ppid));
    await expect(open(directory)).rejects.toThrow(/in use by process/);
    writeFileSync(path.join(directory, 'FixtureHub.lock'), '2147483646');
    await open(directory);
    await startNew('stages', 'after-lock');
    expect((await status('after-lock')).runtimeStatus).toBe('Running');
  });

  it('forgets a purged instance for good', async () => {
    const directory = aStateDirectory();
    await open(directory);
    await startNew('stages', 'purge-me');
    await rpc('POST', 'instances/purge-me/terminate?reason=done');
    await live().waitForIdle();
    expect((await rpc('DELETE', 'instances/purge-me')).status).toBe(200);
    await crash();

    await open(directory);
    expect((await rpc('GET', 'instances/purge-me')).status).toBe(404);
  });
});
