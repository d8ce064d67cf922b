import { z } from 'zod';

import { nameBasedUuid } from './nameBasedUuid';

/**
 * Batch purchases: a partner buys the Azure plan for many customers at once. Every line of a batch becomes one
 * message on the `purchase-requests` queue and, at most, one purchase. The batch lives in the `batches` container,
 * one partition per batch: a header document and one document per line, so hundreds of lines finishing at once
 * each write their own document and never fight over a shared one.
 */

export const maxBatchItems = 1000;

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
