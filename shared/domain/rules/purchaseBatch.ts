import { z } from 'zod';

import { mcaOptionSchema } from '../api/azurePlanPurchase';
import { nameBasedUuid } from './nameBasedUuid';

/**
 * Batch purchases: a partner buys the Azure plan for many customers at once. Every line of a batch becomes one
 * message on the `purchase-requests` queue and, at most, one purchase. The batch lives in the `batches` container,
 * one partition per batch: a header document and one document per line, so hundreds of lines finishing at once
 * each write their own document and never fight over a shared one.
 */

export const maxBatchItems = 1000;

/** Partner-chosen line references; printable and bounded because they end up in document ids. */
export const lineIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');

export const requestedBySchema = z.object({
  userId: z.string().trim().min(1).max(256),
  name: z.string().max(256).optional(),
});
export type RequestedBy = z.infer<typeof requestedBySchema>;

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

/**
 * Where a line stands. `queued` until its message is handled; then `accepted` (its purchase started) or `rejected`
 * (a pre-start check refused it, with the contract's error code); then the purchase's own outcome. `failed` is
 * also where a message ends that could not be parsed or kept failing.
 */
export const batchLineStatusSchema = z.enum([
  'queued',
  'accepted',
  'rejected',
  'awaitingCustomerSignature',
  'completed',
  'failed',
  'expired',
  'cancelled',
]);
export type BatchLineStatus = z.infer<typeof batchLineStatusSchema>;

/** Statuses that never change again. */
export const settledLineStatuses: readonly BatchLineStatus[] = [
  'rejected',
  'completed',
  'failed',
  'expired',
  'cancelled',
];

/** Statuses of a line whose purchase is running: only the purchase itself can tell what comes next. */
export const runningLineStatuses: readonly BatchLineStatus[] = ['accepted', 'awaitingCustomerSignature'];

export function isSettled(status: BatchLineStatus): boolean {
  return settledLineStatuses.includes(status);
}

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
  updatedAt: isoDateTime,
  correlationId: z.string().optional(),
  _etag: z.string().optional(),
});
export type BatchLineDocument = z.infer<typeof batchLineDocumentSchema>;

export function lineDocumentId(lineId: string): string {
  return `line-${lineId}`;
}

/** Fixed namespace of purchase ids derived from batch lines (a random UUID, chosen once). */
const batchLinePurchaseNamespace = 'a3a0e1f4-6c1b-4f57-9a43-0d8f3c2b7e61';
/** Fixed namespace of batch ids derived from Idempotency-Keys. */
const batchIdNamespace = '5d3f7c0e-2b8a-4c6e-8f1d-9e4b2a7c6d35';

/**
 * The purchase a batch line starts, always the same for the same line: a message delivered twice, or handled
 * again after a crash between starting the purchase and completing the message, finds its purchase instead of
 * starting another.
 */
export function purchaseIdForLine(batchId: string, lineId: string): string {
  return nameBasedUuid(batchLinePurchaseNamespace, JSON.stringify([batchId, lineId]));
}

/**
 * The batch a request with an Idempotency-Key creates: a retry of a request that failed half way (some lines
 * written or enqueued) lands on the same batch and the same lines instead of starting a second batch.
 */
export function batchIdForIdempotencyKey(userId: string, idempotencyKey: string): string {
  return nameBasedUuid(batchIdNamespace, JSON.stringify([userId, idempotencyKey]));
}

/** A line's reference: the one the partner gave, or its 1-based position in the request. */
export function lineIdAt(item: { lineId?: string | undefined }, index: number): string {
  return item.lineId ?? String(index + 1);
}

/** Indexes of items whose line id (given or defaulted) repeats an earlier one. */
export function repeatedLineIds(items: readonly { lineId?: string | undefined }[]): number[] {
  const seen = new Set<string>();
  const repeated: number[] = [];
  items.forEach((item, index) => {
    const lineId = lineIdAt(item, index);
    if (seen.has(lineId)) repeated.push(index);
    seen.add(lineId);
  });
  return repeated;
}

/**
 * What a running line becomes once its purchase reports a status (the statuses of `GET /api/purchases/{id}`):
 * the steps before and after the signature are all `accepted` to the batch.
 */
export function lineStatusForPurchase(purchaseStatus: string): BatchLineStatus {
  switch (purchaseStatus) {
    case 'awaitingCustomerSignature':
    case 'completed':
    case 'failed':
    case 'expired':
    case 'cancelled':
      return purchaseStatus;
    default:
      return 'accepted';
  }
}

export type BatchCounts = Record<BatchLineStatus, number>;

/**
 * Counts per status. Every line is counted exactly once, and lines not written yet (a request still writing
 * them, or one that failed half way) count as queued, so the counts always add up to the total.
 */
export function countLines(total: number, statuses: readonly BatchLineStatus[]): BatchCounts {
  const counts = Object.fromEntries(
    batchLineStatusSchema.options.map((status) => [status, 0]),
  ) as BatchCounts;
  for (const status of statuses) counts[status] += 1;
  counts.queued += Math.max(0, total - statuses.length);
  return counts;
}
