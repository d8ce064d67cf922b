import {
  type TransitionLine,
  transitionProgressSchema,
  type TransitionStatus,
} from '../../shared/domain/api/azurePlanTransition';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import { azurePlanTransitionOrchestration, transitionInputSchema } from './transitionWorkflowContract';

/** A transition as `GET /api/transitions/{transitionId}` reports it. */
export interface TransitionState {
  transitionId: string;
  customerId: string;
  status: TransitionStatus;
  createdTime: string;
  lastUpdatedTime: string;
  lineItems: TransitionLine[];
  azurePlan?: { subscriptionId: string; orderId: string };
  error?: { code: string; detail: string };
}

const failedUnexpectedly = {
  code: 'InternalError',
  detail:
    'The transition stopped on an unexpected error. Check the customer subscriptions before starting again.',
};

/**
 * From the durable status alone: the progress while it runs (custom status), the outcome once it ended (output).
 * Instances of other orchestrations (purchases) are not transitions.
 */
export function toTransitionState(status: {
  name: string;
  input: unknown;
  output?: unknown;
  customStatus?: unknown;
  runtimeStatus: string;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
}): TransitionState | undefined {
  if (status.name !== azurePlanTransitionOrchestration) return undefined;
  const input = transitionInputSchema.safeParse(status.input);
  if (!input.success) return undefined;
  const runtimeStatus: string = status.runtimeStatus;
  const reported = transitionProgressSchema.safeParse(
    runtimeStatus === 'Completed' ? status.output : status.customStatus,
  );
  const progress = reported.success ? reported.data : { status: 'validating' as const, lineItems: [] };
  const state: TransitionState = {
    transitionId: input.data.transitionId,
    customerId: input.data.customerId,
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
    ...progress,
  };
  if (runtimeStatus === 'Failed' || runtimeStatus === 'Terminated' || runtimeStatus === 'Canceled') {
    return { ...state, status: 'failed', error: state.error ?? failedUnexpectedly };
  }
  if (runtimeStatus === 'Completed' && !reported.success) {
    return { ...state, status: 'failed', error: failedUnexpectedly };
  }
  return state;
}

export async function readTransitionState(
  workflows: WorkflowClient,
  transitionId: string,
): Promise<TransitionState | undefined> {
  const status = await workflows.status(transitionId);
  return status === undefined ? undefined : toTransitionState(status);
}
