import type { DurableEngineApi, DurableEngineOptions } from '../contracts';
import { createClientBinding } from './createClientBinding';
import { createManagementApi } from './createManagementApi';
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
}

/**
 * The durable engine: registers the `durableClient` input binding with the worker, runs orchestrations and
 * activities in memory, and serves the Durable management HTTP API.
 */
export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  const runner = new OrchestrationRunner(options);
  const { baseUrl, hubName, systemKey, rpcBaseUrl } = options;
  const binding = JSON.stringify(createClientBinding({ baseUrl, hubName, systemKey, rpcBaseUrl }));
  // The extension hands the binding to the worker as a JSON string; DurableClient parses it.
  options.invoker.provideInput('durableClient', () => ({ string: binding }));
  const api = createManagementApi(runner, { baseUrl, hubName, systemKey, rpcBaseUrl });
  return {
    handleWebhook: api.webhook,
    handleRpc: api.rpc,
    stop: () => runner.stop(),
    inspect(instanceId) {
      const instance = runner.instances.get(instanceId);
      return instance ? inspectInstance(instance) : undefined;
    },
  };
}
