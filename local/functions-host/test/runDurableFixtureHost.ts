/**
 * A local host on the fixture app, on the real clock, keeping its durable instances in the folder given as the first
 * argument: the process the kill -9 test kills. Prints `READY <rpcBaseUrl>` once it serves. With GATE_CLOSED=1 the
 * fixture's `gated` activity never finishes in this process (an activity in flight when it is killed).
 */
import { silentLogger, startLocalHost } from '../index';
import { fixtureAppDir } from './fixtureSupport';

async function main(): Promise<void> {
  const directory = process.argv[2];
  if (!directory) throw new Error('usage: runDurableFixtureHost <state directory>');
  if (process.env.GATE_CLOSED === '1') {
    (globalThis as Record<symbol, unknown>)[Symbol.for('local-host-fixture.gate')] = {
      opened: new Promise(() => {}),
    };
  }
  const host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    logger: silentLogger,
    loadLocalSettings: false,
    queueTriggers: false,
    durableStateDirectory: directory,
  });
  process.stdout.write(`READY ${host.durable.rpcBaseUrl}\n`);
  process.once('SIGTERM', () => void host.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
