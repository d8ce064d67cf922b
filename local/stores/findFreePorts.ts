import { randomInt } from 'node:crypto';
import net from 'node:net';

/**
 * Where candidates are drawn from: below Linux's ephemeral range (32768–60999), which the kernel hands out for
 * port 0 and for every outgoing connection. A port found by listening on port 0 and closing again was often taken
 * by a test's next outgoing connection before the program it was meant for could listen on it ("address in use"
 * under two parallel test workers); a port below that range is only ever taken by someone who asks for it.
 */
const lowest = 20_000;
const highest = 32_767;

/**
 * `count` distinct free TCP ports on 127.0.0.1, each checked by listening on it and closing again. For programs
 * that cannot listen on port 0 themselves (the Azurite bin), or whose ports must be known before they start.
 * Another process could still take a port in between; startup then fails with "address in use" and can be retried.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt += 1) {
    if (attempt >= count * 50) throw new Error(`No ${count} free ports between ${lowest} and ${highest}`);
    const candidate = randomInt(lowest, highest + 1);
    if (!ports.has(candidate) && (await isFree(candidate))) ports.add(candidate);
  }
  return [...ports];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
