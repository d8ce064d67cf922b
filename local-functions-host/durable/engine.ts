import type { DurableEngineApi, DurableEngineOptions } from '../contracts';
import { createClientBinding } from './createClientBinding';
import { createManagementApi } from './createManagementApi';
import type { HistoryEvent } from './historyEvent';
import type { RuntimeStatus } from './orchestrationInstance';
import { OrchestrationRunner } from './OrchestrationRunner';

/** A read-only look at one instance, for the harness and benchmarks. */
export interface DurableInstanceSnapshot {
  name: string;
  instanceId: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** Events in the current execution's DTFx history, OrchestratorStarted/Completed included. */
  historyEventCount: number;
  history: HistoryEvent[];
  /** Orchestrator invocations (episodes) of this instance so far, all executions together. */
  episodes: number;
  /** Messages waiting in the inbox (for example events held while suspended). */
  pendingMessages: number;
}

/** `DurableEngineApi` plus an `inspect` for tests and benchmarks (additive; the host only needs the base API). */
export interface DurableEngine extends DurableEngineApi {
  inspect(instanceId: string): DurableInstanceSnapshot | undefined;
}

/**
 * The durable engine: registers the `durableClient` input binding with the worker, runs orchestrations and
 * activities in memory, and serves the Durable management HTTP API.
 */
export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  const runner = new OrchestrationRunner(options);
  const binding = JSON.stringify(createClientBinding(options.baseUrl, options.hubName));
  // The extension hands the binding to the worker as a JSON string; DurableClient parses it.
  options.invoker.provideInput('durableClient', () => ({ string: binding }));
  const handleHttp = createManagementApi(runner, options.hubName);
  return {
    handleHttp,
    stop: () => runner.stop(),
    inspect(instanceId) {
      const instance = runner.instances.get(instanceId);
      if (!instance) return undefined;
      const history = instance.execution.history.map((event) => ({ ...event }));
      return {
        name: instance.name,
        instanceId: instance.instanceId,
        executionId: instance.execution.executionId,
        runtimeStatus: instance.status,
        historyEventCount: history.length,
        history,
        episodes: instance.episodes,
        pendingMessages: instance.inbox.length,
      };
    },
  };
}
