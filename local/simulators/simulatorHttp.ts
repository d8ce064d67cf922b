import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every simulator takes for time, so tests can run it on a virtual clock. */
export type SimulatorClock = () => Date;

/** Bodies above this are refused: no request of the simulated APIs comes near it. */
const maxBodyBytes = 1 << 20;

export class RequestBodyTooLarge extends Error {
  constructor() {
    super(`request body above ${maxBodyBytes} bytes`);
  }
}

export async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new RequestBodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-length': 0, ...headers });
  response.end();
}

/** Parses a JSON body; `undefined` for an empty one, an `Error` for one that is not JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Listens on 127.0.0.1 only (never a public interface); port 0 picks a free one. Returns the bound port. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Counts calls per route (method + route template), for `GET /_sim/stats` and the benchmarks. */
export function createCallCounter(): {
  count(route: string): void;
  snapshot(): Record<string, number>;
  reset(): void;
} {
  let calls = new Map<string, number>();
  return {
    count(route) {
      calls.set(route, (calls.get(route) ?? 0) + 1);
    },
    snapshot() {
      return Object.fromEntries([...calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
    },
    reset() {
      calls = new Map();
    },
  };
}
