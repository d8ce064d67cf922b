import { type PurchaseStatus } from '../../shared/domain/api/azurePlanPurchase';
import { type WorkflowClient, type WorkflowStatus } from '../../shared/platform/durable/workflowClient';
import {
  azurePlanPurchaseOrchestration,
  type InvitationProgress,
  type PlacedOrderIds,
  purchaseCustomStatusSchema,
  type PurchaseError,
  purchaseInputSchema,
  purchaseOutcomeSchema,
} from './purchaseWorkflowContract';

/** What the durable store knows about a purchase. */
export interface PurchaseState {
  purchaseId: string;
  customerId: string;
  status: PurchaseStatus;
  createdTime: string;
  lastUpdatedTime: string;
  mcaMethod?: 'alreadyAccepted' | 'attest' | 'invite';
  invitation?: InvitationProgress;
  order?: PlacedOrderIds;
  error?: PurchaseError;
}

const failedUnexpectedly: PurchaseError = {
  code: 'InternalError',
  detail:
    "The purchase stopped on an unexpected error. Check the customer's Azure plan before starting a new purchase.",
};

/**
 * A purchase as the status endpoint reports it, from the durable status alone: the step while it runs (custom
 * status), the outcome once it ended (output). Terminated by an operator reads as cancelled. Instances of other
 * orchestrations (e.g. the transition) are not purchases.
 */
export function toPurchaseState(status: WorkflowStatus): PurchaseState | undefined {
  if (status.name !== azurePlanPurchaseOrchestration) return undefined;
  const input = purchaseInputSchema.safeParse(status.input);
  if (!input.success) return undefined;
  const custom = purchaseCustomStatusSchema.safeParse(status.customStatus);
  const progress = custom.success ? custom.data : undefined;
  const base = {
    purchaseId: input.data.purchaseId,
    customerId: input.data.customerId,
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
    mcaMethod: input.data.mca.method,
    ...(progress?.invitation ? { invitation: progress.invitation } : {}),
    ...(progress?.order ? { order: progress.order } : {}),
  };
  switch (status.runtimeStatus) {
    case 'Completed': {
      const outcome = purchaseOutcomeSchema.safeParse(status.output);
      if (!outcome.success) return { ...base, status: 'failed', error: failedUnexpectedly };
      return {
        ...base,
        status: outcome.data.status,
        ...(outcome.data.invitation ? { invitation: outcome.data.invitation } : {}),
        ...(outcome.data.order ? { order: outcome.data.order } : {}),
        ...(outcome.data.error ? { error: outcome.data.error } : {}),
      };
    }
    case 'Failed':
      return { ...base, status: 'failed', error: failedUnexpectedly };
    case 'Terminated':
    case 'Canceled':
      return { ...base, status: 'cancelled' };
    default:
      return { ...base, status: progress?.step ?? 'validating' };
  }
}

export async function readPurchaseState(
  workflows: Pick<WorkflowClient, 'status'>,
  purchaseId: string,
): Promise<PurchaseState | undefined> {
  const status = await workflows.status(purchaseId);
  return status === undefined ? undefined : toPurchaseState(status);
}

/** A purchase's status and error for callers that only need those (the batch reader). */
export function purchaseStatusReader(workflows: Pick<WorkflowClient, 'status'>) {
  return async (
    purchaseId: string,
  ): Promise<{ status: PurchaseStatus; error?: PurchaseError } | undefined> => {
    const state = await readPurchaseState(workflows, purchaseId);
    if (state === undefined) return undefined;
    return { status: state.status, ...(state.error ? { error: state.error } : {}) };
  };
}

/** Whether a purchase with this id was started. */
export async function purchaseExists(
  workflows: Pick<WorkflowClient, 'status'>,
  purchaseId: string,
): Promise<boolean> {
  return (await readPurchaseState(workflows, purchaseId)) !== undefined;
}
