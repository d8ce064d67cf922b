import type * as df from 'durable-functions';

/** What the service needs to know about a workflow instance (the durable status, narrowed). */
export interface WorkflowStatus {
  instanceId: string;
  name: string;
  /** `Running`, `Pending`, `Completed`, `Failed`, `Terminated`, `ContinuedAsNew`, `Suspended`… */
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

/**
 * The small port use cases and handlers use to drive workflows, instead of the durable SDK's client: start one,
 * read its status, wake it with an event, end it. Tests give use cases an in-memory one.
 */
export interface WorkflowClient {
  /** Starts `orchestration` under `instanceId` with `input`. */
  start(orchestration: string, instanceId: string, input: unknown): Promise<void>;
  /** The instance's status, or undefined when the durable store does not know it. */
  status(instanceId: string): Promise<WorkflowStatus | undefined>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
}

const runningStates: readonly string[] = ['Running', 'Pending', 'ContinuedAsNew', 'Suspended'];

/** Whether a status is of an instance that has not finished. */
export function isRunning(status: Pick<WorkflowStatus, 'runtimeStatus'>): boolean {
  return runningStates.includes(status.runtimeStatus);
}

const dateText = (value: Date | string | undefined): string =>
  value instanceof Date ? value.toISOString() : (value ?? '');

/** The port over the Durable Functions client of one invocation. */
export function workflowClientOver(durable: df.DurableClient): WorkflowClient {
  return {
    async start(orchestration, instanceId, input) {
      await durable.startNew(orchestration, { instanceId, input });
    },
    async status(instanceId) {
      let status: df.DurableOrchestrationStatus;
      try {
        status = await durable.getStatus(instanceId, { showInput: true });
      } catch (error) {
        // durable-functions reports an unknown instance as an Error whose message names the HTTP 404.
        if (error instanceof Error && /\b404\b/.test(error.message)) return undefined;
        throw error;
      }
      return {
        instanceId: status.instanceId,
        name: status.name,
        runtimeStatus: String(status.runtimeStatus),
        input: status.input,
        output: status.output,
        customStatus: status.customStatus,
        createdTime: dateText(status.createdTime),
        lastUpdatedTime: dateText(status.lastUpdatedTime),
      };
    },
    async raiseEvent(instanceId, eventName, data) {
      await durable.raiseEvent(instanceId, eventName, data);
    },
    async terminate(instanceId, reason) {
      await durable.terminate(instanceId, reason);
    },
  };
}
