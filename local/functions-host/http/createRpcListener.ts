import type { IncomingMessage, ServerResponse } from 'node:http';

import type { DurableEngineApi, HostLogger, WorkTracker } from '../contracts';

export interface RpcListenerOptions {
  durable: Pick<DurableEngineApi, 'handleRpc'>;
  tracker: WorkTracker;
  logger: HostLogger;
  /** `host:port` for URLs of requests without a Host header. */
  fallbackHost: string;
}

/**
 * The request handler of the durable rpc listener: the loopback-only server that `DurableClient` reaches through
 * `rpcBaseUrl` (the extension's local HTTP endpoint, port 17071 on the real host). It carries the whole management
 * API without a key, which is why it never shares the public port. Anything but `/durabletask/*` is a 404.
 */
export function createRpcListener(
  options: RpcListenerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { durable, tracker, logger, fallbackHost } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? fallbackHost}`);
    if (await durable.handleRpc(req, res, url)) return;
    // Read the unused body so a keep-alive connection stays usable.
    req.resume();
    res.statusCode = 404;
    res.setHeader('content-length', 0);
    res.end();
  }

  return (req, res) => {
    // DurableClient calls are work too: waitForIdle() must not resolve while a start or an event is on the wire.
    const end = tracker.begin(`durable rpc ${req.method ?? ''} ${req.url ?? ''}`);
    res.once('close', end);
    handle(req, res).catch((error: unknown) => {
      logger.error(
        `durable rpc ${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  };
}
