import { z } from 'zod';

/**
 * What the `customers` container holds. Every document of a customer lives in that customer's partition
 * (`/customerId`), so an order, its subscriptions and its entitlements are written in one transactional batch.
 * Names and shapes follow Partner Center (camelCase); `docType` tells the documents apart.
 *
 * The customer document is the anchor of a customer's state: it summarises what the purchase checks need
 * (MCA accepted? Azure plan? active 0145P subscriptions? a purchase running?) so one point read answers them, and
 * every change to that summary is a conditional write (ETag) or part of the batch that makes the change.
 */

export const azurePlanProduct = {
  productId: 'DZH318Z0BPS6',
  skuId: '0001',
  catalogItemId: 'DZH318Z0BPS6:0001',
  offerId: 'MS-AZR-0017G',
  title: 'Microsoft Azure plan',
  billingCycle: 'one_time',
} as const;

export const legacyAzureOffer = { offerId: 'MS-AZR-0145P', title: 'Microsoft Azure (0145P)' } as const;

export const mcaAgreement = {
  type: 'MicrosoftCustomerAgreement',
  templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
} as const;

/** The fixed id of the document that makes a second Azure plan impossible: a second create conflicts (409). */
export const azurePlanMarkerId = 'azure-plan';

const isoDateTime = z.iso.datetime({ offset: true });

