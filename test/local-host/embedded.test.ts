import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

import { CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';

import { findFreePorts, isPortOpen, startCosmosServer } from '../../local-functions-host/embedded/index';
import { eventually, fixtureAppDir } from './fixtureSupport';

const repositoryRoot = path.resolve(__dirname, '..', '..');

describe('embedded Cosmos DB server', () => {
  it('serves the Cosmos DB protocol over plain HTTP in process, and stop() closes the port', async () => {
    const cosmos = await startCosmosServer();
    try {
      expect(cosmos.endpoint).toBe(`http://127.0.0.1:${cosmos.port}`);
      const client = new CosmosClient({
        endpoint: cosmos.endpoint,
        key: cosmos.key,
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      const { database } = await client.databases.createIfNotExists({ id: 'probe' });
      const { container } = await database.containers.createIfNotExists({
        id: 'items',
        partitionKey: { paths: ['/pk'] },
      });
      await container.items.create({ id: 'a', pk: 'p', n: 1 });
      const { resource } = await container.item('a', 'p').read<{ n: number }>();
      expect(resource?.n).toBe(1);
      await expect(container.items.create({ id: 'a', pk: 'p' })).rejects.toMatchObject({ code: 409 });
    } finally {
      await cosmos.stop();
    }
    expect(await isPortOpen(cosmos.port)).toBe(false);
  });

  it('finds distinct free ports', async () => {
    const ports = await findFreePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      expect(await isPortOpen(port)).toBe(false);
    }
  });
});

/** Every process below `root` (by parent pid), from `ps`. */
function descendants(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of rows) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (scripts/start.ts)', () => {
  it('starts the stores and the host, answers, and leaves no process behind after Ctrl-C', async () => {
    const tsx = createRequire(__filename).resolve('tsx/cli');
    // The fixture app's settings only: no storage or Cosmos settings inherited from the test environment.
    const env: NodeJS.ProcessEnv = { ...process.env, APP_DIR: fixtureAppDir, PORT: '0' };
    delete env.AzureWebJobsStorage;
    delete env.COSMOS_ENDPOINT;
    const child: ChildProcess = spawn(process.execPath, [tsx, 'scripts/start.ts'], {
      cwd: repositoryRoot,
      // Its own process group, like a terminal job: the Ctrl-C below goes to the whole group.
      detached: true,
      env: {
        ...process.env,
        APP_DIR: fixtureAppDir,
        PORT: '0',
        AzureWebJobsStorage: '',
        COSMOS_ENDPOINT: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let url: string | undefined;
      await eventually(() => {
        url = /Functions host\s+(http:\/\/localhost:\d+)/.exec(output)?.[1];
        return url !== undefined || child.exitCode !== null;
      }, 40_000);
      expect(url, output).toBeDefined();
      expect(output).toContain(`Try:  curl ${url}/api/health`);
      expect(output).toMatch(/Storage\s+(embedded Azurite|an Azurite already listening)/);
      expect(output).toMatch(/Cosmos DB\s+(embedded Cosmos DB server|something already listening)/);
      const response = await fetch(`${url}/api/users/me`);
      expect(response.status).toBe(200);

      const started = descendants(child.pid as number);
      expect(started.length).toBeGreaterThan(0);
      process.kill(-(child.pid as number), 'SIGINT');
      // 0 from our handler, or 130 (the shell convention for SIGINT) when tsx's own relay of the signal wins the
      // race on a loaded machine; what matters is that it ends and leaves nothing behind.
      expect([0, 130]).toContain(await exited);
      // The group's processes end on their own schedule after the parent: wait for that, not for a fixed time.
      await eventually(() => started.filter(alive).length === 0).catch(() => undefined);
      expect(started.filter(alive)).toEqual([]);
      expect(output).toContain('SIGINT: stopping');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-(child.pid as number), 'SIGKILL');
      }
    }
  }, 60_000);
});
