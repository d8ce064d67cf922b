import { CosmosClient } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';

import { findFreePorts, isPortOpen, startCosmosServer } from '../../index';

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
      // Below the kernel's ephemeral range, so no outgoing connection takes it before its program listens.
      expect(port).toBeLessThan(32_768);
      expect(await isPortOpen(port)).toBe(false);
    }
  });
});
