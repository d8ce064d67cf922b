import { type BatchLineDocument, type LineError } from '../domain/documents/purchaseBatch';
import { AppError } from '../domain/errors';
import {
  type BatchCounts,
  type BatchLineStatus,
  countLines,
  lineStatusForPurchase,
  runningLineStatuses,
} from '../domain/rules/purchaseBatch';
import { type Clock } from '../platform/clock';
import { mapWithConcurrency } from '../platform/mapWithConcurrency';
import { type BatchRepository } from './batchRepository';

/** Status reads of running purchases in flight at once while a batch is read. */
const statusReadConcurrency = 16;

/** A purchase's status as `GET /api/purchases/{purchaseId}` reports it; undefined for an unknown purchase. */
export type PurchaseStatusReader = (
  purchaseId: string,
) => Promise<{ status: string; error?: LineError | undefined } | undefined>;

export interface PurchaseBatchView {
  batchId: string;
  total: number;
  counts: BatchCounts;
  /** Queued lines received and waiting for their turn at Partner Center's pace (part of `counts.queued`). */
  waitingForPartnerCenterPace: number;
  items: {
    lineId: string;
    customerId: string;
    purchaseId?: string;
    status: BatchLineStatus;
    waitingForPaceUntil?: string;
    error?: LineError;
  }[];
}

/**
 * Brings a running line up to date with its purchase. A settled status is written back to the line, so each
 * line's purchase is asked only until it settles; afterwards the line document alone answers.
 */
async function refreshRunningLine(
  dependencies: { batches: BatchRepository; purchaseStatus: PurchaseStatusReader; clock: Clock },
  line: BatchLineDocument,
): Promise<BatchLineDocument> {
  if (!line.purchaseId || !runningLineStatuses.includes(line.status)) return line;
  const purchase = await dependencies.purchaseStatus(line.purchaseId);
  if (!purchase) return line;
  const status = lineStatusForPurchase(purchase.status);
  if (status === line.status) return line;
  const moved = await dependencies.batches.moveLine(line, {
    from: runningLineStatuses,
    to: { status, ...(purchase.error ? { error: purchase.error } : {}) },
    now: dependencies.clock.now(),
  });
  return moved ?? line;
}

/**
 * A batch as `GET /api/purchase-batches/{batchId}` shows it: one query reads the header and every line; lines
 * whose purchase is running are brought up to date from the purchase itself (a purchase knows when it settles,
 * the batch learns it here). Counts always add up to the total. A batch fed straight into the queue by another
 * system has no header: its total is the lines seen so far.
 */
export async function readPurchaseBatch(
  dependencies: { batches: BatchRepository; purchaseStatus: PurchaseStatusReader; clock: Clock },
  batchId: string,
): Promise<PurchaseBatchView> {
  const { header, lines } = await dependencies.batches.readBatch(batchId);
  if (!header && lines.length === 0) {
    throw new AppError('BatchNotFound', `There is no purchase batch ${batchId}.`);
  }
  const current = await mapWithConcurrency(lines, statusReadConcurrency, (line) =>
    refreshRunningLine(dependencies, line),
  );
  const total = header?.total ?? current.length;
  return {
    batchId,
    total,
    counts: countLines(
      total,
      current.map((line) => line.status),
    ),
    waitingForPartnerCenterPace: current.filter(isWaitingForPace).length,
    items: current.map((line) => ({
      lineId: line.lineId,
      customerId: line.customerId,
      ...(line.purchaseId ? { purchaseId: line.purchaseId } : {}),
      status: line.status,
      ...(isWaitingForPace(line) ? { waitingForPaceUntil: line.waitingForPaceUntil } : {}),
      ...(line.error ? { error: line.error } : {}),
    })),
  };
}

function isWaitingForPace(
  line: BatchLineDocument,
): line is BatchLineDocument & { waitingForPaceUntil: string } {
  return line.status === 'queued' && line.waitingForPaceUntil !== undefined;
}
