import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../local-functions-host/index';
import { type CollectingLogger, collectingLogger, fixtureAppDir, fixtureEvents } from './fixtureSupport';

let host: LocalHost;
let logger: CollectingLogger;

beforeAll(async () => {
  logger = collectingLogger();
  host = await startLocalHost({
    appDir: fixtureAppDir,
    port: 0,
    clock: 'virtual',
    logger,
    queueTriggers: false,
    env: { FX_UNSUPPORTED: '1' },
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('triggers and bindings the local host does not run', () => {
  it('are listed in one warning at start', () => {
    const warning = logger.lines.find(
      (line) => line.level === 'warn' && line.message.startsWith('The local Functions host does not run'),
    )?.message;
    expect(warning).toContain('fxBlobTriggered: its blobTrigger is not run by the local host');
    expect(warning).toMatch(/fxCosmosOutput: output binding "\w+" \(cosmosDB\) cannot be delivered/);
    expect(warning).toMatch(/fxCosmosOutput: input binding "\w+" \(blob\) gets no value here/);
    // What the host does run is not in it.
    expect(warning).not.toMatch(/fxWork|enqueueWork|durableClient/);
  });

  it('fail an invocation that sets an output the host cannot deliver, and let one that does not set it succeed', async () => {
    const unset = await fetch(`${host.url}/api/cosmos-output`, { method: 'POST' });
    expect(unset.status).toBe(200);
    expect(await unset.text()).toBe('handled');

    const set = await fetch(`${host.url}/api/cosmos-output?set=1`, { method: 'POST' });
    expect(set.status).toBe(500);
    expect(fixtureEvents('fxCosmosOutput').map((event) => event.set)).toEqual([false, true]);
    expect(
      logger.lines.some(
        (line) =>
          line.level === 'error' &&
          /fxCosmosOutput.*set its output binding "\w+" \(type cosmosDB\), which the local Functions host cannot deliver/.test(
            line.message,
          ),
      ),
    ).toBe(true);
  });
});
