import { type WorkflowClient, type WorkflowStatus } from '../../../shared/platform/durable/workflowClient';

/**
 * A workflow client over a map, for use case and handler tests: `start` records the instance as Running (a second
 * start of the same id fails, as the durable runtime refuses it), `status` reads it back, `finish` ends it as an
 * orchestration would. What a test asserts on: `started` (every instance, with its name and input) and `events`.
 */
export function createInMemoryWorkflowClient(clock: () => Date = () => new Date()) {
  const instances = new Map<string, WorkflowStatus>();
  const events: { instanceId: string; eventName: string; data: unknown }[] = [];
  const client: WorkflowClient = {
    start(orchestration, instanceId, input) {
      if (instances.has(instanceId)) {
        return Promise.reject(new Error(`An instance with ID '${instanceId}' already exists.`));
      }
      const now = clock().toISOString();
      instances.set(instanceId, {
        instanceId,
        name: orchestration,
        runtimeStatus: 'Running',
        input,
        output: null,
        customStatus: null,
        createdTime: now,
        lastUpdatedTime: now,
      });
      return Promise.resolve();
    },
    status: (instanceId) => Promise.resolve(instances.get(instanceId)),
    raiseEvent(instanceId, eventName, data) {
      events.push({ instanceId, eventName, data });
      return Promise.resolve();
    },
    terminate(instanceId) {
      const instance = instances.get(instanceId);
      if (instance) instances.set(instanceId, { ...instance, runtimeStatus: 'Terminated' });
      return Promise.resolve();
    },
  };
  return {
    ...client,
    /** Every instance started, in order. */
    get started(): WorkflowStatus[] {
      return [...instances.values()];
    },
    events,
    /** Ends an instance as its orchestration would (Completed with `output`, or Failed). */
    finish(instanceId: string, runtimeStatus: 'Completed' | 'Failed' = 'Completed', output: unknown = null) {
      const instance = instances.get(instanceId);
      if (!instance) throw new Error(`No instance ${instanceId}`);
      instances.set(instanceId, { ...instance, runtimeStatus, output });
    },
  };
}

export type InMemoryWorkflowClient = ReturnType<typeof createInMemoryWorkflowClient>;
