/**
 * The stores process of `npm start`: the Cosmos DB server (later the simulators of Microsoft's services). A
 * process of its own so that the Functions host can crash (`kill -9`) while the stores keep running, as Azure's
 * stores do when a Functions host dies.
 *
 * Environment: `COSMOS_PORT` (required), `COSMOS_STATE_DIR` (the journal's folder; unset: in memory).
 * Stops on SIGTERM/SIGINT, or when the supervisor is gone (its IPC channel closes), writing its snapshot first.
 */
import { startCosmosServer } from '../../local-functions-host/embedded/startCosmosServer';
import { describeError, report } from './childMessages';

async function main(): Promise<void> {
  const port = Number(process.env.COSMOS_PORT);
  const directory = process.env.COSMOS_STATE_DIR;
  const cosmos = await startCosmosServer({
    port,
    ...(directory ? { persistDirectory: directory } : {}),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void cosmos.stop().finally(() => process.exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, stop);
  }
  process.on('disconnect', stop);
  report({ type: 'ready', port: cosmos.port });
}

main().catch((error: unknown) => {
  report({
    type: 'failed',
    message: describeError(error),
    ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code } : {}),
  });
  process.exit(1);
});
