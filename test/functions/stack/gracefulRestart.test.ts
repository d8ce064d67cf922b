import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { findFreePorts } from '@azure-plan-local/stores';
import { afterEach, describe, expect, it } from 'vitest';

import { type BatchLineStatus } from '../../../shared/domain/rules/purchaseBatch';
import {
  aContact,
  anAttestation,
  hourMs,
  purchaseScenario,
  salesAgent,
} from '../../purchase/purchaseScenario';
import { startPersistentService } from '../../support/persistentService';
import { type RunningService } from '../../support/service';

/**
 * Ctrl-C and `npm start` again, through the host on the stores `npm start` uses (Azurite on disk, the Cosmos DB
 * server's journal, the durable journal), on the virtual clock so that the service comes back a day and a half
 * later: what waited keeps waiting and keeps its schedule, what came due while it was down happens at start, and
 * everything acknowledged before the stop is still there. The negative control runs the same restart with every
 * store in memory and sees the purchase gone, so the scenario can fail.
 */

const running: RunningService[] = [];
/** One set of store and simulator ports for the whole file: the app keeps its clients for the life of this process. */
const ports = findFreePorts(5);
const folders: string[] = [];

afterEach(async () => {
  for (const service of running.splice(0)) await service.stop().catch(() => undefined);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function stack(persist: boolean) {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'graceful-restart-'));
  folders.push(stateDir);
  const [queuePort = 0, cosmosPort = 0, identityPort = 0, partnerCenterPort = 0, armPort = 0] = await ports;
  const t0 = new Date();
  const start = async (startTime: Date) => {
    const service = await startPersistentService({
      stateDir,
      ports: [queuePort, cosmosPort, identityPort, partnerCenterPort, armPort],
      startTime,
      persist,
    });
    running.push(service);
    return service;
  };
  const stop = async (service: RunningService) => {
    running.splice(running.indexOf(service), 1);
    await service.stop();
  };
  return { t0, start, stop };
}

interface BatchView {
  counts: Record<BatchLineStatus, number>;
  items: { status: BatchLineStatus }[];
}

describe('a graceful restart on persistent stores', () => {
  it('keeps waiting purchases, their links and reminder schedule, expires what came due while down, and finishes a batch in flight', async () => {
    const { t0, start, stop } = await stack(true);
    const first = await start(t0);
    const before = purchaseScenario(first);

    const buyer = await before.aRegisteredCustomer();
    const bought = before.purchaseIdOf(await before.startPurchase(buyer, { mca: anAttestation() }));
    const waiter = await before.aRegisteredCustomer();
    const waiting = before.purchaseIdOf(
      await before.startPurchase(waiter, {
        mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 30 },
      }),
    );
    const expiring = before.purchaseIdOf(
      await before.startPurchase(await before.aRegisteredCustomer(), {
        mca: { method: 'invite', reminderEveryHours: 6, expiresInDays: 1 },
      }),
    );
    await first.host.waitForIdle();
    expect(await before.purchase(bought)).toMatchObject({ status: 'completed' });
    expect(await before.purchase(waiting)).toMatchObject({
      status: 'awaitingCustomerSignature',
      invitation: { remindersSent: 0 },
    });
    const acceptPath = await before.acceptPathOf(waiting);

    const batchCustomers = [
      await before.aRegisteredCustomer(),
      await before.aRegisteredCustomer(),
      await before.aRegisteredCustomer(),
    ];
    const submitted = await first.call<{ batchId: string }>('POST', '/api/purchase-batches', {
      as: salesAgent,
      headers: { 'Idempotency-Key': 'restart-batch' },
      body: {
        items: [
          { customerId: batchCustomers[0], mca: anAttestation() },
          { customerId: batchCustomers[1], mca: anAttestation() },
          { customerId: batchCustomers[2], mca: { method: 'invite' } },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    // Stopped at once, with the batch in flight: the host finishes its invocations, the stores save.
    await stop(first);

    // Back 36 hours later: the 1-day invitation's deadline and the 24-hour reminder came due while it was down.
    const second = await start(new Date(t0.getTime() + 36 * hourMs));
    const after = purchaseScenario(second);
    await second.host.waitForIdle();

    expect(await after.purchase(expiring)).toMatchObject({ status: 'expired' });
    expect(await after.purchase(waiting)).toMatchObject({
      status: 'awaitingCustomerSignature',
      invitation: { remindersSent: 1 },
    });
    // The schedule is kept from the invitation: the next reminder at 48 h, not 24 h after the restart.
    await second.host.advance(12 * hourMs);
    expect(await after.settledPurchase(waiting)).toMatchObject({ invitation: { remindersSent: 2 } });

    const accepted = await second.call('POST', acceptPath, { body: aContact });
    expect(accepted.status).toBe(200);
    await second.host.waitForIdle();
    expect(await after.purchase(waiting)).toMatchObject({ status: 'completed' });

    await second.host.drainQueues();
    const batch = await second.call<BatchView>('GET', `/api/purchase-batches/${submitted.body.batchId}`, {
      as: salesAgent,
    });
    expect(batch.body.counts).toMatchObject({
      queued: 0,
      accepted: 0,
      completed: 2,
      awaitingCustomerSignature: 1,
      failed: 0,
      rejected: 0,
    });

    // Customers, orders and agreements made before the stop are all there.
    expect(await after.customer(buyer)).toMatchObject({ azurePlan: { status: 'active' } });
    const orders = await second.call<{ items: unknown[] }>('GET', `/api/customers/${buyer}/orders`, {
      as: salesAgent,
    });
    expect(orders.body.items).toHaveLength(1);
    const agreements = await second.call<{ items: unknown[] }>('GET', `/api/customers/${buyer}/agreements`, {
      as: salesAgent,
    });
    expect(agreements.body.items).toHaveLength(1);
    expect(await after.storedDocuments(buyer)).toMatchObject({ order: 1, agreement: 1 });
  }, 120_000);

  it('negative control: with every store in memory the same restart forgets the waiting purchase', async () => {
    const { t0, start, stop } = await stack(false);
    const first = await start(t0);
    const before = purchaseScenario(first);
    const waiting = before.purchaseIdOf(
      await before.startPurchase(await before.aRegisteredCustomer(), { mca: { method: 'invite' } }),
    );
    await first.host.waitForIdle();
    expect(await before.purchase(waiting)).toMatchObject({ status: 'awaitingCustomerSignature' });
    await stop(first);

    const second = await start(new Date(t0.getTime() + hourMs));
    const gone = await second.call('GET', `/api/purchases/${waiting}`, { as: salesAgent });
    expect(gone.status).toBe(404);
  }, 60_000);
});
