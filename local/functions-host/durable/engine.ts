import type { DurableEngineApi, DurableEngineOptions } from '../contracts';
import { createClientBinding } from './createClientBinding';
import { createManagementApi } from './createManagementApi';
import { type DurableStore, openJournalStore } from './durableJournal';
import { type DurableInstanceSnapshot, inspectInstance } from './inspectInstance';
import { OrchestrationRunner } from './OrchestrationRunner';

export type { DurableInstanceSnapshot } from './inspectInstance';

/**
 * `DurableEngineApi` plus `inspect` for tests and benchmarks (additive; the host only needs the base API). Over
 * HTTP the same snapshot is served at `GET {rpcBaseUrl}instances/{id}/history` (a local-host-only route; also under
 * the webhooks, with the system key).
 */
export interface DurableEngine extends DurableEngineApi {
  inspect(instanceId: string): DurableInstanceSnapshot | undefined;
  /** Picks up the instances recovered from `durableStateDirectory`; call once the host can run functions. */
  recover(): void;
  /** A crash, for tests: stops without writing anything more (no compaction, results in flight dropped). */
  abandon(): void;
}

/**
 * The durable engine: registers the `durableClient` input binding with the worker, runs orchestrations and
 * activities (in memory, or journaled in `durableStateDirectory`), and serves the Durable management HTTP API.
 */
export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  const store: DurableStore | undefined =
    options.durableStateDirectory === undefined
      ? undefined
      : openJournalStore({
          directory: options.durableStateDirectory,
          hubName: options.hubName,
          // Called only after the runner exists (compaction happens on steps and on stop).
          instances: () => runner.instances.values(),
          compactAfterBytes: options.durableCompactAfterBytes,
        });
  const runner: OrchestrationRunner = new OrchestrationRunner(options, store);
  const { baseUrl, hubName, systemKey, rpcBaseUrl } = options;
  const binding = JSON.stringify(createClientBinding({ baseUrl, hubName, systemKey, rpcBaseUrl }));
  // The extension hands the binding to the worker as a JSON string; DurableClient parses it.
  options.invoker.provideInput('durableClient', () => ({ string: binding }));
  const api = createManagementApi(runner, { baseUrl, hubName, systemKey, rpcBaseUrl });
  return {
    handleWebhook: api.webhook,
    handleRpc: api.rpc,
    stop: () => runner.stop(),
    recover: () => runner.recover(),
    abandon: () => runner.abandon(),
    inspect(instanceId) {
      const instance = runner.instances.get(instanceId);
      return instance ? inspectInstance(instance) : undefined;
    },
  };
}
