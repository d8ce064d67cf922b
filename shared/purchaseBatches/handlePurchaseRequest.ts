import { type PurchaseRequestMessage, purchaseRequestMessageSchema } from '../domain/api/purchaseBatch';
import { lineDocumentId } from '../domain/documents/purchaseBatch';
import { AppError, errorCatalogue } from '../domain/errors';
import { purchaseIdForLine } from '../domain/rules/purchaseBatch';
import { type Clock } from '../platform/clock';
import { type BatchRepository } from './batchRepository';

/** Starts one purchase with an explicit id; throws AppError with the contract's code when a check refuses it. */
export type PurchaseStarter = (request: {
  customerId: string;
  mca?: PurchaseRequestMessage['mca'];
  requestedBy: PurchaseRequestMessage['requestedBy'];
  correlationId: string;
  purchaseId: string;
}) => Promise<{ purchaseId: string }>;

export interface QueueLogger {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export type PurchaseRequestOutcome =
  | { outcome: 'started'; purchaseId: string }
  | { outcome: 'rejected'; code: string }
  | { outcome: 'alreadyHandled' }
  | { outcome: 'conflictsWithLine' };

/** Thrown for a message that is not a purchase request: the host retries it and then moves it to the poison queue. */
export class UnreadablePurchaseRequestError extends Error {
  override readonly name = 'UnreadablePurchaseRequestError';
}

/**
 * Queue messages arrive as the worker decoded them: an object when the text was JSON, else the text (or bytes).
 */
export function readQueueMessage(raw: unknown): unknown {
  const text = Buffer.isBuffer(raw) || raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : raw;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function parsePurchaseRequest(raw: unknown): PurchaseRequestMessage {
  const parsed = purchaseRequestMessageSchema.safeParse(readQueueMessage(raw));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`,
    );
    throw new UnreadablePurchaseRequestError(`Not a purchase request: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** A refusal by a pre-start check is the line's outcome; anything else (a store down) is worth another try. */
function isRejection(error: unknown): error is AppError {
  return error instanceof AppError && errorCatalogue[error.code].status < 500;
}

/**
 * Handles one message of `purchase-requests`: starts the line's purchase, at most once however often the message
 * arrives. The purchase id is derived from the batch and line ids, so a redelivery (or a retry after a crash
 * between starting the purchase and recording it) asks for the same purchase, which starts nothing new. A refusal
 * by the purchase checks is recorded on the line with its contract code and the message completes; any other
 * failure is thrown, so the host retries the message and, after its last attempt, moves it to the poison queue.
 */
export async function handlePurchaseRequest(
  dependencies: {
    batches: BatchRepository;
    startPurchase: PurchaseStarter;
    /**
     * Resolves when Partner Center's pace gives the line its turn (absent: at once); a long wait is first announced
     * with its end, which the line shows (`waitingForPaceUntil`) until its purchase starts.
     */
    awaitTurn?: (onWait: (until: Date) => Promise<void>) => Promise<void>;
    clock: Clock;
    logger: QueueLogger;
  },
  raw: unknown,
): Promise<PurchaseRequestOutcome> {
  const { batches, startPurchase, awaitTurn, clock, logger } = dependencies;
  const request = parsePurchaseRequest(raw);
  const correlationId = request.correlationId ?? request.batchId;
  const line = await batches.ensureLine({
    id: lineDocumentId(request.lineId),
    docType: 'purchaseBatchLine',
    batchId: request.batchId,
    lineId: request.lineId,
    position: Number.MAX_SAFE_INTEGER,
    customerId: request.customerId,
    status: 'queued',
    updatedAt: clock.now().toISOString(),
    correlationId,
  });
  if (line.customerId !== request.customerId) {
    logger.warn(
      `purchase request batch=${request.batchId} line=${request.lineId} names customer ${request.customerId} but the line is for ${line.customerId}; ignored correlationId=${correlationId}`,
    );
    return { outcome: 'conflictsWithLine' };
  }
  // A line that failed before its purchase started is handled again when its message comes back: that is how an
  // operator replays a poison message after fixing the cause.
  const handleable = line.status === 'queued' || (line.status === 'failed' && line.purchaseId === undefined);
  if (!handleable) return { outcome: 'alreadyHandled' };

  const purchaseId = purchaseIdForLine(request.batchId, request.lineId);
  let current = line;
  await awaitTurn?.(async (until) => {
    const shown = await batches.moveLine(current, {
      from: [current.status],
      to: { status: current.status, waitingForPaceUntil: until.toISOString() },
      now: clock.now(),
    });
    // Another delivery moved the line meanwhile: it goes on from there (the start below finds its purchase).
    if (shown) current = shown;
  });
  try {
    await startPurchase({
      customerId: request.customerId,
      ...(request.mca ? { mca: request.mca } : {}),
      requestedBy: request.requestedBy,
      correlationId,
      purchaseId,
    });
  } catch (error) {
    if (!isRejection(error)) throw error;
    await batches.moveLine(current, {
      from: [line.status],
      to: { status: 'rejected', error: { code: error.code, detail: error.detail } },
      now: clock.now(),
    });
    logger.log(
      `purchase request batch=${request.batchId} line=${request.lineId} rejected code=${error.code} correlationId=${correlationId}`,
    );
    return { outcome: 'rejected', code: error.code };
  }
  await batches.moveLine(current, {
    from: [line.status],
    to: { status: 'accepted', purchaseId },
    now: clock.now(),
  });
  logger.log(
    `purchase request batch=${request.batchId} line=${request.lineId} started purchaseId=${purchaseId} correlationId=${correlationId}`,
  );
  return { outcome: 'started', purchaseId };
}
