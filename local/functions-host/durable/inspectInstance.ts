import type { HistoryEvent } from './historyEvent';
import type { OrchestrationInstance, RuntimeStatus } from './orchestrationInstance';

/** A read-only look at one instance, for the harness and benchmarks. */
export interface DurableInstanceSnapshot {
  name: string;
  instanceId: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** Events in the current execution's DTFx history, OrchestratorStarted/Completed included. */
  historyEventCount: number;
  /** The raw history (PascalCase, numeric `EventType`) as the orchestrator receives it. */
  history: HistoryEvent[];
  /** Orchestrator invocations (episodes) of this instance so far, all executions together. */
  episodes: number;
  /** Messages waiting in the inbox (for example events held while suspended). */
  pendingMessages: number;
}

export function inspectInstance(instance: OrchestrationInstance): DurableInstanceSnapshot {
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
}
