import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  transitionActivityNames,
  transitionFaultPoints,
} from '../../../orchestrations/transition/transitionWorkflowContract';
import {
  aLegacyOrder,
  aRegisteredCustomer,
  aTransitionStarted,
  mcaAttested,
  settledTransition,
  storedDocumentCounts,
  type TransitionView,
} from '../../support/customerJourney';
import { startService, type TestService } from '../../support/service';

let service: TestService;

/**
 * The plan order, the first move and the first suspension each fail once, for real, right after their write (as a
 * crash between the write and the reply would); the durable runtime retries them and the orchestrator replays.
 */
beforeAll(async () => {
  service = await startService({
    env: {
      FAULT_INJECTION: [
        `${transitionFaultPoints.afterAzurePlanOrder}:1`,
        `${transitionFaultPoints.afterMove}:1`,
        `${transitionFaultPoints.afterSuspend}:1`,
      ].join(','),
    },
  });
});

afterAll(async () => {
  await service?.stop();
});

interface RawHistory {
  history: { EventType: number; Name?: string }[];
}

const taskScheduled = 4;
const taskFailed = 6;

describe('a transition whose activities crash after their writes', () => {
  it('resumes by replay and completes without writing anything twice', async () => {
    const customerId = await aRegisteredCustomer(service, 'crashing-transition');
    const legacyOrder = await aLegacyOrder(service, customerId, ['Production', 'Test']);
    await mcaAttested(service, customerId);

    const started = await aTransitionStarted(service, customerId);
    expect(started.status).toBe(202);
    const { transitionId } = started.body;

    // The upgrade runs at Partner Center: the transition waits (durable timer) before it records anything.
    await service.host.waitForIdle();
    const waiting = await service.call<TransitionView>('GET', `/api/transitions/${transitionId}`, {
      as: { roles: ['SalesAgent'] },
    });
    expect(waiting.body.status).toBe('placingOrder');
    expect(await storedDocumentCounts(service, customerId)).not.toHaveProperty('azurePlanMarker');

    const transition = await settledTransition(service, transitionId);
    expect(transition.status).toBe('completed');
    expect(transition.lineItems.map((line) => line.status)).toEqual(['completed', 'completed']);

    // Every faulted activity ran twice, and nothing is there twice.
    // The management webhooks want the durable system key, as on the real host.
    const raw = await service.call<RawHistory>(
      'GET',
      `/runtime/webhooks/durabletask/instances/${transitionId}/history`,
      { headers: { 'x-functions-key': service.host.durable.systemKey } },
    );
    const runs = (name: string) =>
      raw.body.history.filter((event) => event.EventType === taskScheduled && event.Name === name).length;
    expect(raw.body.history.filter((event) => event.EventType === taskFailed)).toHaveLength(3);
    // One crash after the plan is recorded and one after the moves, both inside recordUpgrade: three runs.
    expect(runs(transitionActivityNames.recordUpgrade)).toBe(3);
    expect(runs(transitionActivityNames.suspendLegacySubscription)).toBe(3);
    expect(await storedDocumentCounts(service, customerId)).toMatchObject({
      customer: 1,
      azurePlanMarker: 1,
      order: 2,
      subscription: 3,
      azureEntitlement: 2,
    });

    const legacyIds = legacyOrder.lineItems.map((line) => line.subscriptionId);
    expect(transition.lineItems.map((line) => line.sourceSubscriptionId).sort()).toEqual(
      [...legacyIds].sort(),
    );
    const customer = await service.call('GET', `/api/customers/${customerId}`, {
      as: { roles: ['SalesAgent'] },
    });
    expect(customer.body).toMatchObject({ azurePlan: { status: 'active' }, activePurchase: null });
  });
});
