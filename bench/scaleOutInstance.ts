/**
 * One more instance of the app, in a process of its own, as Flex Consumption adds one: the local host runs the
 * built app with its own triggers (its own `purchase-requests` poller with host.json's concurrency, its own
 * module state: the app's pace client, its caches), against the same Azurite, Cosmos DB and simulators as the
 * first instance, and with the first instance's task hub (`sharedTaskHub`), as instances share theirs in Azure.
 * Started by bench/startScaleOutInstances.ts; prints `ready` once it polls, stops on SIGTERM.
 *
 * Environment: the app's settings, and SCALE_OUT_TASK_HUB (JSON of the first host's `durable`).
 */
import { type LocalHostDurable, silentLogger } from '@azure-plan-local/functions-host';

import { launchLocalStack } from '../scripts/local-stack/launchLocalStack';

async function main(): Promise<void> {
  const appDir = process.env.SCALE_OUT_APP_DIR;
  const hub = process.env.SCALE_OUT_TASK_HUB;
  if (!appDir || !hub) throw new Error('SCALE_OUT_APP_DIR and SCALE_OUT_TASK_HUB must be set');
  // The launcher's host step alone: the stores and simulators are the first instance's.
  const stack = await launchLocalStack({
    host: {
      appDir,
      port: 0,
      clock: 'real',
      loadLocalSettings: false,
      ...(process.env.BENCH_LOGS ? {} : { logger: silentLogger }),
      sharedTaskHub: JSON.parse(hub) as LocalHostDurable,
    },
  });
  const stop = (): void => {
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
