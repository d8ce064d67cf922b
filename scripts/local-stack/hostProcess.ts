/**
 * The Functions host process of `npm start` (the launcher's step 5, launchLocalStack.ts): loads the host's modules
 * at once, then waits for the supervisor's `start` message (store endpoints, port), so that loading overlaps with
 * the stores starting. The supervisor restarts this process when it dies unexpectedly.
 *
 * Environment: `APP_DIR`, and the state folder the supervisor decided (`stateFolders`: `durable/` and `timers/`
 * in it, or memory).
 * Stops on SIGTERM/SIGINT, or when the supervisor is gone (its IPC channel closes).
 */
import path from 'node:path';

import { childReport, describeError, hostStartMessage, report } from './childMessages';
import { createConsoleSite, trustsDevelopmentKey } from './consoleSite';
import { launchLocalStack, type LocalStack } from './launchLocalStack';
import { stateFolders } from './stateDirectory';

let stack: LocalStack | undefined;
let stopping = false;

function stop(): void {
  if (stopping) return;
  stopping = true;
  const stopped = stack ? stack.stop() : Promise.resolve();
  // A stop that hangs must not keep the port: the supervisor also bounds it.
  setTimeout(() => process.exit(0), 10_000).unref();
  void stopped.finally(() => process.exit(0));
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, stop);
}
process.on('disconnect', stop);

process.on('message', (raw: unknown) => {
  const parsed = hostStartMessage.safeParse(raw);
  if (!parsed.success || stack || stopping) {
    return;
  }
  const { env, port } = parsed.data;
  const appDir = path.resolve(process.env.APP_DIR ?? path.resolve(__dirname, '..', '..'));
  const folders = stateFolders();
  // The settings the app will see (the local settings are applied in this process by the supervisor's env).
  const settings = { ...process.env, ...env };
  const devSignIn =
    trustsDevelopmentKey(settings) && settings.AUTH_ISSUER && settings.AUTH_AUDIENCE
      ? { issuer: settings.AUTH_ISSUER, audience: settings.AUTH_AUDIENCE }
      : undefined;
  launchLocalStack({
    host: {
      site: createConsoleSite(devSignIn ? { devSignIn } : {}),
      appDir,
      port,
      clock: 'real',
      logInvocations: true,
      env,
      ...(folders ? { durableStateDirectory: folders.durable, timerStateDirectory: folders.timers } : {}),
    },
  })
    .then((started) => {
      stack = started;
      if (stopping) {
        void started.stop().finally(() => process.exit(0));
        return;
      }
      report(childReport.parse({ type: 'ready', port: started.host?.port ?? 0 }));
    })
    .catch((error: unknown) => {
      report({ type: 'failed', message: describeError(error) });
      process.exit(1);
    });
});
