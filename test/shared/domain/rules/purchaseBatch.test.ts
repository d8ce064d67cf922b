import { describe, expect, it } from 'vitest';

import { purchaseRequestMessageSchema } from '../../../../shared/domain/api/purchaseBatch';
import {
  batchIdForIdempotencyKey,
  countLines,
  isSettled,
  lineIdAt,
  lineStatusForPurchase,
  purchaseIdForLine,
  repeatedLineIds,
} from '../../../../shared/domain/rules/purchaseBatch';

const aPurchaseRequest = {
  batchId: '0b0c5a40-6f5e-4a43-9a52-1f1d3a0e9c11',
  lineId: '7',
  customerId: 'contoso',
  requestedBy: { userId: 'alice' },
};

describe('batch lines', () => {
  it('start the same purchase however often their line is handled, and different purchases for other lines', () => {
    const first = purchaseIdForLine('batch-1', 'line-1');
    expect(purchaseIdForLine('batch-1', 'line-1')).toBe(first);
    expect(purchaseIdForLine('batch-1', 'line-2')).not.toBe(first);
    expect(purchaseIdForLine('batch-2', 'line-1')).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keep batch and line ids apart when deriving the purchase id', () => {
    expect(purchaseIdForLine('a', 'b\nc')).not.toBe(purchaseIdForLine('a\nb', 'c'));
  });

  it('derive one batch per user and Idempotency-Key', () => {
    expect(batchIdForIdempotencyKey('alice', 'key-1')).toBe(batchIdForIdempotencyKey('alice', 'key-1'));
    expect(batchIdForIdempotencyKey('alice', 'key-1')).not.toBe(batchIdForIdempotencyKey('bob', 'key-1'));
    expect(batchIdForIdempotencyKey('alice', 'key-1')).not.toBe(batchIdForIdempotencyKey('alice', 'key-2'));
  });

  it('are referred to by the given line id, or else by their 1-based position', () => {
    expect(lineIdAt({ lineId: 'north-1' }, 0)).toBe('north-1');
    expect(lineIdAt({}, 0)).toBe('1');
    expect(lineIdAt({ lineId: undefined }, 41)).toBe('42');
  });

  it('may not repeat a line id, given or defaulted', () => {
    expect(repeatedLineIds([{}, {}, {}])).toEqual([]);
    expect(repeatedLineIds([{ lineId: 'a' }, { lineId: 'b' }, { lineId: 'a' }])).toEqual([2]);
    // The second item defaults to "2", which the first item took.
    expect(repeatedLineIds([{ lineId: '2' }, {}])).toEqual([1]);
  });

  it('take the purchase status once the purchase started, with the steps around the signature as accepted', () => {
    expect(lineStatusForPurchase('validating')).toBe('accepted');
    expect(lineStatusForPurchase('placingOrder')).toBe('accepted');
    expect(lineStatusForPurchase('awaitingCustomerSignature')).toBe('awaitingCustomerSignature');
    expect(lineStatusForPurchase('completed')).toBe('completed');
    expect(lineStatusForPurchase('expired')).toBe('expired');
    expect(lineStatusForPurchase('cancelled')).toBe('cancelled');
    expect(lineStatusForPurchase('failed')).toBe('failed');
  });

  it('settle when rejected or when their purchase ends, not while it runs', () => {
    expect(
      ['rejected', 'completed', 'failed', 'expired', 'cancelled'].every((s) => isSettled(s as never)),
    ).toBe(true);
    expect(isSettled('queued')).toBe(false);
    expect(isSettled('accepted')).toBe(false);
    expect(isSettled('awaitingCustomerSignature')).toBe(false);
  });
});

describe('batch counts', () => {
  it('count every line once, by status', () => {
    const counts = countLines(5, [
      'completed',
      'completed',
      'rejected',
      'awaitingCustomerSignature',
      'failed',
    ]);
    expect(counts).toEqual({
      queued: 0,
      accepted: 0,
      rejected: 1,
      awaitingCustomerSignature: 1,
      completed: 2,
      failed: 1,
      expired: 0,
      cancelled: 0,
    });
  });

  it('add up to the total even while lines are still being written', () => {
    const counts = countLines(10, ['accepted', 'queued']);
    expect(counts.queued).toBe(9);
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(10);
  });
});

describe('purchase request messages', () => {
  it('carry the batch line, the customer and who asked', () => {
    expect(purchaseRequestMessageSchema.parse(aPurchaseRequest)).toEqual(aPurchaseRequest);
  });

  it('may say how the MCA is accepted, as a single purchase does', () => {
    const invited = { ...aPurchaseRequest, mca: { method: 'invite', reminderEveryHours: 12 } };
    expect(purchaseRequestMessageSchema.parse(invited).mca).toEqual({
      method: 'invite',
      reminderEveryHours: 12,
    });
  });

  it('ignore fields they do not know, so producers can add some', () => {
    expect(purchaseRequestMessageSchema.parse({ ...aPurchaseRequest, priority: 'high' })).toEqual(
      aPurchaseRequest,
    );
  });

  it('are refused without a batch, a line, a customer or a requester', () => {
    for (const field of ['batchId', 'lineId', 'customerId', 'requestedBy'] as const) {
      const { [field]: _dropped, ...incomplete } = aPurchaseRequest;
      expect(purchaseRequestMessageSchema.safeParse(incomplete).success).toBe(false);
    }
  });

  it('are refused with an unknown way of accepting the MCA', () => {
    const odd = { ...aPurchaseRequest, mca: { method: 'telepathy' } };
    expect(purchaseRequestMessageSchema.safeParse(odd).success).toBe(false);
  });
});
