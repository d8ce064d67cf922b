import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from '../fixtureSupport';

/** tsx as a loader inside the host's own process: `tsx/cli` would run the host in a grandchild that outlives a SIGKILL. */
const tsxLoader = ['--import', 'tsx'];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the fixture host in a child process; resolves with its rpc base URL once it serves. */
async function spawnHost(
  directory: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; rpc: string }> {
  const child = spawn(
    process.execPath,
    [...tsxLoader, path.join(__dirname, '..', 'runDurableFixtureHost.ts'), directory],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const rpc = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /READY (\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    });
    child.once('exit', (code) => reject(new Error(`host exited (${code}): ${output}`)));
  });
  return { child, rpc };
}

interface Status {
  runtimeStatus: string;
  customStatus: unknown;
  output: unknown;
}

async function status(rpc: string, instanceId: string): Promise<Status> {
  return (await (await fetch(`${rpc}instances/${instanceId}`)).json()) as Status;
}

describe('a host killed with SIGKILL', () => {
  it('leaves its durable instances for the next host on the same folder: waits keep their status, activities in flight run again', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'durable-kill-'));
    const first = await spawnHost(directory, { GATE_CLOSED: '1' });
    expect((await fetch(`${first.rpc}orchestrators/stages/k-wait`, { method: 'POST' })).status).toBe(202);
    expect(
      (
        await fetch(`${first.rpc}orchestrators/throughGate/k-gate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '"k"',
        })
      ).status,
    ).toBe(202);
    await eventually(async () => (await status(first.rpc, 'k-wait')).runtimeStatus === 'Running');
    await eventually(async () => {
      const res = await fetch(`${first.rpc}instances/k-gate/history`);
      const { history } = (await res.json()) as { history: { EventType: number }[] };
      return history.some((event) => event.EventType === 4); // TaskScheduled: the activity is running
    });
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    // The host itself is gone (not a wrapper around it): its port refuses connections.
    await expect(fetch(`${first.rpc}instances/k-wait`)).rejects.toThrow();

    const second = await spawnHost(directory);
    expect(await status(second.rpc, 'k-wait')).toMatchObject({
      runtimeStatus: 'Running',
      customStatus: { stage: 'waiting-for-go' },
    });
    await eventually(async () => (await status(second.rpc, 'k-gate')).runtimeStatus === 'Completed');
    expect((await status(second.rpc, 'k-gate')).output).toBe('passed k');
    const raised = await fetch(`${second.rpc}instances/k-wait/raiseEvent/Continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'null',
    });
    expect(raised.status).toBe(202);
    await eventually(async () => (await status(second.rpc, 'k-wait')).runtimeStatus === 'Completed');
  }, 90_000);
});
