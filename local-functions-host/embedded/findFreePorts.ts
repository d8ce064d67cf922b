import net from 'node:net';

/**
 * `count` distinct free TCP ports on 127.0.0.1, found by listening on port 0 (all at once, so they differ) and
 * closing again. For programs that cannot listen on port 0 themselves (the Azurite bin). Another process could
 * take a port in between; startup then fails with "address in use" and can simply be retried.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
