import { describe, expect, it } from 'vitest';

import { type BatchLineDocument } from '../../../shared/domain/documents/purchaseBatch';
import { AppError } from '../../../shared/domain/errors';
import { purchaseIdForLine } from '../../../shared/domain/rules/purchaseBatch';
import { type Clock } from '../../../shared/platform/clock';
import { handlePoisonedPurchaseRequest } from '../../../shared/purchaseBatches/handlePoisonedPurchaseRequest';
import {
  handlePurchaseRequest,
  type PurchaseStarter,
  UnreadablePurchaseRequestError,
} from '../../../shared/purchaseBatches/handlePurchaseRequest';
import { readPurchaseBatch } from '../../../shared/purchaseBatches/readPurchaseBatch';
import { createInMemoryBatchRepository } from '../../support/inMemory/inMemoryBatchRepository';

const clock: Clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };
const quietLogger = { log: () => undefined, warn: () => undefined };

function aPurchaseRequest(overrides: Record<string, unknown> = {}) {
  return {
    batchId: 'batch-1',
    lineId: '1',
    customerId: 'contoso',
    requestedBy: { userId: 'alice' },
    ...overrides,
  };
}

function aQueuedLine(overrides: Partial<BatchLineDocument> = {}) {
  return {
    id: 'line-1',
    docType: 'purchaseBatchLine' as const,
    batchId: 'batch-1',
    lineId: '1',
    position: 0,
    customerId: 'contoso',
    status: 'queued' as const,
    updatedAt: '2026-03-02T08:00:00.000Z',
    ...overrides,
  };
}

/** A purchase starter that records what it was asked to start, and refuses or fails when told to. */
function aPurchaseStarter(behaviour: { refuseWith?: AppError; failWith?: Error } = {}) {
  const started: Parameters<PurchaseStarter>[0][] = [];
  const startPurchase: PurchaseStarter = (request) => {
    started.push(request);
    if (behaviour.refuseWith) return Promise.reject(behaviour.refuseWith);
    if (behaviour.failWith) return Promise.reject(behaviour.failWith);
    return Promise.resolve({ purchaseId: request.purchaseId });
  };
  return { startPurchase, started };
}

describe('handlePurchaseRequest, over an in-memory batch store', () => {
  it('starts the line’s purchase with the id derived from batch and line, and records the line accepted', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine()]);
    const starter = aPurchaseStarter();

    const outcome = await handlePurchaseRequest(
      { batches, ...starter, clock, logger: quietLogger },
      JSON.stringify(aPurchaseRequest()),
    );

    const purchaseId = purchaseIdForLine('batch-1', '1');
    expect(outcome).toEqual({ outcome: 'started', purchaseId });
    expect(starter.started).toEqual([
      expect.objectContaining({ customerId: 'contoso', purchaseId, correlationId: 'batch-1' }),
    ]);
    expect(batches.lines('batch-1')).toEqual([expect.objectContaining({ status: 'accepted', purchaseId })]);
  });

  it("a line waiting for its turn at Partner Center's pace shows when it starts, then starts and drops the wait", async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine()]);
    const starter = aPurchaseStarter();
    const until = new Date('2026-03-02T09:01:00.000Z');
    const seenWhileWaiting: unknown[] = [];
    const batchWhileWaiting: unknown[] = [];

    await handlePurchaseRequest(
      {
        batches,
        ...starter,
        awaitTurn: async (onWait) => {
          await onWait(until);
          seenWhileWaiting.push(...batches.lines('batch-1'), starter.started.length);
          batchWhileWaiting.push(
            await readPurchaseBatch(
              { batches, purchaseStatus: () => Promise.resolve(undefined), clock },
              'batch-1',
            ),
          );
        },
        clock,
        logger: quietLogger,
      },
      aPurchaseRequest(),
    );

    expect(seenWhileWaiting).toEqual([
      expect.objectContaining({ status: 'queued', waitingForPaceUntil: until.toISOString() }),
      0,
    ]);
    // The batch shows the line waiting for the pace apart from lines in progress; `counts` is unchanged.
    expect(batchWhileWaiting).toMatchObject([
      {
        counts: { queued: 1, accepted: 0 },
        waitingForPartnerCenterPace: 1,
        items: [{ status: 'queued', waitingForPaceUntil: until.toISOString() }],
      },
    ]);
    const [line] = batches.lines('batch-1');
    expect(line).toMatchObject({ status: 'accepted' });
    expect(line).not.toHaveProperty('waitingForPaceUntil');
  });

  it('starts nothing for a line already handled (a redelivered message)', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine()]);
    const starter = aPurchaseStarter();
    const dependencies = { batches, ...starter, clock, logger: quietLogger };
    await handlePurchaseRequest(dependencies, aPurchaseRequest());

    const again = await handlePurchaseRequest(dependencies, aPurchaseRequest());

    expect(again).toEqual({ outcome: 'alreadyHandled' });
    expect(starter.started).toHaveLength(1);
  });

  it('records a refusal of the purchase checks on the line with its contract code, and completes the message', async () => {
    const batches = createInMemoryBatchRepository();
    const starter = aPurchaseStarter({ refuseWith: new AppError('CountryNotAvailable', 'Not sold in AQ.') });

    const outcome = await handlePurchaseRequest(
      { batches, ...starter, clock, logger: quietLogger },
      aPurchaseRequest(),
    );

    expect(outcome).toEqual({ outcome: 'rejected', code: 'CountryNotAvailable' });
    expect(batches.lines('batch-1')).toEqual([
      expect.objectContaining({
        status: 'rejected',
        error: { code: 'CountryNotAvailable', detail: 'Not sold in AQ.' },
      }),
    ]);
  });

  it('throws anything that is not a refusal, leaving the line queued for the next delivery', async () => {
    const batches = createInMemoryBatchRepository();
    const starter = aPurchaseStarter({ failWith: new Error('Cosmos DB is not answering') });

    await expect(
      handlePurchaseRequest({ batches, ...starter, clock, logger: quietLogger }, aPurchaseRequest()),
    ).rejects.toThrow('Cosmos DB is not answering');
    expect(batches.lines('batch-1')).toEqual([expect.objectContaining({ status: 'queued' })]);
  });

  it('ignores a message for an existing line that names another customer', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine({ customerId: 'contoso' })]);
    const starter = aPurchaseStarter();

    const outcome = await handlePurchaseRequest(
      { batches, ...starter, clock, logger: quietLogger },
      aPurchaseRequest({ customerId: 'fabrikam' }),
    );

    expect(outcome).toEqual({ outcome: 'conflictsWithLine' });
    expect(starter.started).toEqual([]);
    expect(batches.lines('batch-1')).toEqual([
      expect.objectContaining({ status: 'queued', customerId: 'contoso' }),
    ]);
  });

  it('handles again a line that failed before its purchase started (an operator replays the poison message)', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [
      aQueuedLine({ status: 'failed', error: { code: 'InternalError', detail: 'kept failing' } }),
    ]);
    const starter = aPurchaseStarter();

    const outcome = await handlePurchaseRequest(
      { batches, ...starter, clock, logger: quietLogger },
      aPurchaseRequest(),
    );

    expect(outcome).toMatchObject({ outcome: 'started' });
    const [line] = batches.lines('batch-1');
    expect(line).toMatchObject({ status: 'accepted' });
    expect(line?.error).toBeUndefined();
  });

  it('throws UnreadablePurchaseRequestError for a message that is not a purchase request', async () => {
    const batches = createInMemoryBatchRepository();
    const starter = aPurchaseStarter();

    await expect(
      handlePurchaseRequest(
        { batches, ...starter, clock, logger: quietLogger },
        aPurchaseRequest({ requestedBy: 'not a user' }),
      ),
    ).rejects.toBeInstanceOf(UnreadablePurchaseRequestError);
    expect(starter.started).toEqual([]);
  });
});

