/**
 * The stores process of `npm start`: the launcher's steps 2 and 3 (launchLocalStack.ts), the Cosmos DB server and
 * the simulators of Microsoft's services (identity, Partner Center, ARM). A process of its own so that the Functions
 * host can crash (`kill -9`) while the stores keep running, as Azure's stores (and Microsoft's APIs) do when a
 * Functions host dies.
 *
 * Environment: `COSMOS_PORT` (unset: no Cosmos DB server), `SIMULATORS=1` to start the simulators, and the state
 * folder the supervisor decided (`stateFolders`: `cosmos/` and `simulators/` in it, or memory).
 * Reports the Cosmos port and the app settings that point at the simulators. Stops on SIGTERM/SIGINT, or when the
 * supervisor is gone (its IPC channel closes), writing snapshots first.
 */
import { parseFaultSwitches } from '@azure-plan-local/simulators';

import { describeError, report } from './childMessages';
import { launchLocalStack } from './launchLocalStack';
import { stateFolders } from './stateDirectory';

const simulatedSeconds = Number(process.env.SIMULATOR_PROVISIONING_SECONDS ?? 3);

async function main(): Promise<void> {
  const cosmosPort = process.env.COSMOS_PORT;
  const folders = stateFolders();
  const directory = folders?.cosmos;
  const simulatorsDirectory = folders?.simulators;
  const stack = await launchLocalStack({
    cosmos:
      cosmosPort === undefined
        ? false
        : { port: Number(cosmosPort), ...(directory ? { persistDirectory: directory } : {}) },
    simulators:
      process.env.SIMULATORS === '1'
        ? {
            ports: {
              identity: Number(process.env.SIMULATOR_IDENTITY_PORT ?? 0),
              partnerCenter: Number(process.env.SIMULATOR_PARTNER_CENTER_PORT ?? 0),
              azureResourceManager: Number(process.env.SIMULATOR_ARM_PORT ?? 0),
            },
            ...(simulatorsDirectory ? { stateDirectory: simulatorsDirectory } : {}),
            // How long the local Partner Center takes for what Microsoft does in the background: provisioning a
            // new order, registering a subscription for reservations, the 0145P upgrade (Microsoft gives no figure;
            // seconds to minutes is what partners report; the simulator's own defaults are 30-60 s). Short by
            // default so that the README's walkthrough, tried by hand, answers in seconds.
            partnerCenter: {
              provisioningDelayMs: simulatedSeconds * 1000,
              registrationDelayMs: simulatedSeconds * 1000,
              upgradeDelayMs: simulatedSeconds * 1000,
              // Orders show in lists at once unless the `orderListLag` fault switch is on (docs/partner-center.md).
              orderListDelayMs: 0,
              faults: {
                switches: parseFaultSwitches(process.env.SIMULATOR_FAULTS),
                seed: Number(process.env.SIMULATOR_FAULT_SEED ?? 1),
              },
            },
            // And ARM, creating an Azure subscription (its simulator's default is 30 s).
            azureResourceManager: { provisioningDelaySeconds: simulatedSeconds },
          }
        : false,
  });
  const { cosmos, simulators } = stack;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void stack.stop().finally(() => process.exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, stop);
  }
  process.on('disconnect', stop);
  report({
    type: 'ready',
    port: cosmos?.server?.port ?? 0,
    ...(simulators ? { settings: simulators.settings } : {}),
  });
}

main().catch((error: unknown) => {
  report({
    type: 'failed',
    message: describeError(error),
    ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code } : {}),
  });
  process.exit(1);
});
