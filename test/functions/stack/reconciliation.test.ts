import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { customerDocumentSchema } from '../../../shared/domain/documents/documents';
import { type BatchLineStatus, purchaseIdForLine } from '../../../shared/domain/rules/purchaseBatch';
import { type Role } from '../../../shared/domain/rules/roles';
import { createBatchRepository } from '../../../shared/purchaseBatches/batchRepository';
import { aRegisteredCustomer, mcaAttested } from '../../support/customerJourney';
import { eventually } from '../../support/eventually';
import { type RunningService, startService } from '../../support/service';

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
  it('re-enqueues a batch line whose message was never sent and releases a work in progress whose purchase never started', async () => {
    const { customers, batches } = service.cosmos.containers;
    // Customers as a partner registers them (Partner Center creates them under its own ids), the first one with
    // its MCA confirmed so that its line can buy.
    await aRegisteredCustomer(service, 'stranded-line');
    await mcaAttested(service, 'stranded-line');
    await aRegisteredCustomer(service, 'stranded-slot');
    await mcaAttested(service, 'stranded-slot');
    // The work in progress as a purchase start that crashed after claiming it and before starting the workflow left it.
    const stranded = customerDocumentSchema.parse(
      (await customers.item('stranded-slot', 'stranded-slot').read()).resource,
    );
    await customers.items.upsert({
      ...stranded,
      workInProgress: { kind: 'purchase', id: 'never-started', startedAt: anHourAgo() },
    });
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
    // The customer whose work in progress was released can buy again.
    const again = await service.call('POST', '/api/customers/stranded-slot/azure-plan/purchases', {
      as: salesAgent,
      body: {},
    });
    expect(again.status).toBe(202);
  }, 60_000);

  it('sends again a notification claimed before a crash and never confirmed, with its message id', async () => {
    const { customers } = service.cosmos.containers;
    const message = {
      type: 'mcaInvitation',
      customerId: 'unsent-invitation',
      purchaseId: 'purchase-cut-between-claim-and-send',
      email: 'ada@contoso.example',
      acceptUrl: 'http://localhost:7071/api/invitations/a-token/accept',
      expiresAt: '2099-01-01T00:00:00.000Z',
      correlationId: 'claimed-then-killed',
      round: 0,
      messageId: 'notification-purchase-cut-between-claim-and-send-mcaInvitation-0',
    };
    // The outbox record as a process killed between the claim and the send left it: no `sentAt`.
    await customers.items.create({
      id: message.messageId,
      customerId: message.customerId,
      docType: 'notificationClaim',
      purchaseId: message.purchaseId,
      type: message.type,
      round: 0,
      claimedAt: anHourAgo(),
      correlationId: message.correlationId,
      message,
    });
    const queue = new QueueClient(service.storageConnectionString, 'notifications');
    const ours = async () => {
      const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems
        .map((item) => JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as typeof message)
        .filter((sent) => sent.purchaseId === message.purchaseId);
    };
    await service.host.waitForIdle();
    expect(await ours()).toEqual([]); // negative control: nothing before the timer comes round

    await service.host.advance(5 * 60_000);

    await eventually(async () => (await ours()).length > 0, 30_000);
    expect(await ours()).toEqual([message]);
    const { resource } = await customers
      .item(message.messageId, message.customerId)
      .read<{ sentAt?: string }>();
    expect(resource?.sentAt).toBeDefined();
  }, 60_000);
});
