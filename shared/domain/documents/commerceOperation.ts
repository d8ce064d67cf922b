import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });

/** Refusal or failure that ended an operation, as the contract names it. */
export const operationErrorSchema = z.object({
  code: z.string(),
  detail: z.string(),
  partnerCenterCode: z.number().int().optional(),
});
export type OperationError = z.infer<typeof operationErrorSchema>;

/**
 * A purchase at Microsoft that may outlast its HTTP request: an Azure subscription created through ARM, a
 * reservation (registration, cart, checkout, provisioning), a 0145P order. It records every id Microsoft gave back
 * BEFORE the next step uses it (the cart id before checkout, the order id before provisioning is awaited), so that
 * whoever continues it — the request itself, or a later `GET` of its `Location` — repeats nothing that happened.
 */
export const commerceOperationDocumentSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  correlationId: z.string().optional(),
  _etag: z.string().optional(),
  docType: z.literal('commerceOperation'),
  kind: z.enum(['azureSubscription', 'reservation', 'legacyOrder']),
  status: z.enum(['running', 'succeeded', 'failed']),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** What was asked for (the validated request body, re-parsed by the use case of `kind`). */
  request: z.record(z.string(), z.unknown()),
  /** Microsoft's ids, each written as soon as it is known. */
  progress: z.object({
    aliasName: z.string().optional(),
    registrationRequested: z.boolean().optional(),
    cartId: z.string().optional(),
    orderId: z.string().optional(),
  }),
  /** What it produced (for `succeeded`). */
  result: z
    .object({
      entitlementId: z.string().optional(),
      orderId: z.string().optional(),
    })
    .optional(),
  error: operationErrorSchema.optional(),
});
export type CommerceOperationDocument = z.infer<typeof commerceOperationDocumentSchema>;
