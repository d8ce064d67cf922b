import { z } from 'zod';

import { requestedBySchema } from '../documents/purchaseBatch';
import { mcaOptionSchema } from './azurePlanPurchase';

/** Partner-chosen line references; printable and bounded because they end up in document ids. */
export const lineIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');

/**
 * A message of the `purchase-requests` queue (public contract: other systems may enqueue these too). Unknown
 * fields are ignored so that producers can add to it; `correlationId` is our extension.
 */
export const purchaseRequestMessageSchema = z.object({
  batchId: idSchema,
  lineId: lineIdSchema,
  customerId: idSchema,
  mca: mcaOptionSchema.optional(),
  requestedBy: requestedBySchema,
  correlationId: z.string().max(128).optional(),
});
export type PurchaseRequestMessage = z.infer<typeof purchaseRequestMessageSchema>;
