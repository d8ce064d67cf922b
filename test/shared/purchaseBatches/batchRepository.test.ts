import { type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type BatchHeaderDocument, lineDocumentId } from '../../../shared/domain/documents/purchaseBatch';
import { type BatchLine, createBatchRepository } from '../../../shared/purchaseBatches/batchRepository';
import { type LocalCosmos, startLocalCosmos } from '../../support/localCosmos';

let cosmos: LocalCosmos;
let container: Container;
let batchCount = 0;

beforeAll(async () => {
  cosmos = await startLocalCosmos('batch-repository-test');
  container = cosmos.containers.batches;
});

afterAll(async () => {
  await cosmos?.stop();
});

const now = new Date('2026-02-01T10:00:00.000Z');

function aNewBatchId(): string {
  batchCount += 1;
  return `batch-${batchCount}`;
}

function aHeader(batchId: string, overrides: Partial<BatchHeaderDocument> = {}): BatchHeaderDocument {
  return {
    id: 'batch',
    docType: 'purchaseBatch',
    batchId,
    total: 3,
    requestedBy: { userId: 'alice' },
    fingerprint: 'fingerprint-1',
    createdAt: now.toISOString(),
    ...overrides,
  };
}

function someQueuedLines(batchId: string, count: number): BatchLine[] {
  return Array.from({ length: count }, (_, position) => ({
    id: lineDocumentId(String(position + 1)),
    docType: 'purchaseBatchLine',
    batchId,
    lineId: String(position + 1),
    position,
    customerId: `customer-${position + 1}`,
    status: 'queued',
    updatedAt: now.toISOString(),
  }));
}

describe('the batch repository', () => {
  it('claims a batch id once and shows a second claim the header already there', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    expect(await batches.claimBatch(aHeader(batchId))).toEqual({ claimed: true });
    const second = await batches.claimBatch(aHeader(batchId, { fingerprint: 'fingerprint-2' }));
    expect(second).toMatchObject({ existing: { batchId, fingerprint: 'fingerprint-1' } });
  });

  it('writes hundreds of lines and reads them back in request order with the header, in one query', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    await batches.claimBatch(aHeader(batchId, { total: 250 }));
    await batches.createLines(batchId, someQueuedLines(batchId, 250));
    const { header, lines } = await batches.readBatch(batchId);
    expect(header?.total).toBe(250);
    expect(lines.map((line) => line.lineId)).toEqual(
      Array.from({ length: 250 }, (_, index) => String(index + 1)),
    );
  });

  it('keeps lines that moved on when the same lines are written again by a retried request', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    const lines = someQueuedLines(batchId, 120);
    await batches.createLines(batchId, lines.slice(0, 30));
    await batches.moveLine(
      { batchId, lineId: '5' },
      { from: ['queued'], to: { status: 'accepted', purchaseId: 'purchase-5' }, now },
    );
    await batches.createLines(batchId, lines);
    const stored = await batches.readBatch(batchId);
    expect(stored.lines).toHaveLength(120);
    expect(stored.lines.find((line) => line.lineId === '5')).toMatchObject({
      status: 'accepted',
      purchaseId: 'purchase-5',
    });
    expect(stored.lines.filter((line) => line.status === 'queued')).toHaveLength(119);
  });

  it('moves a line only from the statuses the transition names', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    await batches.createLines(batchId, someQueuedLines(batchId, 1));
    const rejected = await batches.moveLine(
      { batchId, lineId: '1' },
      {
        from: ['queued'],
        to: { status: 'rejected', error: { code: 'CustomerNotFound', detail: 'no such' } },
        now,
      },
    );
    expect(rejected).toMatchObject({ status: 'rejected', error: { code: 'CustomerNotFound' } });
    const unchanged = await batches.moveLine(
      { batchId, lineId: '1' },
      { from: ['queued'], to: { status: 'accepted', purchaseId: 'late' }, now },
    );
    expect(unchanged).toMatchObject({ status: 'rejected' });
    expect(unchanged?.purchaseId).toBeUndefined();
  });

  it('drops the error of the status a line leaves', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    await batches.createLines(batchId, someQueuedLines(batchId, 1));
    await batches.moveLine(
      { batchId, lineId: '1' },
      {
        from: ['queued'],
        to: { status: 'failed', error: { code: 'InternalError', detail: 'kept failing' } },
        now,
      },
    );
    const replayed = await batches.moveLine(
      { batchId, lineId: '1' },
      { from: ['failed'], to: { status: 'accepted', purchaseId: 'p-1' }, now },
    );
    expect(replayed).toMatchObject({ status: 'accepted', purchaseId: 'p-1' });
    expect(replayed?.error).toBeUndefined();
  });

  it('lets exactly one of two racing writers move a line, the other sees its result', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    await batches.createLines(batchId, someQueuedLines(batchId, 1));
    const line = await batches.readLine(batchId, '1');
    if (!line) throw new Error('the line was not written');
    const [first, second] = await Promise.all([
      batches.moveLine(line, { from: ['queued'], to: { status: 'accepted', purchaseId: 'p-1' }, now }),
      batches.moveLine(line, {
        from: ['queued'],
        to: { status: 'rejected', error: { code: 'OrderInProgress', detail: 'busy' } },
        now,
      }),
    ]);
    const final = await batches.readLine(batchId, '1');
    expect(first?.status).toBe(final?.status);
    expect(second?.status).toBe(final?.status);
  });

  it('creates the line of a message that arrives without one, and returns an existing line as it is', async () => {
    const batches = createBatchRepository(container);
    const batchId = aNewBatchId();
    const [line] = someQueuedLines(batchId, 1);
    if (!line) throw new Error('no line');
    const created = await batches.ensureLine(line);
    expect(created).toMatchObject({ lineId: '1', status: 'queued' });
    await batches.moveLine(created, { from: ['queued'], to: { status: 'accepted', purchaseId: 'p' }, now });
    expect(await batches.ensureLine(line)).toMatchObject({ status: 'accepted' });
  });

  it('reads a batch that does not exist as empty', async () => {
    const batches = createBatchRepository(container);
    expect(await batches.readBatch('never-written')).toEqual({ header: undefined, lines: [] });
    expect(await batches.readLine('never-written', '1')).toBeUndefined();
  });
});
