import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../../index';
import { type CollectingLogger, collectingLogger, fixtureAppDir, fixtureEvents } from '../fixtureSupport';

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
    expect(warning).toMatch(
      /fxBlobInput: input binding "\w+" \(blob\) cannot be provided; every invocation fails/,
    );
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

  it('fail an invocation whose input binding the host cannot provide, naming the binding, without running the handler', async () => {
    const response = await fetch(`${host.url}/api/blob-input`);
    // The real host reads the input first; here the handler would have run with `undefined` and answered 404.
    expect(response.status).toBe(500);
    expect(fixtureEvents('fxBlobInput')).toEqual([]);
    expect(
      logger.lines.some(
        (line) =>
          line.level === 'error' &&
          /Executed 'Functions\.fxBlobInput' \(Failed.*input binding "\w+" \(type blob\), which the local Functions host cannot provide/.test(
            line.message,
          ),
      ),
    ).toBe(true);
  });
});
