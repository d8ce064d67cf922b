import { type PaceState } from '../../../shared/domain/rules/partnerCenterPace';
import { type PaceStore } from '../../../shared/partnerCenterPace/partnerCenterPace';
import { lostRace } from '../../../shared/platform/cosmos/retryOnConflict';

/**
 * The pace document in memory, with the Cosmos repository's semantics: a write is conditional on the ETag read
 * (a create on none), and loses to any write in between. `latency` (ms, on the caller's timers) puts time between
 * a read and its write, so instances that take at once race as they would against Cosmos DB.
 */
export function createInMemoryPaceStore(options: { latencyMs?: number } = {}) {
  let document: { state: PaceState; etag: string } | undefined;
  let version = 0;
  const stats = { reads: 0, writes: 0, lostRaces: 0 };
  const pause = () =>
    options.latencyMs ? new Promise((resolve) => setTimeout(resolve, options.latencyMs)) : Promise.resolve();
  const store: PaceStore = {
    async read() {
      await pause();
      stats.reads += 1;
      return document ? structuredClone(document) : undefined;
    },
    async write(state, etag) {
      await pause();
      if (document?.etag !== etag) {
        stats.lostRaces += 1;
        return lostRace;
      }
      stats.writes += 1;
      version += 1;
      document = { state: structuredClone(state), etag: `"${version}"` };
    },
  };
  return { store, stats, current: () => document?.state };
}
