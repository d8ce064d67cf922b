import { z } from 'zod';

import { mcaOptionSchema } from '../api/azurePlanPurchase';
import { batchLineStatusSchema } from '../rules/purchaseBatch';

export const requestedBySchema = z.object({
  userId: z.string().trim().min(1).max(256),
  name: z.string().max(256).optional(),
});
export type RequestedBy = z.infer<typeof requestedBySchema>;

export const lineErrorSchema = z.object({ code: z.string(), detail: z.string() });
export type LineError = z.infer<typeof lineErrorSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

export const batchHeaderDocumentId = 'batch';

export const batchHeaderDocumentSchema = z.object({
  id: z.literal(batchHeaderDocumentId),
  docType: z.literal('purchaseBatch'),
  batchId: z.string(),
  total: z.number().int().positive(),
  requestedBy: requestedBySchema,
  /** SHA-256 of the items as accepted: a retry of the same request is told apart from a different one. */
  fingerprint: z.string(),
  createdAt: isoDateTime,
  correlationId: z.string().optional(),
});
export type BatchHeaderDocument = z.infer<typeof batchHeaderDocumentSchema>;

export const batchLineDocumentSchema = z.object({
  id: z.string(),
  docType: z.literal('purchaseBatchLine'),
  batchId: z.string(),
  lineId: z.string(),
  /** Position in the request (0-based), so the batch reads back in the order it was sent. */
  position: z.number().int().nonnegative(),
  customerId: z.string(),
  /**
   * The line's `mca` option as submitted, so that the line alone rebuilds its queue message when the message was
   * never sent (a crash between writing the lines and sending them; see shared/reconciliation/).
   */
  mca: mcaOptionSchema.optional(),
  status: batchLineStatusSchema,
  purchaseId: z.string().optional(),
  error: lineErrorSchema.optional(),
  /** A queued line received and waiting for its turn at Partner Center's pace: when its purchase starts. */
  waitingForPaceUntil: isoDateTime.optional(),
  updatedAt: isoDateTime,
  correlationId: z.string().optional(),
  _etag: z.string().optional(),
});
export type BatchLineDocument = z.infer<typeof batchLineDocumentSchema>;

export function lineDocumentId(lineId: string): string {
  return `line-${lineId}`;
}
