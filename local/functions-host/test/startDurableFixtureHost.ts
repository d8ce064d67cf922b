import path from 'node:path';

import type { DurableInstanceSnapshot } from '../durable/engine';
import { type HostLogger, type LocalHost, silentLogger, startLocalHost, VirtualClock } from '../index';

export interface DurableFixtureHost {
  host: LocalHost;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  clock: VirtualClock;
  waitForIdle(): Promise<void>;
  advance(ms: number): Promise<void>;
  /** The raw DTFx history and counters of one instance, from the local host's `{rpcBaseUrl}instances/{id}/history`. */
  inspect(instanceId: string): Promise<DurableInstanceSnapshot>;
  stop(): Promise<void>;
}

/** The fixture app on the real local host (worker, front door, durable engine) with the virtual clock. */
export async function startDurableFixtureHost(
  logger: HostLogger = silentLogger,
): Promise<DurableFixtureHost> {
  const host = await startLocalHost({
    appDir: path.join(__dirname, 'fixture-app'),
    port: 0,
    clock: 'virtual',
    startTime: new Date('2025-01-01T00:00:00Z'),
    logger,
    loadLocalSettings: false,
    queueTriggers: false,
  });
  const clock = host.clock;
  if (!(clock instanceof VirtualClock)) throw new Error('expected the virtual clock');
  return {
    host,
    baseUrl: host.url,
    clock,
    waitForIdle: () => host.waitForIdle(),
    advance: (ms) => host.advance(ms),
    async inspect(instanceId) {
      const res = await fetch(
        `${host.durable.rpcBaseUrl}instances/${encodeURIComponent(instanceId)}/history`,
      );
      if (res.status !== 200) throw new Error(`no history for ${instanceId}: ${res.status}`);
      return (await res.json()) as DurableInstanceSnapshot;
    },
    stop: () => host.stop(),
  };
}