export const contactSchema = z.strictObject({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  phoneNumber: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{3,30}$/, 'must be a phone number')
    .optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const segmentSchema = z.enum(['commercial', 'education', 'government', 'nonprofit']);
export const relationshipSchema = z.enum(['direct', 'indirectReseller']);

const stored = {
  customerId: z.string(),
  correlationId: z.string().optional(),
  _etag: z.string().optional(),
};

const workInProgressSchema = z.object({
  kind: z.enum(['purchase', 'transition']),
  /** The purchase id or the transition id (also the instance id of its orchestration). */
  id: z.string(),
  startedAt: isoDateTime,
});

const customerDocumentShape = z.object({
  ...stored,
  id: z.string(),
  docType: z.literal('customer'),
  companyName: z.string(),
  country: z.string().length(2),
  segment: segmentSchema,
  relationship: relationshipSchema,
  primaryContact: contactSchema,
  tenantId: z.string().optional(),
  /** The customer in Partner Center (absent on customers registered before the service bought there). */
  partnerCenterCustomerId: z.string().optional(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** Summary of the latest MCA acceptance; the agreements themselves are separate documents. */
  mca: z.object({
    accepted: z.boolean(),
    agreementId: z.string().optional(),
    dateAgreed: isoDateTime.optional(),
  }),
  azurePlan: z
    .object({ subscriptionId: z.string(), orderId: z.string(), status: z.enum(['active', 'suspended']) })
    .nullable(),
  /** Ids of the customer's Microsoft Azure (0145P) subscriptions that are not deleted. */
  legacySubscriptionIds: z.array(z.string()),
  /** What holds this customer's work in progress: a running purchase or 0145P transition (null when free). */
  workInProgress: workInProgressSchema.nullable(),
});
export const customerDocumentSchema = z.preprocess(readActivePurchaseAsWorkInProgress, customerDocumentShape);
export type CustomerDocument = z.infer<typeof customerDocumentSchema>;
export type WorkInProgress = z.infer<typeof workInProgressSchema>;

/**
 * Customers stored before the work in progress had its name hold it in `activePurchase: { purchaseId, startedAt,
 * kind? }` (no `kind`: only purchases claimed it then) and have no `workInProgress`. Read them as the new shape;
 * the next write stores `workInProgress` only.
 */
function readActivePurchaseAsWorkInProgress(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  if ('workInProgress' in stored || !('activePurchase' in stored)) return stored;
  const { activePurchase, ...rest } = stored;
  if (typeof activePurchase !== 'object' || activePurchase === null) {
    return { ...rest, workInProgress: activePurchase ?? null };
  }
  const { purchaseId, startedAt, kind } = activePurchase as Record<string, unknown>;
  return { ...rest, workInProgress: { kind: kind ?? 'purchase', id: purchaseId, startedAt } };
}

export const agreementDocumentSchema = z.object({
  ...stored,
  id: z.string(),
  docType: z.literal('agreement'),
  type: z.literal(mcaAgreement.type),
  templateId: z.string(),
  dateAgreed: isoDateTime,
  primaryContact: contactSchema,
  /** Who confirmed: the partner user for an attestation, the customer's contact email for a direct acceptance. */
  userId: z.string(),
  method: z.enum(['partnerAttestation', 'customerDirectAcceptance']),
  agreementLink: z.string().optional(),
  createdAt: isoDateTime,
  /** What Partner Center answered when the agreement was posted there (or where it was found), when it was. */
  partnerCenter: z
    .object({
      customerId: z.string(),
      templateId: z.string(),
      dateAgreed: z.string(),
      userId: z.string().nullish(),
    })
    .optional(),
});
export type AgreementDocument = z.infer<typeof agreementDocumentSchema>;

export const orderLineItemSchema = z.object({
  lineItemNumber: z.number().int().nonnegative(),
  offerId: z.string(),
  productId: z.string().optional(),
  skuId: z.string().optional(),
  subscriptionId: z.string(),
  quantity: z.number().int().positive(),
  termDuration: z.string().optional(),
  provisioningContext: z.record(z.string(), z.string()).optional(),
});

export const orderDocumentSchema = z.object({
  ...stored,
  id: z.string(),
  docType: z.literal('order'),
  referenceCustomerId: z.string(),
  billingCycle: z.enum(['one_time', 'monthly', 'annual', 'none']),
  lineItems: z.array(orderLineItemSchema),
  currencyCode: z.string().optional(),
  creationDate: isoDateTime,
  status: z.enum(['completed', 'pending', 'cancelled', 'error']),
  /**
   * The purchase or transition that placed it (idempotent retries find their own order by it): the id that held the
   * customer's work in progress. Stored under its first name; renaming it would need a data migration.
   */
  purchaseId: z.string().optional(),
});
export type OrderDocument = z.infer<typeof orderDocumentSchema>;

export const subscriptionDocumentSchema = z.object({
  ...stored,
  id: z.string(),
  docType: z.literal('subscription'),
  offerId: z.string(),
  offerName: z.string(),
  friendlyName: z.string(),
  quantity: z.number().int().positive(),
  unitType: z.string(),
  billingType: z.enum(['usage', 'license', 'none']),
  status: z.enum(['active', 'suspended', 'deleted']),
  orderId: z.string(),
  creationDate: isoDateTime,
  termDuration: z.string().optional(),
  /** 0145P only: the one Azure subscription it bills, moved under the plan by the transition. */
  azureSubscriptionId: z.string().optional(),
  billingCycle: z.enum(['one_time', 'monthly', 'annual', 'none']).optional(),
  /** Reservations only: what was reserved, and the Azure plan it was bought under. */
  reservation: z
    .object({
      productId: z.string(),
      skuId: z.string(),
      reservationType: z.string(),
      region: z.string(),
      scope: z.literal('shared'),
      azurePlanSubscriptionId: z.string(),
    })
    .optional(),
  /** 0145P only: set by the transition that moved its Azure subscription under the plan. */
  transitionedToEntitlementId: z.string().optional(),
});
export type SubscriptionDocument = z.infer<typeof subscriptionDocumentSchema>;

/** An Azure subscription under the Azure plan (Partner Center's azureEntitlement); `id` is the Azure subscription id. */
export const entitlementDocumentSchema = z.object({
  ...stored,
  id: z.string(),
  docType: z.literal('azureEntitlement'),
  friendlyName: z.string(),
  status: z.enum(['active', 'suspended', 'deleted']),
  /** The Azure plan subscription it belongs to. */
  subscriptionId: z.string(),
  createdAt: isoDateTime,
  /** Set when the transition moved it from a Microsoft Azure (0145P) subscription. */
  movedFromSubscriptionId: z.string().optional(),
});
export type EntitlementDocument = z.infer<typeof entitlementDocumentSchema>;

export const azurePlanMarkerSchema = z.object({
  ...stored,
  id: z.literal(azurePlanMarkerId),
  docType: z.literal('azurePlanMarker'),
  subscriptionId: z.string(),
  orderId: z.string(),
  entitlementId: z.string(),
  /** The purchase or transition that placed the plan (stored name, as the order's `purchaseId`). */
  purchaseId: z.string(),
  createdAt: isoDateTime,
});
export type AzurePlanMarker = z.infer<typeof azurePlanMarkerSchema>;
