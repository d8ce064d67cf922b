import { type QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CustomerDocument } from '../../../shared/domain/documents/documents';
import {
  batchIdForIdempotencyKey,
  type BatchLineStatus,
  purchaseIdForLine,
} from '../../../shared/domain/rules/purchaseBatch';
import { encodeQueueMessage } from '../../../shared/platform/queues/queues';
import { createBatchRepository } from '../../../shared/purchaseBatches/batchRepository';
import { submitPurchaseBatch } from '../../../shared/purchaseBatches/submitPurchaseBatch';
import { aContact, aCustomer, anAttestation, salesAgent } from '../../support/fixtures';
import { type RunningService, startService } from '../../support/service';

interface BatchView {
  batchId: string;
  total: number;
  counts: Record<BatchLineStatus, number>;
  items: {
    lineId: string;
    customerId: string;
    purchaseId?: string;
    status: BatchLineStatus;
    error?: { code: string };
  }[];
}

let service: RunningService;
let purchaseRequests: QueueClient;

beforeAll(async () => {
  // Failed messages come back at once (not after host.json's 5 s), so a poisoned line settles in milliseconds.
  service = await startService({ hostJson: { extensions: { queues: { visibilityTimeout: '00:00:00' } } } });
  purchaseRequests = QueueServiceClient.fromConnectionString(service.storageConnectionString).getQueueClient(
    'purchase-requests',
  );
  await purchaseRequests.createIfNotExists();
});

afterAll(async () => {
  await service?.stop();
});

let customerCount = 0;

/** A customer id no other test uses. */
function aNewCustomerId(kind: string): string {
  customerCount += 1;
  return `${kind}-${customerCount}`;
}

async function registered(customers: CustomerDocument[]): Promise<string[]> {
  await Promise.all(customers.map((customer) => service.cosmos.containers.customers.items.create(customer)));
  return customers.map((customer) => customer.customerId);
}

/**
 * Registered customers, written straight into the store (hundreds, quickly), each linked to a customer Partner
 * Center has: made through the simulator, which assigns its id, as a PUT with `tenantId` would link it.
 */
function someCustomers(count: number, kind: string, overrides: Partial<CustomerDocument> = {}) {
  return Array.from({ length: count }, () => {
    const customerId = aNewCustomerId(kind);
    const atPartnerCenter = service.partnerCenter.seedCustomer({ country: overrides.country ?? 'DE' });
    return aCustomer({
      id: customerId,
      customerId,
      partnerCenterCustomerId: String(atPartnerCenter.id),
      ...overrides,
    });
  });
}

const withoutMca = { mca: { accepted: false } };

/** Lets every queued message and every piece of durable work run to the end (invitations wait for a human). */
async function settle(): Promise<void> {
  await service.host.drainQueues();
  await service.host.waitForIdle();
}

async function submitted(items: unknown[], headers: Record<string, string> = {}): Promise<string> {
  const response = await service.call('POST', '/api/purchase-batches', {
    as: salesAgent,
    body: { items },
    headers,
  });
  expect(response.status).toBe(202);
  return (response.body as { batchId: string }).batchId;
}

async function batch(batchId: string): Promise<BatchView> {
  const response = await service.call('GET', `/api/purchase-batches/${batchId}`, { as: salesAgent });
  expect(response.status).toBe(200);
  return response.body as BatchView;
}

