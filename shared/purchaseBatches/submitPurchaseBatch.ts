import { createHash } from 'node:crypto';

import { type QueueClient } from '@azure/storage-queue';

import { type PurchaseRequestMessage } from '../domain/api/purchaseBatch';
import { batchHeaderDocumentId, lineDocumentId, type RequestedBy } from '../domain/documents/purchaseBatch';
import { AppError } from '../domain/errors';
import { lineIdAt } from '../domain/rules/purchaseBatch';
import { mapWithConcurrency } from '../platform/mapWithConcurrency';
import { encodeQueueMessage } from '../platform/queues/queues';
import { type BatchLine, type BatchRepository } from './batchRepository';

/** Messages sent to the queue at once: enough to hide the round-trip time, few enough not to swamp the account. */
const enqueueConcurrency = 32;

export interface PurchaseBatchItem {
  lineId?: string | undefined;
  customerId: string;
  mca?: PurchaseRequestMessage['mca'];
}

export interface PurchaseBatchSubmission {
  batchId: string;
  items: readonly PurchaseBatchItem[];
  requestedBy: RequestedBy;
  correlationId: string;
  now: Date;
}

function fingerprintOf(items: readonly PurchaseBatchItem[]): string {
  return createHash('sha256').update(JSON.stringify(items)).digest('hex');
}

/**
 * Records a batch and puts one message per line on the `purchase-requests` queue. The header is written first
 * (it claims the batch id), then every line as `queued` (so the batch reads back complete at once), then the
 * messages. Safe to run again with the same batch id after a failure part way: lines that exist are kept as they
 * are, and every message is sent again, which the queue trigger treats as the redelivery it is prepared for
 * anyway. The same batch id with other items is refused (IdempotencyKeyReused).
 */
export async function submitPurchaseBatch(
  store: { batches: BatchRepository; purchaseRequests: QueueClient },
  submission: PurchaseBatchSubmission,
): Promise<{ batchId: string; total: number }> {
  const { batchId, items, requestedBy, correlationId, now } = submission;
  const claim = await store.batches.claimBatch({
    id: batchHeaderDocumentId,
    docType: 'purchaseBatch',
    batchId,
    total: items.length,
    requestedBy,
    fingerprint: fingerprintOf(items),
    createdAt: now.toISOString(),
    correlationId,
  });
  if ('existing' in claim && claim.existing.fingerprint !== fingerprintOf(items)) {
    throw new AppError('IdempotencyKeyReused', 'This Idempotency-Key was already used for another batch.');
  }

  const lines: BatchLine[] = items.map((item, position) => {
    const lineId = lineIdAt(item, position);
    return {
      id: lineDocumentId(lineId),
      docType: 'purchaseBatchLine',
      batchId,
      lineId,
      position,
      customerId: item.customerId,
      ...(item.mca ? { mca: item.mca } : {}),
      status: 'queued',
      updatedAt: now.toISOString(),
      correlationId,
    };
  });
  await store.batches.createLines(batchId, lines);

  await mapWithConcurrency(items, enqueueConcurrency, async (item, position) => {
    const message: PurchaseRequestMessage = {
      batchId,
      lineId: lineIdAt(item, position),
      customerId: item.customerId,
      ...(item.mca ? { mca: item.mca } : {}),
      requestedBy,
      correlationId,
    };
    await store.purchaseRequests.sendMessage(encodeQueueMessage(message));
  });
  return { batchId, total: items.length };
}
