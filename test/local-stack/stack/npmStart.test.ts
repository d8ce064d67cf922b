import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type Container, CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';

import { eventually } from '../../support/eventually';
import { alive, killTree, processTree } from '../../support/processes';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
/** The local host's fixture app: a small app whose state survives restarts in the stores npm start runs. */
const fixtureAppDir = path.join(repositoryRoot, 'local/functions-host/test/fixture-app');

interface RunningStack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  url: string;
  cosmosEndpoint: string;
  hostPid: number;
}

const tsx = createRequire(__filename).resolve('tsx/cli');

/** `npm start` (after its build) on free ports with its own state folder, as a terminal job. */
async function startStack(stateDir: string): Promise<RunningStack> {
  const child: ChildProcess = spawn(process.execPath, [tsx, 'scripts/start.ts'], {
    cwd: repositoryRoot,
    // Its own process group, like a terminal job: the Ctrl-C below goes to the whole group.
    detached: true,
    // The fixture app's settings only: no storage or Cosmos settings inherited from the test environment.
    env: {
      ...process.env,
      APP_DIR: fixtureAppDir,
      PORT: '0',
      AZURITE_BLOB_PORT: '0',
      AZURITE_QUEUE_PORT: '0',
      AZURITE_TABLE_PORT: '0',
      COSMOS_PORT: '0',
      LOCAL_STATE_DIR: stateDir,
      AzureWebJobsStorage: '',
      COSMOS_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const runningLine = /Functions host\s+(http:\/\/localhost:\d+).*pid (\d+)/;
  // A start that never comes up is reported just below, with its output.
  await eventually(() => runningLine.test(output), 60_000, { intervalMs: 100 }).catch(() => undefined);
  const running = runningLine.exec(output);
  const cosmos = /Cosmos DB\s+embedded Cosmos DB server at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
  if (!running || !cosmos) {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    throw new Error(`npm start did not come up:\n${output}`);
  }
  return {
    child,
    output: () => output,
    exited,
    url: running[1] as string,
    cosmosEndpoint: cosmos[1] as string,
    hostPid: Number(running[2]),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/users/me`)).status === 200;
  } catch {
    return false;
  }
}

function cosmosContainer(endpoint: string): Container {
  return new CosmosClient({ endpoint, key: 'any', connectionPolicy: { enableEndpointDiscovery: false } })
    .database('probe')
    .container('items');
}

describe('npm start (scripts/start.ts)', () => {
  it('survives a host crash and a whole-stack SIGKILL, keeps the stores, and leaves nothing behind after Ctrl-C', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'npm-start-state-'));
    const first = await startStack(stateDir);
    try {
      expect(first.output()).toContain(`Try:  curl ${first.url}/api/health`);
      expect(first.output()).toMatch(/Storage\s+embedded Azurite .*on disk/);
      expect(await answers(first.url)).toBe(true);
      const client = new CosmosClient({
        endpoint: first.cosmosEndpoint,
        key: 'any',
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      const { database } = await client.databases.createIfNotExists({ id: 'probe' });
      await database.containers.createIfNotExists({ id: 'items', partitionKey: { paths: ['/pk'] } });
      await cosmosContainer(first.cosmosEndpoint).items.create({ id: 'kept', pk: 'p' });

      // Host-only crash: the stores live on, the supervisor brings the host back on the same port.
      process.kill(first.hostPid, 'SIGKILL');
      await eventually(() => /The Functions host is back/.test(first.output()), 40_000, {
        what: () => `the host back after its crash:\n${first.output()}`,
      });
      expect(await answers(first.url)).toBe(true);
      expect(first.output()).toContain(
        `The Functions host (pid ${first.hostPid}) exited unexpectedly (SIGKILL)`,
      );

      // Whole-stack crash: every process npm start started dies at once, without any chance to save.
      killTree(first.child.pid as number);
      await first.exited;
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) {
        process.kill(-(first.child.pid as number), 'SIGKILL');
      }
    }

    // The next start needs no cleanup (stale pid file, ports) and has what was acknowledged before the crash.
    const second = await startStack(stateDir);
    try {
      expect(await answers(second.url)).toBe(true);
      const { resource } = await cosmosContainer(second.cosmosEndpoint)
        .item('kept', 'p')
        .read<{ id: string }>();
      expect(resource?.id).toBe('kept');

      const started = processTree(second.child.pid as number).slice(1);
      expect(started.length).toBeGreaterThan(2);
      process.kill(-(second.child.pid as number), 'SIGINT');
      // 0 from our handler, or 130 (the shell convention for SIGINT) when tsx's own relay of the signal wins the
      // race on a loaded machine; what matters is that it ends and leaves nothing behind.
      expect([0, 130]).toContain(await second.exited);
      await eventually(() => started.filter(alive).length === 0, 5_000, {
        what: () => `every process gone (still running: ${String(started.filter(alive))})`,
      });
      expect(second.output()).toContain('SIGINT: stopping');
      expect(second.output()).toMatch(/stopped the local Functions host[\s\S]*stopped stores process/);
    } finally {
      if (second.child.exitCode === null && second.child.signalCode === null) {
        process.kill(-(second.child.pid as number), 'SIGKILL');
      }
    }
  }, 180_000);
});
