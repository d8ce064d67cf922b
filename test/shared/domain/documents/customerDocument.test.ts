import { describe, expect, it } from 'vitest';

import { toCustomer } from '../../../../shared/domain/api/customer';
import { customerDocumentSchema } from '../../../../shared/domain/documents/documents';
import { aCustomer } from '../../../support/fixtures';

/** A customer as stored before the work in progress was renamed from `activePurchase` to `workInProgress`. */
function storedBeforeRename(activePurchase: unknown): Record<string, unknown> {
  const { workInProgress: _, ...rest } = aCustomer();
  return { ...rest, activePurchase };
}

describe('a customer document stored with activePurchase (before the work in progress was renamed)', () => {
  it('reads a stored activePurchase without kind as a purchase in workInProgress', () => {
    const read = customerDocumentSchema.parse(
      storedBeforeRename({ purchaseId: 'p-1', startedAt: '2026-01-05T09:00:00.000Z' }),
    );
    expect(read.workInProgress).toEqual({
      kind: 'purchase',
      id: 'p-1',
      startedAt: '2026-01-05T09:00:00.000Z',
    });
    expect(read).not.toHaveProperty('activePurchase');
  });

  it('keeps the kind of a transition, and a free work in progress free', () => {
    const transition = customerDocumentSchema.parse(
      storedBeforeRename({ purchaseId: 't-1', startedAt: '2026-01-05T09:00:00.000Z', kind: 'transition' }),
    );
    expect(transition.workInProgress).toMatchObject({ kind: 'transition', id: 't-1' });
    expect(customerDocumentSchema.parse(storedBeforeRename(null)).workInProgress).toBeNull();
  });

  it('shows the public Customer the same as for a document stored today, activePurchase derived from the work in progress', () => {
    const read = customerDocumentSchema.parse(
      storedBeforeRename({ purchaseId: 'p-1', startedAt: '2026-01-05T09:00:00.000Z' }),
    );
    expect(toCustomer(read)).toMatchObject({
      workInProgress: { kind: 'purchase', id: 'p-1', statusUrl: '/api/purchases/p-1' },
      activePurchase: { purchaseId: 'p-1', statusUrl: '/api/purchases/p-1' },
    });
    const transition = customerDocumentSchema.parse(
      storedBeforeRename({ purchaseId: 't-1', startedAt: '2026-01-05T09:00:00.000Z', kind: 'transition' }),
    );
    expect(toCustomer(transition)).toMatchObject({ activePurchase: null, workInProgress: { id: 't-1' } });
  });

  it('refuses a document with neither field (a work in progress is always recorded, if only as null)', () => {
    const { workInProgress: _, ...withoutSlot } = aCustomer();
    expect(customerDocumentSchema.safeParse(withoutSlot).success).toBe(false);
  });
});
