import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { customerDocumentSchema } from '../../shared/domain/documents/documents';
import { type BatchLineStatus, purchaseIdForLine } from '../../shared/domain/rules/purchaseBatch';
import { type Role } from '../../shared/domain/rules/roles';
import { createBatchRepository } from '../../shared/purchaseBatches/batchRepository';
import { eventually } from '../local-host/fixtureSupport';
import { aCustomer } from '../support/fixtures';
import { type RunningService, startService } from '../support/service';

/**
 * The reconciliation timer through the whole service, on the virtual clock: what a crash stranded between Cosmos
 * DB and the queue or the durable store (written here straight into the store, as the crash left it) is finished
 * by the service itself when the timer comes round, and nothing else is touched.
 */

const salesAgent = { roles: ['SalesAgent'] as Role[], userId: 'sales-agent-1' };
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

let service: RunningService;

beforeAll(async () => {
  service = await startService({
    env: { RECONCILE_SCHEDULE: '0 */5 * * * *', RECONCILE_GRACE_SECONDS: '600' },
  });
});

afterAll(async () => {
  await service?.stop();
});

describe('the reconciliation timer', () => {
  it('re-enqueues a batch line whose message was never sent and releases a slot whose purchase never started', async () => {
    const { customers, batches } = service.cosmos.containers;
    await customers.items.create(aCustomer({ customerId: 'stranded-line' }));
    await customers.items.create(
      aCustomer({
        customerId: 'stranded-slot',
        workInProgress: { kind: 'purchase', id: 'never-started', startedAt: anHourAgo() },
      }),
    );
    // The batch as a submit that crashed after writing its lines and before sending its messages left it.
    const repository = createBatchRepository(batches);
    await repository.claimBatch({
      id: 'batch',
      docType: 'purchaseBatch',
      batchId: 'crashed-batch',
      total: 1,
      requestedBy: { userId: salesAgent.userId },
      fingerprint: 'crashed',
      createdAt: anHourAgo(),
      correlationId: 'crashed-submit',
    });
    await repository.createLines('crashed-batch', [
      {
        id: 'line-1',
        docType: 'purchaseBatchLine',
        batchId: 'crashed-batch',
        lineId: '1',
        position: 0,
        customerId: 'stranded-line',
        status: 'queued',
        updatedAt: anHourAgo(),
        correlationId: 'crashed-submit',
      },
    ]);
    const readSlot = async () =>
      customerDocumentSchema.parse((await customers.item('stranded-slot', 'stranded-slot').read()).resource)
        .workInProgress;
    const lineStatus = async (): Promise<BatchLineStatus | undefined> => {
      const response = await service.call<{ items: { status: BatchLineStatus }[] }>(
        'GET',
        '/api/purchase-batches/crashed-batch',
        { as: salesAgent },
      );
      return response.body.items[0]?.status;
    };
    await service.host.waitForIdle();
    // Negative control: nothing moves before the timer comes round.
    expect(await lineStatus()).toBe('queued');
    expect(await readSlot()).not.toBeNull();

    await service.host.advance(5 * 60_000);

    await eventually(async () => (await lineStatus()) === 'completed', 30_000);
    await eventually(async () => (await readSlot()) === null, 30_000);
    const purchase = await service.call('GET', `/api/purchases/${purchaseIdForLine('crashed-batch', '1')}`, {
      as: salesAgent,
    });
    expect(purchase.body).toMatchObject({ status: 'completed', customerId: 'stranded-line' });
    // The customer whose slot was released can buy again.
    const again = await service.call('POST', '/api/customers/stranded-slot/azure-plan/purchases', {
      as: salesAgent,
      body: {},
    });
    expect(again.status).toBe(202);
  }, 60_000);
});