async function countOf(customerId: string, docType: string): Promise<number> {
  const { resources } = await service.cosmos.containers.customers.items
    .query<number>({
      query: 'SELECT VALUE COUNT(1) FROM c WHERE c.customerId = @customerId AND c.docType = @docType',
      parameters: [
        { name: '@customerId', value: customerId },
        { name: '@docType', value: docType },
      ],
    })
    .fetchAll();
  return resources[0] ?? 0;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

// What a use case or a handler proves alone is tested there (test/shared/purchaseBatches/, test/functions/
// purchaseBatches.test.ts); these are the paths only the whole service shows: queue delivery, redelivery, poison
// handling, durable workflows and the stores together.
describe('a purchase batch', () => {
  it('of 200 lines mixing attested, invited, refused and duplicate lines ends with exact counts', async () => {
    const attested = await registered(someCustomers(60, 'attested'));
    const invited = await registered(someCustomers(20, 'invited', withoutMca));
    const attestedNow = await registered(someCustomers(20, 'attests-now', withoutMca));
    const unknown = Array.from({ length: 30 }, () => aNewCustomerId('unknown'));
    const elsewhere = await registered(someCustomers(30, 'elsewhere', { country: 'KP' }));
    const withPlan = await registered(
      someCustomers(20, 'has-plan', {
        azurePlan: { subscriptionId: 'existing-plan', orderId: 'existing-order', status: 'active' },
      }),
    );
    const twice = await registered(someCustomers(10, 'twice'));
    const items = [
      ...attested.map((customerId) => ({ customerId })),
      ...invited.map((customerId) => ({ customerId, mca: { method: 'invite' } })),
      ...attestedNow.map((customerId) => ({ customerId, mca: anAttestation() })),
      ...unknown.map((customerId) => ({ customerId })),
      ...elsewhere.map((customerId) => ({ customerId })),
      ...withPlan.map((customerId) => ({ customerId })),
      ...twice.flatMap((customerId) => [{ customerId }, { customerId }]),
    ];
    expect(items).toHaveLength(200);

    const batchId = await submitted(items);
    const queued = await batch(batchId);
    expect(queued.total).toBe(200);
    expect(sum(queued.counts)).toBe(200);

    await settle();
    const settled = await batch(batchId);
    expect(settled.counts).toEqual({
      queued: 0,
      accepted: 0,
      rejected: 90,
      awaitingCustomerSignature: 20,
      completed: 90,
      failed: 0,
      expired: 0,
      cancelled: 0,
    });
    expect(settled.items.map((item) => item.lineId)).toEqual(items.map((_, index) => String(index + 1)));
    const codesOf = (customerIds: string[]) =>
      settled.items.filter((item) => customerIds.includes(item.customerId)).map((item) => item.error?.code);
    expect(new Set(codesOf(unknown))).toEqual(new Set(['CustomerNotFound']));
    expect(new Set(codesOf(elsewhere))).toEqual(new Set(['CountryNotAvailable']));
    expect(new Set(codesOf(withPlan))).toEqual(new Set(['AzurePlanAlreadyExists']));
    for (const customerId of twice) {
      const lines = settled.items.filter((item) => item.customerId === customerId);
      expect(lines.map((line) => line.status).sort()).toEqual(['completed', 'rejected']);
      expect(['OrderInProgress', 'AzurePlanAlreadyExists']).toContain(
        lines.find((line) => line.status === 'rejected')?.error?.code,
      );
    }
    const started = settled.items.filter((item) => item.purchaseId !== undefined);
    expect(started).toHaveLength(110);
    for (const item of started) {
      expect(item.purchaseId).toBe(purchaseIdForLine(batchId, item.lineId));
    }
  }, 120_000);

  it('with two lines for the same customer buys exactly one Azure plan', async () => {
    const [customerId] = await registered(someCustomers(1, 'same'));
    const batchId = await submitted([{ customerId }, { customerId }, { customerId, lineId: 'again' }]);
    await settle();

    const settled = await batch(batchId);
    expect(settled.counts.completed).toBe(1);
    expect(settled.counts.rejected).toBe(2);
    expect(await countOf(customerId!, 'order')).toBe(1);
    expect(await countOf(customerId!, 'azurePlanMarker')).toBe(1);
    // The stored plan subscription is counted (the subscriptions page would read Partner Center).
    expect(await countOf(customerId!, 'subscription')).toBe(1);
  });

  it('shows an invited line as awaiting the signature, then completed once the customer signs', async () => {
    const [customerId] = await registered(someCustomers(1, 'signs-later', withoutMca));
    const batchId = await submitted([{ customerId, mca: { method: 'invite' } }]);
    await settle();
    const waiting = await batch(batchId);
    expect(waiting.items[0]?.status).toBe('awaitingCustomerSignature');

    const attestation = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: salesAgent,
      body: {
        type: 'MicrosoftCustomerAgreement',
        primaryContact: aContact,
        dateAgreed: '2026-01-05',
      },
    });
    expect(attestation.status).toBe(201);
    await settle();
    const completed = await batch(batchId);
    expect(completed.items[0]?.status).toBe('completed');
    expect(completed.counts.completed).toBe(1);
  });
});

