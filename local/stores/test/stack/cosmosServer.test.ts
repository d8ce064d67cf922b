import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type Container, CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';

import { type EmbeddedCosmosServer, startCosmosServer } from '../../index';

// These tests pin what the persistence relies on: private fields of @vercel/cosmosdb-server 1.0.1.

interface Doc {
  id: string;
  pk: string;
  n: number;
  _etag?: string;
  _rid?: string;
  _ts?: number;
}

function aStateDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'cosmos-state-'));
}

async function containerOf(endpoint: string, create: boolean): Promise<Container> {
  const client = new CosmosClient({
    endpoint,
    key: 'any',
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  if (!create) {
    return client.database('db').container('docs');
  }
  const { database } = await client.databases.createIfNotExists({ id: 'db' });
  const { container } = await database.containers.createIfNotExists({
    id: 'docs',
    partitionKey: { paths: ['/pk'] },
    defaultTtl: -1,
  });
  return container;
}

async function writeSample(container: Container): Promise<Map<string, Doc>> {
  for (let i = 0; i < 40; i++) {
    await container.items.create({ id: `d${i}`, pk: `p${i % 4}`, n: i });
  }
  await container.item('d1', 'p1').replace({ id: 'd1', pk: 'p1', n: 100 });
  await container.item('d2', 'p2').delete();
  await container.item('d3', 'p3').patch([{ op: 'set', path: '/n', value: 300 }]);
  const { resources } = await container.items.query<Doc>('SELECT * FROM c').fetchAll();
  return new Map(resources.map((doc) => [doc.id, doc]));
}

async function expectSameState(container: Container, before: Map<string, Doc>): Promise<void> {
  const { resources } = await container.items.query<Doc>('SELECT * FROM c').fetchAll();
  expect(resources.length).toBe(before.size);
  for (const doc of resources) {
    const old = before.get(doc.id);
    expect({ etag: doc._etag, rid: doc._rid, ts: doc._ts, n: doc.n }).toEqual({
      etag: old?._etag,
      rid: old?._rid,
      ts: old?._ts,
      n: old?.n,
    });
  }
  expect((await container.item('d2', 'p2').read()).statusCode).toBe(404);
  // A query with parameters, as the app runs them.
  const { resources: big } = await container.items
    .query<Doc>({ query: 'SELECT * FROM c WHERE c.n >= @min', parameters: [{ name: '@min', value: 100 }] })
    .fetchAll();
  expect(big.map((doc) => doc.id).sort()).toEqual(['d1', 'd3']);
  // An ETag from before the restart still guards its write: 200 once, then 412.
  const etag = before.get('d5')?._etag as string;
  const replaced = await container
    .item('d5', 'p1')
    .replace({ id: 'd5', pk: 'p1', n: 5 }, { accessCondition: { type: 'IfMatch', condition: etag } });
  expect(replaced.statusCode).toBe(200);
  await expect(
    container
      .item('d5', 'p1')
      .replace({ id: 'd5', pk: 'p1', n: 6 }, { accessCondition: { type: 'IfMatch', condition: etag } }),
  ).rejects.toMatchObject({ code: 412 });
  await expect(container.items.create({ id: 'd7', pk: 'p3', n: 0 })).rejects.toMatchObject({ code: 409 });
  // New documents get new resource ids, never one already in use.
  const { resource: created } = await container.items.create<Doc>({ id: 'new', pk: 'p0', n: 1 });
  expect([...before.values()].map((doc) => doc._rid)).not.toContain(created?._rid);
  const { resource: container_ } = await container.read();
  expect(container_?.defaultTtl).toBe(-1);
}

describe('Cosmos DB server on disk', () => {
  it('restores documents exactly (ETags, rids, timestamps) after a graceful stop', async () => {
    const directory = aStateDirectory();
    const first = await startCosmosServer({ persistDirectory: directory });
    let before: Map<string, Doc>;
    try {
      before = await writeSample(await containerOf(first.endpoint, true));
    } finally {
      await first.stop();
    }
    const second: EmbeddedCosmosServer = await startCosmosServer({ persistDirectory: directory });
    try {
      await expectSameState(await containerOf(second.endpoint, false), before);
    } finally {
      await second.stop();
    }
    // The writes after the restore are kept too (the snapshot of the second stop).
    const third = await startCosmosServer({ persistDirectory: directory });
    try {
      const container = await containerOf(third.endpoint, false);
      expect((await container.item('new', 'p0').read<Doc>()).resource?.n).toBe(1);
      expect((await container.item('d5', 'p1').read<Doc>()).resource?.n).toBe(5);
    } finally {
      await third.stop();
    }
  });

  it('loses nothing acknowledged when its process is killed with SIGKILL', async () => {
    const directory = aStateDirectory();
    // One process (tsx as a loader, not its CLI, which would run the script in a second one): SIGKILL hits the server.
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '..', 'cosmosCrashChild.ts'), directory],
      { cwd: path.resolve(__dirname, '..', '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let before: Map<string, Doc>;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const match = /port (\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', () => reject(new Error(`the child exited: ${output}`)));
      });
      before = await writeSample(await containerOf(`http://127.0.0.1:${port}`, true));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const restarted = await startCosmosServer({ persistDirectory: directory });
    try {
      await expectSameState(await containerOf(restarted.endpoint, false), before);
    } finally {
      await restarted.stop();
    }
  });

  it('stays in memory without a directory', async () => {
    const server = await startCosmosServer();
    try {
      const container = await containerOf(server.endpoint, true);
      await container.items.create({ id: 'x', pk: 'p', n: 1 });
    } finally {
      await server.stop();
    }
    const again = await startCosmosServer();
    try {
      const client = new CosmosClient({
        endpoint: again.endpoint,
        key: 'any',
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      await expect(client.database('db').read()).rejects.toMatchObject({ code: 404 });
    } finally {
      await again.stop();
    }
  });
});
