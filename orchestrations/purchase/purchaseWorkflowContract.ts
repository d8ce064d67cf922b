import { z } from 'zod';

import { purchaseStatusSchema } from '../../shared/domain/api/azurePlanPurchase';
import { type Contact } from '../../shared/domain/documents/documents';
import { mcaDecisionSchema } from '../../shared/domain/rules/azurePlanPurchase';

/**
 * The contract between the purchase starter, the orchestrator, its activities and the status reader: names and
 * the small, serialisable shapes that cross the durable history. No I/O here, so the orchestrator may import it.
 */
export const azurePlanPurchaseOrchestration = 'azurePlanPurchase';

export const purchaseEvents = {
  /** Raised by the invitation acceptance and by a partner attestation; the waiting purchase goes on. */
  mcaAccepted: 'McaAccepted',
  /** Raised by `POST /api/purchases/{purchaseId}/cancel`. */
  purchaseCancelled: 'PurchaseCancelled',
} as const;

/**
 * The name each activity of `createPurchaseActivities` is registered under. Running orchestrations replay their
 * history by these names, so a name stays when its activity is renamed in the code (`recordAzurePlan` was
 * `placeOrder`, `releaseWorkInProgress` was `releaseSlot`).
 */
export const purchaseActivityNames = {
  inviteCustomer: 'azurePlanPurchase-inviteCustomer',
  remindCustomer: 'azurePlanPurchase-remindCustomer',
  closeInvitation: 'azurePlanPurchase-closeInvitation',
  recordAzurePlan: 'azurePlanPurchase-placeOrder',
  findPlacedOrder: 'azurePlanPurchase-findPlacedOrder',
  releaseWorkInProgress: 'azurePlanPurchase-releaseSlot',
  confirmMca: 'azurePlanPurchase-confirmMca',
  createCart: 'azurePlanPurchase-createCart',
  checkout: 'azurePlanPurchase-checkout',
  readProvisioning: 'azurePlanPurchase-readProvisioning',
  readSignature: 'azurePlanPurchase-readSignature',
} as const;

const requestedBySchema = z.object({ userId: z.string(), name: z.string().optional() });

export const invitationProgressSchema = z
  .object({ email: z.string(), expiresAt: z.string(), remindersSent: z.number().int().nonnegative() })
  .meta({ id: 'InvitationProgress' });
export type InvitationProgress = z.infer<typeof invitationProgressSchema>;

/**
 * The shape of the orchestration input this build writes (see docs/workflows.md, "Changing a workflow"). Every new execution
 * (a start or a continue-as-new) carries it; an input without it was journaled by a build before the tag
 * (version 1), and its execution replays the decisions that build made. An orchestrator refuses a version it does
 * not know (a newer build's instance met by an older one) instead of misreading it.
 *
 * - 2: the provisioning wait continues as new every few looks at the order;
 * - 3: a look at the order that Partner Center throttles or cannot answer keeps the wait going (to its deadline)
 *   and counts toward the execution's bound, instead of failing a purchase whose order was placed.
 * - 4: a checkout whose outcome is unclear (unanswered, throttled, or answered 800064/800065/800060 while the order
 *   is not listed yet) is settled by asking Partner Center again until it shows the order or a deadline passes,
 *   instead of failing a purchase that may have bought.
 *   And a step Partner Center throttles ends by time (an hour of throttling without a break), not after 20 answers,
 *   and its waits back off (orchestrations/partnerCenterThrottling.ts).
 */
export const purchaseInputVersion = 4;
export const purchaseInputVersions: readonly number[] = [1, 2, 3, purchaseInputVersion];

/**
 * Carried from one execution to the next while Partner Center provisions the order: the ids of what was bought and
 * the position in the poll schedule. The deadline counts from `checkedOutAt`, across executions.
 */
export const provisioningWaitSchema = z.object({
  partnerCenterCustomerId: z.string(),
  orderId: z.string(),
  /** The Azure plan catalog item id the cart bought (the subscription's `offerId`). */
  catalogItemId: z.string(),
  checkedOutAt: z.string(),
  /** How often the order was looked at so far: the position in the back-off schedule. */
  polls: z.number().int().nonnegative(),
  invitation: invitationProgressSchema.optional(),
});
export type ProvisioningWait = z.infer<typeof provisioningWaitSchema>;

/** The orchestration input: ids and the small MCA decision, never documents. */
export const purchaseInputSchema = z.object({
  /** Absent: version 1 (journaled before the tag). Any number is read here, so status reads never break on it. */
  version: z.number().int().positive().optional(),
  purchaseId: z.string(),
  customerId: z.string(),
  correlationId: z.string(),
  requestedBy: requestedBySchema,
  mca: mcaDecisionSchema,
  /**
   * Carried from one execution to the next while the purchase waits for the signature (each round ends with
   * continue-as-new, so no execution's history grows with the length of the wait).
   */
  wait: z.object({ invitedAt: z.string(), remindersSent: z.number().int().nonnegative() }).optional(),
  /** Carried while the purchase waits for Partner Center to provision the order (continue-as-new every few polls). */
  provisioning: provisioningWaitSchema.optional(),
  /** Carried into every activity: the trace of the request that started the purchase, and when it started. */
  telemetry: z.object({ traceparent: z.string().optional(), startedAt: z.string().optional() }).optional(),
});
export type PurchaseInput = z.infer<typeof purchaseInputSchema>;

export const placedOrderIdsSchema = z.object({
  orderId: z.string(),
  subscriptionId: z.string(),
  entitlementId: z.string(),
});
export type PlacedOrderIds = z.infer<typeof placedOrderIdsSchema>;