describe('handlePoisonedPurchaseRequest, over an in-memory batch store', () => {
  const nothingStarted = () => Promise.resolve(false);

  it('counts a message that is not a valid purchase request as failed in its batch (InvalidRequest)', async () => {
    const batches = createInMemoryBatchRepository();

    const outcome = await handlePoisonedPurchaseRequest(
      { batches, purchaseExists: nothingStarted, clock, logger: quietLogger },
      aPurchaseRequest({ requestedBy: 'not a user' }),
    );

    expect(outcome).toEqual({ outcome: 'lineFailed', batchId: 'batch-1', lineId: '1' });
    expect(batches.lines('batch-1')).toMatchObject([{ status: 'failed', error: { code: 'InvalidRequest' } }]);
  });

  it('counts a valid request that kept failing as failed (InternalError)', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine()]);

    await handlePoisonedPurchaseRequest(
      { batches, purchaseExists: nothingStarted, clock, logger: quietLogger },
      aPurchaseRequest(),
    );

    expect(batches.lines('batch-1')).toMatchObject([{ status: 'failed', error: { code: 'InternalError' } }]);
  });

  it('records the line accepted when its purchase had started before the failures', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine()]);
    const purchaseId = purchaseIdForLine('batch-1', '1');

    const outcome = await handlePoisonedPurchaseRequest(
      { batches, purchaseExists: (id) => Promise.resolve(id === purchaseId), clock, logger: quietLogger },
      aPurchaseRequest(),
    );

    expect(outcome).toEqual({ outcome: 'purchaseHadStarted', batchId: 'batch-1', lineId: '1', purchaseId });
    expect(batches.lines('batch-1')).toEqual([expect.objectContaining({ status: 'accepted', purchaseId })]);
  });

  it('leaves a line that moved on meanwhile as it is', async () => {
    const batches = createInMemoryBatchRepository();
    await batches.createLines('batch-1', [aQueuedLine({ status: 'completed', purchaseId: 'p-1' })]);

    const outcome = await handlePoisonedPurchaseRequest(
      { batches, purchaseExists: nothingStarted, clock, logger: quietLogger },
      aPurchaseRequest(),
    );

    expect(outcome).toMatchObject({ outcome: 'lineAlreadySettled' });
    expect(batches.lines('batch-1')).toEqual([expect.objectContaining({ status: 'completed' })]);
  });

  it('drops, with a warning, a message that names no batch line', async () => {
    const batches = createInMemoryBatchRepository();
    const warnings: unknown[] = [];

    const outcome = await handlePoisonedPurchaseRequest(
      {
        batches,
        purchaseExists: nothingStarted,
        clock,
        logger: { log: () => undefined, warn: (message: unknown) => warnings.push(message) },
      },
      'this is not a purchase request',
    );

    expect(outcome).toEqual({ outcome: 'unattributable' });
    expect(warnings).toHaveLength(1);
  });
});
