import { z } from 'zod';

import { lineIdSchema, purchaseRequestMessageSchema } from '../domain/api/purchaseBatch';
import { lineDocumentId } from '../domain/documents/purchaseBatch';
import { purchaseIdForLine } from '../domain/rules/purchaseBatch';
import { type Clock } from '../platform/clock';
import { type BatchRepository } from './batchRepository';
import { type QueueLogger, readQueueMessage } from './handlePurchaseRequest';

/** Enough of a message to tell which line it was: a message missing even these cannot be attributed. */
const lineReferenceSchema = z.object({
  batchId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
  lineId: lineIdSchema,
  customerId: z.string().max(128).optional().catch(undefined),
});

export type PoisonedPurchaseRequestOutcome =
  | { outcome: 'lineFailed'; batchId: string; lineId: string }
  | { outcome: 'purchaseHadStarted'; batchId: string; lineId: string; purchaseId: string }
  | { outcome: 'lineAlreadySettled'; batchId: string; lineId: string }
  | { outcome: 'unattributable' };

/**
 * Handles a message of `purchase-requests-poison`, where the host moves a purchase request after its last failed
 * attempt: the message's line is counted as failed, so no line of a batch is silently lost. A line that moved on
 * meanwhile keeps its status; a line whose purchase did start (the failure came after it) is recorded as accepted
 * instead. A message that does not even name its batch and line is logged, since it belongs to no batch.
 */
export async function handlePoisonedPurchaseRequest(
  dependencies: {
    batches: BatchRepository;
    /** Whether a purchase with this id exists, i.e. the failed attempts had started it. */
    purchaseExists: (purchaseId: string) => Promise<boolean>;
    clock: Clock;
    logger: QueueLogger;
  },
  raw: unknown,
): Promise<PoisonedPurchaseRequestOutcome> {
  const { batches, purchaseExists, clock, logger } = dependencies;
  const message = readQueueMessage(raw);
  const reference = lineReferenceSchema.safeParse(message);
  if (!reference.success) {
    logger.warn(
      `a purchase request that names no batch line was moved to the poison queue and is dropped: ${JSON.stringify(message)?.slice(0, 500)}`,
    );
    return { outcome: 'unattributable' };
  }
  const { batchId, lineId } = reference.data;
  const now = clock.now();
  const line = await batches.ensureLine({
    id: lineDocumentId(lineId),
    docType: 'purchaseBatchLine',
    batchId,
    lineId,
    position: Number.MAX_SAFE_INTEGER,
    customerId: reference.data.customerId ?? '',
    status: 'queued',
    updatedAt: now.toISOString(),
  });
  if (line.status !== 'queued') return { outcome: 'lineAlreadySettled', batchId, lineId };

  const purchaseId = purchaseIdForLine(batchId, lineId);
  if (await purchaseExists(purchaseId)) {
    await batches.moveLine(line, { from: ['queued'], to: { status: 'accepted', purchaseId }, now });
    return { outcome: 'purchaseHadStarted', batchId, lineId, purchaseId };
  }

  const readable = purchaseRequestMessageSchema.safeParse(message).success;
  await batches.moveLine(line, {
    from: ['queued'],
    to: {
      status: 'failed',
      error: readable
        ? {
            code: 'InternalError',
            detail: 'The purchase request kept failing and was moved to the purchase-requests-poison queue.',
          }
        : {
            code: 'InvalidRequest',
            detail:
              'The purchase request message is not valid and was moved to the purchase-requests-poison queue.',
          },
    },
    now,
  });
  logger.warn(`purchase request batch=${batchId} line=${lineId} failed for good (poison queue)`);
  return { outcome: 'lineFailed', batchId, lineId };
}
