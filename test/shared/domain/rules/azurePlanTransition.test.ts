import { describe, expect, it } from 'vitest';

import { AppError } from '../../../../shared/domain/errors';
import {
  selectTransitionSources,
  transitionOutcome,
} from '../../../../shared/domain/rules/azurePlanTransition';
import { aCustomer, aLegacySubscription } from '../../../support/fixtures';
import { refusalCode } from '../../../support/refusalCode';

const azurePlanMarkets = new Set(['DE', 'US']);
const aLegacyCustomer = aCustomer({ legacySubscriptionIds: ['legacy-1', 'legacy-2'] });
const twoLegacySubscriptions = [
  aLegacySubscription({ id: 'legacy-1', azureSubscriptionId: 'azure-1', friendlyName: 'Production' }),
  aLegacySubscription({ id: 'legacy-2', azureSubscriptionId: 'azure-2', friendlyName: 'Test' }),
];

describe('planning a transition from 0145P to the Azure plan', () => {
  it('moves every legacy subscription, keeping its Azure subscription id', () => {
    expect(
      selectTransitionSources({
        customer: aLegacyCustomer,
        legacySubscriptions: twoLegacySubscriptions,
        azurePlanMarkets,
      }),
    ).toEqual([
      { sourceSubscriptionId: 'legacy-1', azureSubscriptionId: 'azure-1', friendlyName: 'Production' },
      { sourceSubscriptionId: 'legacy-2', azureSubscriptionId: 'azure-2', friendlyName: 'Test' },
    ]);
  });

  it('leaves deleted legacy subscriptions behind', () => {
    const lines = selectTransitionSources({
      customer: aLegacyCustomer,
      legacySubscriptions: [twoLegacySubscriptions[0]!, { ...twoLegacySubscriptions[1]!, status: 'deleted' }],
      azurePlanMarkets,
    });
    expect(lines.map((line) => line.sourceSubscriptionId)).toEqual(['legacy-1']);
  });

  it('is blocked by a suspended legacy subscription', () => {
    const legacySubscriptions = [
      twoLegacySubscriptions[0]!,
      { ...twoLegacySubscriptions[1]!, status: 'suspended' as const },
    ];
    expect(
      refusalCode(() =>
        selectTransitionSources({ customer: aLegacyCustomer, legacySubscriptions, azurePlanMarkets }),
      ),
    ).toBe('LegacySubscriptionSuspended');
  });

  it('needs the MCA accepted', () => {
    const customer = { ...aLegacyCustomer, mca: { accepted: false } };
    expect(
      refusalCode(() =>
        selectTransitionSources({ customer, legacySubscriptions: twoLegacySubscriptions, azurePlanMarkets }),
      ),
    ).toBe('McaNotAccepted');
  });

  it('is refused for a customer that already has the Azure plan', () => {
    const customer = {
      ...aLegacyCustomer,
      azurePlan: { subscriptionId: 'p', orderId: 'o', status: 'active' as const },
    };
    expect(
      refusalCode(() =>
        selectTransitionSources({ customer, legacySubscriptions: twoLegacySubscriptions, azurePlanMarkets }),
      ),
    ).toBe('AzurePlanAlreadyExists');
  });

  it('is refused for a customer without any 0145P subscription', () => {
    expect(
      refusalCode(() =>
        selectTransitionSources({ customer: aCustomer(), legacySubscriptions: [], azurePlanMarkets }),
      ),
    ).toBe('NoLegacySubscriptions');
  });

  it('is refused where the Azure plan is not sold', () => {
    const customer = { ...aLegacyCustomer, country: 'AQ' };
    expect(
      refusalCode(() =>
        selectTransitionSources({ customer, legacySubscriptions: twoLegacySubscriptions, azurePlanMarkets }),
      ),
    ).toBe('CountryNotAvailable');
  });

  it('waits for another running purchase, but not for the transition that holds the work in progress itself', () => {
    const customer = {
      ...aLegacyCustomer,
      workInProgress: {
        kind: 'transition',
        id: 'transition-1',
        startedAt: '2026-01-05T09:00:00.000Z',
      } as const,
    };
    const input = { customer, legacySubscriptions: twoLegacySubscriptions, azurePlanMarkets };
    expect(refusalCode(() => selectTransitionSources(input))).toBe('OrderInProgress');
    expect(refusalCode(() => selectTransitionSources({ ...input, heldBy: 'transition-1' }))).toBeUndefined();
  });

  it('says what holds the customer: a purchase or a transition', () => {
    const detailWhenHeldBy = (kind: 'purchase' | 'transition'): string | undefined => {
      const workInProgress = { kind, id: `${kind}-1`, startedAt: '2026-01-05T09:00:00.000Z' };
      try {
        selectTransitionSources({
          customer: { ...aLegacyCustomer, workInProgress },
          legacySubscriptions: twoLegacySubscriptions,
          azurePlanMarkets,
        });
        return undefined;
      } catch (error) {
        return error instanceof AppError ? error.detail : undefined;
      }
    };
    expect(detailWhenHeldBy('transition')).toMatch(/^Transition transition-1 .*still running/);
    expect(detailWhenHeldBy('purchase')).toMatch(/^Purchase purchase-1 .*still running/);
  });
});

describe('the outcome of a transition', () => {
  it('is completed when every line moved, and partially completed otherwise', () => {
    expect(
      transitionOutcome([
        { sourceSubscriptionId: 'a', targetEntitlementId: 'x', status: 'completed' },
        { sourceSubscriptionId: 'b', targetEntitlementId: 'y', status: 'completed' },
      ]),
    ).toBe('completed');
    expect(
      transitionOutcome([
        { sourceSubscriptionId: 'a', targetEntitlementId: 'x', status: 'completed' },
        {
          sourceSubscriptionId: 'b',
          status: 'failed',
          error: { code: 'InternalError', detail: 'store down' },
        },
      ]),
    ).toBe('partiallyCompleted');
  });
});
