import { type WorkInProgressHolderState } from '../domain/rules/azurePlanPurchase';
import { isRunning, type WorkflowClient } from '../platform/durable/workflowClient';

/**
 * Whether the instance holding a customer's work in progress still runs: any orchestration, purchases and
 * transitions alike (their starts and the reconciliation ask it before taking over a work in progress).
 */
export async function workInProgressHolderState(
  workflows: Pick<WorkflowClient, 'status'>,
  instanceId: string,
): Promise<WorkInProgressHolderState> {
  const status = await workflows.status(instanceId);
  if (status === undefined) return 'unknown';
  return isRunning(status) ? 'running' : 'finished';
}
