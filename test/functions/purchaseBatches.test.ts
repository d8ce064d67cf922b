import { beforeEach, describe, expect, it } from 'vitest';

import { getPurchaseBatchEndpoint, submitPurchaseBatchEndpoint } from '../../functions/purchaseBatches';
import { type Role } from '../../shared/domain/rules/roles';
import { anAttestation, salesAgent } from '../support/fixtures';
import { anHttpRequest, aRecordingQueue, callHandler } from '../support/handlerHarness';
import { createInMemoryBatchRepository } from '../support/inMemory/inMemoryBatchRepository';

let batches: ReturnType<typeof createInMemoryBatchRepository>;
let purchaseRequests: ReturnType<typeof aRecordingQueue>;
let clock: { now: () => Date };

beforeEach(() => {
  batches = createInMemoryBatchRepository();
  purchaseRequests = aRecordingQueue();
  clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };
});

async function submit(body: unknown, as: { roles: Role[]; userId?: string } | null = salesAgent) {
  return callHandler(
    submitPurchaseBatchEndpoint,
    await anHttpRequest('POST', '/api/purchase-batches', { ...(as ? { as } : {}), body }),
    { batches, purchaseRequests: purchaseRequests.queue, clock },
  );
}

describe('POST /api/purchase-batches (handler)', () => {
  it('records the batch, queues one purchase request per line and answers 202 with where to follow it', async () => {
    const accepted = await submit({
      items: [{ customerId: 'contoso' }, { lineId: 'x', customerId: 'fabrikam' }],
    });

    expect(accepted.status).toBe(202);
    const { batchId } = accepted.body as { batchId: string };
    expect(accepted.body).toEqual({ batchId, total: 2, statusUrl: `/api/purchase-batches/${batchId}` });
    expect(accepted.headers.location).toBe(`/api/purchase-batches/${batchId}`);
    expect(batches.lines(batchId).map((line) => [line.lineId, line.status])).toEqual([
      ['1', 'queued'],
      ['x', 'queued'],
    ]);
    expect(purchaseRequests.sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          batchId,
          lineId: '1',
          customerId: 'contoso',
          requestedBy: { userId: 'sally', name: 'sally' },
        }),
        expect.objectContaining({ batchId, lineId: 'x', customerId: 'fabrikam' }),
      ]),
    );
  });

  it('refuses an empty batch, more than 1,000 items, a bad item and a repeated line id', async () => {
    const empty = await submit({ items: [] });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'InvalidRequest' });
    expect(empty.headers['content-type']).toMatch(/^application\/problem\+json/);

    const tooMany = await submit({
      items: Array.from({ length: 1001 }, (_, index) => ({ customerId: `c-${index}` })),
    });
    expect(tooMany.status).toBe(400);

    const badItem = await submit({
      items: [{ customerId: 'fine' }, { customerId: 'fine', colour: 'blue' }, {}],
    });
    expect(badItem.status).toBe(400);
    const pointers = (badItem.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/items/1', '/items/2/customerId']));

    const badMca = await submit({ items: [{ customerId: 'fine', mca: { method: 'telepathy' } }] });
    expect(badMca.status).toBe(400);

    const repeated = await submit({ items: [{ lineId: '2', customerId: 'a' }, { customerId: 'b' }] });
    expect(repeated.status).toBe(400);
    expect((repeated.body as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/items/1/lineId');

    expect(purchaseRequests.sent).toEqual([]);
  });

  it('is for the roles that buy the Azure plan, and attesting in it for the roles that attest', async () => {
    expect((await submit({ items: [{ customerId: 'x' }] }, null)).status).toBe(401);
    expect((await submit({ items: [{ customerId: 'x' }] }, { roles: ['AdminAgent'] })).status).toBe(403);
    const globalAdminAttesting = await submit(
      { items: [{ customerId: 'x', mca: anAttestation() }] },
      { roles: ['GlobalAdmin'] },
    );
    expect(globalAdminAttesting.status).toBe(403);
    expect(purchaseRequests.sent).toEqual([]);
  });

  it('refuses an attestation dated in the future before anything is queued', async () => {
    const future = await submit({
      items: [{ customerId: 'x', mca: { ...anAttestation(), dateAgreed: '2999-01-01' } }],
    });

    expect(future.status).toBe(400);
    expect((future.body as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe(
      '/items/0/mca/dateAgreed',
    );
    expect(purchaseRequests.sent).toEqual([]);
  });
});

describe('GET /api/purchase-batches/{batchId} (handler)', () => {
  it('answers 404 BatchNotFound for a batch that does not exist', async () => {
    const missing = await callHandler(
      getPurchaseBatchEndpoint,
      await anHttpRequest('GET', '/api/purchase-batches/no-such-batch', {
        as: salesAgent,
        params: { batchId: 'no-such-batch' },
      }),
      { batches, clock },
    );

    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'BatchNotFound' });
    expect(missing.headers['x-correlation-id']).toBeTruthy();
  });
});
