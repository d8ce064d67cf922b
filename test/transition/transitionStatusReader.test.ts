import type * as df from 'durable-functions';
import { describe, expect, it } from 'vitest';

import { toTransitionState } from '../../orchestrations/transition/transitionStatusReader';

function aDurableStatus(overrides: Partial<df.DurableOrchestrationStatus>): df.DurableOrchestrationStatus {
  return {
    name: 'azurePlanTransition',
    instanceId: 'transition-1',
    createdTime: new Date('2026-02-01T10:00:00Z'),
    lastUpdatedTime: new Date('2026-02-01T10:00:05Z'),
    input: {
      transitionId: 'transition-1',
      customerId: 'contoso',
      correlationId: 'c',
      requestedBy: { userId: 'u' },
    },
    output: null,
    runtimeStatus: 'Running' as df.OrchestrationRuntimeStatus,
    customStatus: {
      status: 'movingSubscriptions',
      lineItems: [{ sourceSubscriptionId: 'legacy-1', status: 'pending' }],
      azurePlan: { subscriptionId: 'plan-1', orderId: 'order-1' },
    },
    ...overrides,
  };
}

describe('the status of a transition', () => {
  it('shows the progress of a running transition line by line', () => {
    expect(toTransitionState(aDurableStatus({}))).toEqual({
      transitionId: 'transition-1',
      customerId: 'contoso',
      status: 'movingSubscriptions',
      createdTime: '2026-02-01T10:00:00.000Z',
      lastUpdatedTime: '2026-02-01T10:00:05.000Z',
      lineItems: [{ sourceSubscriptionId: 'legacy-1', status: 'pending' }],
      azurePlan: { subscriptionId: 'plan-1', orderId: 'order-1' },
    });
  });

  it('shows the outcome once it completed', () => {
    const state = toTransitionState(
      aDurableStatus({
        runtimeStatus: 'Completed' as df.OrchestrationRuntimeStatus,
        output: {
          status: 'completed',
          lineItems: [
            { sourceSubscriptionId: 'legacy-1', targetEntitlementId: 'azure-1', status: 'completed' },
          ],
        },
      }),
    );
    expect(state).toMatchObject({ status: 'completed', lineItems: [{ targetEntitlementId: 'azure-1' }] });
  });

  it('reports a crashed or terminated orchestration as failed, with an error', () => {
    for (const runtimeStatus of ['Failed', 'Terminated']) {
      const state = toTransitionState(
        aDurableStatus({ runtimeStatus: runtimeStatus as df.OrchestrationRuntimeStatus }),
      );
      expect(state).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });
    }
  });

  it('is not found for an instance of another orchestration, such as a purchase', () => {
    expect(toTransitionState(aDurableStatus({ name: 'azurePlanPurchase' }))).toBeUndefined();
  });
});