export const purchaseErrorSchema = z
  .object({
    code: z.string(),
    detail: z.string(),
    /** Partner Center's own code when it refused (e.g. 13605, 800089). */
    partnerCenterCode: z.number().int().optional(),
  })
  .meta({ id: 'PurchaseError' });
export type PurchaseError = z.infer<typeof purchaseErrorSchema>;

/** What the orchestrator shows while it runs (`setCustomStatus`): the step, as Partner Center's screens name it. */
export const purchaseCustomStatusSchema = z.object({
  step: purchaseStatusSchema,
  mcaMethod: z.enum(['alreadyAccepted', 'attest', 'invite']),
  invitation: invitationProgressSchema.optional(),
  order: placedOrderIdsSchema.optional(),
  error: purchaseErrorSchema.optional(),
});
export type PurchaseCustomStatus = z.infer<typeof purchaseCustomStatusSchema>;

/** How a purchase ended: the orchestration's output. */
export const purchaseOutcomeSchema = z.object({
  status: z.enum(['completed', 'failed', 'expired', 'cancelled']),
  order: placedOrderIdsSchema.optional(),
  invitation: invitationProgressSchema.optional(),
  error: purchaseErrorSchema.optional(),
});
export type PurchaseOutcome = z.infer<typeof purchaseOutcomeSchema>;

/** Activity inputs and results. Business outcomes are values: error types do not survive the activity boundary. */
export interface InviteCustomerInput extends TracedStep {
  purchaseId: string;
  customerId: string;
  email: string;
  expiresAt: string;
  correlationId: string;
}

export interface RemindCustomerInput extends InviteCustomerInput {
  round: number;
}

export interface CloseInvitationInput extends InviteCustomerInput {
  outcome: 'expired' | 'cancelled';
}

/**
 * How a step at Partner Center ended, as a value (error types do not cross the activity boundary). `throttled`:
 * the workflow waits `retryAfterMs` on a durable timer and repeats the step; an outage (`Unavailable`) is thrown
 * and retried by the activity retry policy; `refused` ends the purchase with the contract's code.
 */
export type PartnerCenterStepResult<T> =
  | { outcome: 'done'; value: T }
  | { outcome: 'throttled'; retryAfterMs: number }
  | { outcome: 'refused'; error: PurchaseError };

export interface PartnerCenterStepInput extends TracedStep {
  purchaseId: string;
  customerId: string;
  correlationId: string;
}

export interface ConfirmMcaInput extends PartnerCenterStepInput {
  /** The attestation given with the purchase; else the acceptance the service holds (the invitation link). */
  attestation?: { primaryContact: Contact; dateAgreed: string };
}

/** The customer as Partner Center knows it, for the steps that follow. */
export interface ConfirmedCustomer {
  partnerCenterCustomerId: string;
  country: string;
}

export interface CreateCartInput extends PartnerCenterStepInput, ConfirmedCustomer {
  /** 0, then 1, 2… for each rebuild after a stale availability (400019): a new cart is a new step. */
  attempt: number;
}

export interface CreatedCart {
  cartId: string;
  /** The Azure plan catalog item id for the customer's country (`DZH318Z0BPS6:0001:…`). */
  catalogItemId: string;
}

export interface CheckoutInput extends PartnerCenterStepInput {
  partnerCenterCustomerId: string;
  cartId: string;
}

/**
 * The checkout's answer: the order, or `unsettled` when Partner Center said the cart is being processed or was
 * already submitted (800064, 800065, 800060: the order is, or is being, placed, §2.2) but neither the orders list
 * nor the subscriptions show it yet (lists lag up to 15 minutes, §4).
 */
export type CheckoutOutcome = { orderId: string } | { orderId?: undefined; unsettled: number };

export interface ReadProvisioningInput extends PartnerCenterStepInput {
  partnerCenterCustomerId: string;
  orderId: string;
}

/** Partner Center's ids once the order is provisioned; `provisioned: false` while it is pending. */
export type Provisioning =
  { provisioned: false } | { provisioned: true; subscriptionId: string; entitlementId: string };

export type ReadSignatureInput = PartnerCenterStepInput;

/**
 * What the stores (and Partner Center) say about the MCA of a waiting purchase: the truth the workflow re-reads
 * at every wake-up, since an event only wakes it (and one raised during continue-as-new may never arrive).
 */
export type SignatureState = 'accepted' | 'cancelled' | 'waiting';

export interface RecordAzurePlanInput extends TracedStep {
  purchaseId: string;
  customerId: string;
  correlationId: string;
  requestedBy: { userId: string; name?: string | undefined };
  ids: PlacedOrderIds;
  /** The Azure plan catalog item id the order bought (the subscription's `offerId`). */
  offerId?: string;
  /** The attestation given with the purchase, recorded in the same batch as the order. */
  attestation?: { primaryContact: Contact; dateAgreed: string };
  /** The orchestration's time, so a retry writes the same timestamps. */
  placedAt: string;
}

export type RecordAzurePlanResult =
  | { outcome: 'placed'; order: PlacedOrderIds; alreadyPlaced: boolean }
  | { outcome: 'rejected'; error: PurchaseError };

/** What every activity input of the purchase may carry for its trace and metrics (shared/platform/telemetry). */
export interface TracedStep {
  telemetry?: PurchaseInput['telemetry'];
}

export interface ReleaseWorkInProgressInput extends TracedStep {
  purchaseId: string;
  customerId: string;
  correlationId: string;
  /** Set when the purchase ends failed: its error code (counted in the failure metric). */
  failure?: string;
}

/** Asks, once `recordAzurePlan` gave up, whether this purchase's order was placed anyway (written, then a step failed). */
export type FindPlacedOrderInput = ReleaseWorkInProgressInput;

/** The order this purchase placed, or null when it placed none. */
export type FindPlacedOrderResult = PlacedOrderIds | null;