describe('purchase requests on the queue', () => {
  it('start nothing twice when the same message is delivered more than once', async () => {
    const [customerId] = await registered(someCustomers(1, 'redelivered'));
    const message = {
      batchId: `direct-${customerId}`,
      lineId: '1',
      customerId,
      requestedBy: { userId: 'integration' },
    };
    await Promise.all([
      purchaseRequests.sendMessage(encodeQueueMessage(message)),
      purchaseRequests.sendMessage(encodeQueueMessage(message)),
    ]);
    await settle();
    const purchaseId = purchaseIdForLine(message.batchId, message.lineId);
    const first = await service.call('GET', `/api/purchases/${purchaseId}`, { as: salesAgent });
    expect(first.body).toMatchObject({ purchaseId, status: 'completed' });

    await purchaseRequests.sendMessage(encodeQueueMessage(message));
    await settle();
    const again = await service.call('GET', `/api/purchases/${purchaseId}`, { as: salesAgent });
    expect((again.body as { createdTime: string }).createdTime).toBe(
      (first.body as { createdTime: string }).createdTime,
    );
    expect(await countOf(customerId!, 'order')).toBe(1);
    const direct = await batch(message.batchId);
    expect(direct.total).toBe(1);
    expect(direct.items).toEqual([{ lineId: '1', customerId, purchaseId, status: 'completed' }]);
  });

  it('count a line that keeps failing as failed, while the other lines of its batch go on', async () => {
    const unreadable = aNewCustomerId('unreadable');
    // A customer document that no longer matches the schema: every attempt fails the same way.
    await service.cosmos.containers.customers.items.create({
      id: unreadable,
      customerId: unreadable,
      docType: 'customer',
      country: 'Germany',
    });
    const [healthy] = await registered(someCustomers(1, 'healthy'));
    const batchId = await submitted([{ customerId: unreadable }, { customerId: healthy }]);
    await settle();
    const settled = await batch(batchId);
    expect(settled.counts).toMatchObject({ failed: 1, completed: 1, queued: 0 });
    expect(settled.items[0]).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });

    // The operator repairs the customer and replays the poisoned message: the line is handled again.
    const atPartnerCenter = service.partnerCenter.seedCustomer({ country: 'DE' });
    await service.cosmos.containers.customers.items.upsert(
      aCustomer({
        id: unreadable,
        customerId: unreadable,
        partnerCenterCustomerId: String(atPartnerCenter.id),
      }),
    );
    await purchaseRequests.sendMessage(
      encodeQueueMessage({
        batchId,
        lineId: '1',
        customerId: unreadable,
        requestedBy: { userId: 'operator' },
      }),
    );
    await settle();
    const replayed = await batch(batchId);
    expect(replayed.counts).toMatchObject({ failed: 0, completed: 2 });
    expect(replayed.items[0]?.error).toBeUndefined();
  });
});

describe('submitting a batch', () => {
  it('replays the first answer for the same Idempotency-Key and refuses the key with other items', async () => {
    const [customerId] = await registered(someCustomers(1, 'idempotent'));
    const headers = { 'idempotency-key': `batch-${customerId}` };
    const first = await submitted([{ customerId }], headers);
    const again = await submitted([{ customerId }], headers);
    expect(again).toBe(first);
    const other = await service.call('POST', '/api/purchase-batches', {
      as: salesAgent,
      body: { items: [{ customerId: 'someone-else' }] },
      headers,
    });
    expect(other.status).toBe(422);
    await settle();
    expect((await batch(first)).counts.completed).toBe(1);
  });

  it('completes a batch that failed part way when the request is retried with its Idempotency-Key', async () => {
    const customerIds = await registered(someCustomers(3, 'retried'));
    const key = `retry-${customerIds[0]}`;
    const items = customerIds.map((customerId) => ({ customerId }));
    const batches = createBatchRepository(service.cosmos.containers.batches);
    const nowhere = QueueServiceClient.fromConnectionString(service.storageConnectionString).getQueueClient(
      'no-such-queue',
    );
    // The first attempt writes the batch and its lines, then cannot enqueue anything.
    await expect(
      submitPurchaseBatch(
        { batches, purchaseRequests: nowhere },
        {
          batchId: batchIdForIdempotencyKey(salesAgent.userId, key),
          items,
          requestedBy: { userId: salesAgent.userId },
          correlationId: 'first-attempt',
          now: new Date(),
        },
      ),
    ).rejects.toThrow();

    const batchId = await submitted(items, { 'idempotency-key': key });
    expect(batchId).toBe(batchIdForIdempotencyKey(salesAgent.userId, key));
    await settle();
    const settled = await batch(batchId);
    expect(settled.total).toBe(3);
    expect(settled.items).toHaveLength(3);
    expect(settled.counts.completed).toBe(3);
  });
});
