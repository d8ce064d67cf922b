import { describe, expect, it } from 'vitest';

import { azurePlanPurchaseOrchestrator } from '../../orchestrations/purchase/azurePlanPurchaseOrchestrator';
import {
  type PartnerCenterStepResult,
  purchaseActivityNames,
  type PurchaseCustomStatus,
  type PurchaseInput,
  purchaseInputVersion,
  type PurchaseOutcome,
} from '../../orchestrations/purchase/purchaseWorkflowContract';
import { type HarnessOptions, type HarnessResult, runOrchestrator } from '../support/orchestrationHarness';

const a = purchaseActivityNames;
const attested: PurchaseInput = {
  version: purchaseInputVersion,
  purchaseId: 'p-1',
  customerId: 'contoso',
  correlationId: 'c-1',
  requestedBy: { userId: 'alice' },
  mca: {
    method: 'attest',
    primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' },
    dateAgreed: '2026-01-01',
  },
};
const invited: PurchaseInput = {
  ...attested,
  mca: { method: 'invite', email: 'ada@contoso.example', reminderEveryHours: 24, expiresInDays: 3 },
};

const done = <T>(value: T): PartnerCenterStepResult<T> => ({ outcome: 'done', value });
const catalogItemId = 'DZH318Z0BPS6:0001:DZH318Z0BPS6-0001-DE';

/** Partner Center that sells at once; tests override the steps they are about. */
function happyActivities(): HarnessOptions['activities'] {
  return {
    [a.confirmMca]: () => done({ partnerCenterCustomerId: 'pc-1', country: 'DE' }),
    [a.createCart]: (input) =>
      done({ cartId: `cart-${(input as { attempt: number }).attempt}`, catalogItemId }),
    [a.checkout]: () => done({ orderId: 'pc-order-1' }),
    [a.readProvisioning]: () =>
      done({ provisioned: true, subscriptionId: 'pc-sub-1', entitlementId: 'az-1' }),
    [a.recordAzurePlan]: (input) => ({
      outcome: 'placed',
      order: (input as { ids: unknown }).ids,
      alreadyPlaced: false,
    }),
    [a.releaseWorkInProgress]: () => undefined,
    [a.findPlacedOrder]: () => null,
    [a.inviteCustomer]: () => undefined,
    [a.remindCustomer]: () => undefined,
    [a.closeInvitation]: () => undefined,
    [a.readSignature]: () => 'waiting',
  };
}

/** Runs executions until one does not continue as new; the result gathers them all. */
function run(input: PurchaseInput, overrides: Partial<HarnessOptions> = {}) {
  const executions: HarnessResult[] = [];
  let next: unknown = input;
  let startTime = new Date('2026-01-01T00:00:00Z');
  for (;;) {
    const execution = runOrchestrator(azurePlanPurchaseOrchestrator, {
      input: next,
      startTime,
      ...overrides,
      activities: { ...happyActivities(), ...overrides.activities },
    });
    executions.push(execution);
    if (execution.continuedAsNew === undefined) break;
    if (executions.length > 5_000) throw new Error('too many executions');
    next = execution.continuedAsNew;
    startTime = execution.now;
  }
  const last = executions.at(-1)!;
  return {
    ...last,
    executions,
    calls: executions.flatMap((execution) => execution.calls),
    customStatuses: executions.flatMap((execution) => execution.customStatuses),
    timers: executions.flatMap((execution) => execution.timers),
  };
}
const names = (result: { calls: { name: string }[] }) => result.calls.map((call) => call.name);

describe('the purchase orchestrator, replayed with a fake context', () => {
  it('buys through Partner Center and records Partner Center ids and the catalog id', () => {
    const result = run(attested);
    expect(result.output).toEqual({
      status: 'completed',
      order: { orderId: 'pc-order-1', subscriptionId: 'pc-sub-1', entitlementId: 'az-1' },
    });
    expect(names(result)).toEqual([
      a.confirmMca,
      a.createCart,
      a.checkout,
      a.readProvisioning,
      a.recordAzurePlan,
    ]);
    expect(result.calls.at(-1)?.input).toMatchObject({ offerId: catalogItemId });
    expect(result.calls[0]?.input).toMatchObject({ attestation: { dateAgreed: '2026-01-01' } });
  });

  it('signature wins: the invited purchase goes on when the customer accepts', () => {
    let reminders = 0;
    let signed = false;
    const result = run(invited, {
      activities: {
        [a.remindCustomer]: () => {
          reminders += 1;
        },
        // The acceptance is written to the store before the event is raised: the workflow reads it.
        [a.readSignature]: () => (signed ? 'accepted' : 'waiting'),
      },
      race: () => {
        if (reminders === 1) {
          signed = true;
          return { winner: 'event', name: 'McaAccepted' };
        }
        return { winner: 'timer' };
      },
    });
    expect(result.output).toMatchObject({ status: 'completed', invitation: { remindersSent: 1 } });
    expect(names(result)).toContain(a.confirmMca);
  });

  it('timer wins: reminders until the deadline, then expired without an order', () => {
    const result = run(invited);
    expect(result.output).toMatchObject({ status: 'expired', invitation: { remindersSent: 2 } });
    expect(names(result)).not.toContain(a.checkout);
    expect(names(result).at(-1)).toBe(a.closeInvitation);
  });

  it('cancel: a cancellation while waiting ends it cancelled', () => {
    let cancelled = false;
    const result = run(invited, {
      activities: { [a.readSignature]: () => (cancelled ? 'cancelled' : 'waiting') },
      race: () => {
        cancelled = true;
        return { winner: 'event', name: 'PurchaseCancelled' };
      },
    });
    expect(result.output).toMatchObject({ status: 'cancelled' });
    expect(names(result)).not.toContain(a.createCart);
    expect(names(result).at(-1)).toBe(a.closeInvitation);
  });

  it('direct sign while invited: the hourly poll of the direct-sign status ends the wait', () => {
    let polls = 0;
    const result = run(invited, {
      activities: {
        [a.readSignature]: () => {
          polls += 1;
          return polls >= 10 ? 'accepted' : 'waiting';
        },
      },
    });
    expect(result.output).toMatchObject({ status: 'completed', invitation: { remindersSent: 0 } });
    expect(names(result)).not.toContain(a.remindCustomer);
    expect(result.now.getTime() - Date.parse('2026-01-01T00:00:00Z')).toBeLessThan(10 * 3_600_000);
  });

  it('an event lost during continue-as-new is not lost: the next execution reads the truth first', () => {
    let signed = false;
    const result = run(invited, {
      activities: {
        // The customer signs while a reminder goes out; no event ever reaches the workflow.
        [a.remindCustomer]: () => {
          signed = true;
        },
        [a.readSignature]: () => (signed ? 'accepted' : 'waiting'),
      },
    });
    expect(result.output).toMatchObject({ status: 'completed', invitation: { remindersSent: 1 } });
  });

  it('continue-as-new carries the schedule: 90 days of hourly reminders, no execution over 200 history events', () => {
    const longWait: PurchaseInput = {
      ...invited,
      mca: { method: 'invite', email: 'ada@contoso.example', reminderEveryHours: 1, expiresInDays: 90 },
    };
    const result = run(longWait);
    expect(result.output).toMatchObject({ status: 'expired', invitation: { remindersSent: 90 * 24 - 1 } });
    expect(result.executions.length).toBeGreaterThan(2_000);
    expect(Math.max(...result.executions.map((execution) => execution.historyEvents))).toBeLessThanOrEqual(
      200,
    );
    const carried = result.executions[1]?.continuedAsNew as PurchaseInput;
    expect(carried).toMatchObject({
      version: purchaseInputVersion,
      wait: { invitedAt: '2026-01-01T00:00:00.000Z', remindersSent: 2 },
    });
    expect(names(result).filter((name) => name === a.inviteCustomer)).toHaveLength(1);
  });

  it('throttled: waits Retry-After on a durable timer, then repeats the same step', () => {
    let checkouts = 0;
    const result = run(attested, {
      activities: {
        [a.checkout]: () => {
          checkouts += 1;
          return checkouts === 1
            ? { outcome: 'throttled', retryAfterMs: 120_000 }
            : done({ orderId: 'pc-order-1' });
        },
      },
    });
    expect(result.output).toMatchObject({ status: 'completed' });
    expect(checkouts).toBe(2);
    const checkoutCalls = result.calls.filter((call) => call.name === a.checkout);
    expect(checkoutCalls[1]?.input).toEqual(checkoutCalls[0]?.input);
    expect(checkoutCalls[1]!.at.getTime() - checkoutCalls[0]!.at.getTime()).toBe(120_000);
  });

  it('retries exhausted: an outage that outlasts the retries fails PartnerCenterUnavailable and frees the work in progress', () => {
    const result = run(attested, {
      activities: {
        [a.createCart]: () => {
          throw new Error('PartnerCenterUnavailable: 503');
        },
      },
    });
    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
    expect(names(result).at(-1)).toBe(a.releaseWorkInProgress);
  });

  it('a refusal ends failed with the contract code and partnerCenterCode', () => {
    const result = run(attested, {
      activities: {
        [a.checkout]: () => ({
          outcome: 'refused',
          error: { code: 'McaNotAccepted', detail: 'no MCA', partnerCenterCode: 13605 },
        }),
      },
    });
    expect(result.output).toMatchObject({
      status: 'failed',
      error: { code: 'McaNotAccepted', partnerCenterCode: 13605 },
    });
  });

  it('400019: a stale availability rebuilds the cart, then checks the new cart out', () => {
    const result = run(attested, {
      activities: {
        [a.checkout]: (input) =>
          (input as { cartId: string }).cartId === 'cart-0'
            ? {
                outcome: 'refused',
                error: { code: 'PartnerCenterRejected', detail: 'stale', partnerCenterCode: 400019 },
              }
            : done({ orderId: 'pc-order-1' }),
      },
    });
    expect(result.output).toMatchObject({ status: 'completed' });
    const carts = result.calls.filter((call) => call.name === a.createCart).map((call) => call.input);
    expect(carts).toMatchObject([{ attempt: 0 }, { attempt: 1 }]);
  });

  it('provisioning slow then done: polls on a back-off of durable timers, status provisioning meanwhile', () => {
    let looks = 0;
    const result = run(attested, {
      activities: {
        [a.readProvisioning]: () => {
          looks += 1;
          return looks < 5
            ? done({ provisioned: false })
            : done({ provisioned: true, subscriptionId: 'pc-sub-1', entitlementId: 'az-1' });
        },
      },
    });
    expect(result.output).toMatchObject({ status: 'completed' });
    expect(result.customStatuses).toContainEqual(expect.objectContaining({ step: 'provisioning' }));
    const gaps = result.timers.map(
      (at, index) => at.getTime() - (index === 0 ? 0 : result.timers[index - 1]!.getTime()),
    );
    expect(gaps.slice(1)).toEqual([15_000, 30_000, 60_000]);
  });

  it('provisioning deadline: reports ProvisioningTimedOut instead of waiting forever', () => {
    const result = run(attested, {
      activities: { [a.readProvisioning]: () => done({ provisioned: false }) },
    });
    const outcome = result.output as PurchaseOutcome;
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'ProvisioningTimedOut' } });
    expect(outcome.error?.detail).toContain('pc-order-1');
    expect(result.now.getTime() - new Date('2026-01-01T00:00:00Z').getTime()).toBeLessThanOrEqual(
      48 * 3_600_000,
    );
    expect(names(result)).not.toContain(a.recordAzurePlan);
  });
});

describe('the provisioning wait keeps every execution small', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const hour = 3_600_000;
  /** Partner Center provisions the order `after` this long on the orchestration clock. */
  const provisionedAfter = (after: number) => ({
    [a.readProvisioning]: (_input: unknown, call: { at: Date }) =>
      call.at.getTime() - start >= after
        ? done({ provisioned: true, subscriptionId: 'pc-sub-1', entitlementId: 'az-1' })
        : done({ provisioned: false }),
  });
  const continued = (result: ReturnType<typeof run>) =>
    result.executions.flatMap((execution) =>
      execution.continuedAsNew === undefined ? [] : [execution.continuedAsNew as PurchaseInput],
    );

  it('provisioning slow for hours: completes with one order, no execution over 100 history events', () => {
    const result = run(attested, { activities: provisionedAfter(12 * hour) });

    expect(result.output).toEqual({
      status: 'completed',
      order: { orderId: 'pc-order-1', subscriptionId: 'pc-sub-1', entitlementId: 'az-1' },
    });
    expect(result.now.getTime() - start).toBeGreaterThanOrEqual(12 * hour);
    for (const once of [a.confirmMca, a.createCart, a.checkout, a.recordAzurePlan]) {
      expect(names(result).filter((name) => name === once)).toHaveLength(1);
    }
    expect(result.calls.at(-1)?.input).toMatchObject({
      ids: { orderId: 'pc-order-1' },
      offerId: catalogItemId,
    });
    expect(result.executions.length).toBeGreaterThan(2);
    for (const execution of result.executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
  });

  it('continued executions carry ids and the schedule position, so the back-off goes on where it was', () => {
    const result = run(attested, { activities: provisionedAfter(6 * hour) });

    const carried = continued(result);
    expect(carried[0]).toEqual({
      ...attested,
      provisioning: {
        partnerCenterCustomerId: 'pc-1',
        orderId: 'pc-order-1',
        catalogItemId,
        checkedOutAt: '2026-01-01T00:00:00.000Z',
        polls: 10,
      },
    });
    expect(carried.map((input) => input.provisioning?.polls)).toEqual(
      carried.map((_, index) => 10 * (index + 1)),
    );
    const gaps = result.timers.map(
      (at, index) => at.getTime() - (index === 0 ? start : result.timers[index - 1]!.getTime()),
    );
    const minute = 60_000;
    expect(gaps.slice(0, 12)).toEqual(
      [5 / 60, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 30, 30, 30].map((minutes) => minutes * minute),
    );
  });

  it('the deadline counts from the checkout, across executions: ProvisioningTimedOut after 48 hours', () => {
    const result = run(attested, {
      activities: { [a.readProvisioning]: () => done({ provisioned: false }) },
    });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'ProvisioningTimedOut' } });
    expect(result.executions.length).toBeGreaterThan(5);
    const waited = result.now.getTime() - start;
    expect(waited).toBeLessThanOrEqual(48 * hour);
    expect(waited).toBeGreaterThan(47 * hour);
    expect(names(result)).not.toContain(a.recordAzurePlan);
    expect(names(result).at(-1)).toBe(a.releaseWorkInProgress);
    for (const execution of result.executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
  });

  it('the status stays provisioning in every continued execution, from before its first step, invitation kept', () => {
    let signed = false;
    const result = run(invited, {
      activities: {
        [a.readSignature]: () => (signed ? 'accepted' : 'waiting'),
        ...provisionedAfter(30 * hour),
      },
      race: () => {
        signed = true;
        return { winner: 'event', name: 'McaAccepted' };
      },
    });

    expect(result.output).toMatchObject({
      status: 'completed',
      invitation: { email: 'ada@contoso.example' },
    });
    const waiting = result.executions.filter((execution) => execution.calls[0]?.name === a.readProvisioning);
    expect(waiting.length).toBeGreaterThan(2);
    for (const execution of waiting) {
      const first = execution.calls[0]?.customStatus as PurchaseCustomStatus;
      expect(first).toMatchObject({
        step: 'provisioning',
        mcaMethod: 'invite',
        invitation: { email: 'ada@contoso.example' },
      });
      expect(
        execution.customStatuses
          .slice(0, -1)
          .every((status) => (status as PurchaseCustomStatus).step === 'provisioning'),
      ).toBe(true);
    }
  });

  it('an execution journaled before the version tag replays as it was written: it polls in one history', () => {
    const { version: _version, ...journaled } = attested;
    const result = run(journaled, { activities: provisionedAfter(6 * hour) });

    expect(result.output).toMatchObject({ status: 'completed' });
    expect(result.executions).toHaveLength(1);
    expect(names(result).filter((name) => name === a.readProvisioning).length).toBeGreaterThan(10);
  });

  it('an input version this build does not know is refused with the reason, not misread', () => {
    expect(() => run({ ...attested, version: purchaseInputVersion + 1 })).toThrow(
      new RegExp(`workflow input version ${purchaseInputVersion + 1}`),
    );
  });

  /** Partner Center throttles every look at the order for `during`, then provisions it. */
  const throttledFor = (during: number) => ({
    [a.readProvisioning]: (_input: unknown, call: { at: Date }) =>
      call.at.getTime() - start < during
        ? { outcome: 'throttled', retryAfterMs: 60_000 }
        : done({ provisioned: true, subscriptionId: 'pc-sub-1', entitlementId: 'az-1' }),
  });

  it('a 429 storm of hours while provisioning: the placed order is waited for, every execution stays small', () => {
    const result = run(attested, { activities: throttledFor(6 * hour) });

    expect(result.output).toMatchObject({ status: 'completed', order: { orderId: 'pc-order-1' } });
    expect(names(result).filter((name) => name === a.readProvisioning).length).toBeGreaterThan(300);
    for (const execution of result.executions) expect(execution.historyEvents).toBeLessThanOrEqual(100);
    // After the storm the back-off is where it was: the storm did not advance it.
    expect(continued(result).every((input) => input.provisioning?.polls === 0)).toBe(true);
  });

  it('a 429 storm that outlasts the deadline ends ProvisioningTimedOut, not a retry loop', () => {
    const result = run(attested, { activities: throttledFor(100 * hour) });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'ProvisioningTimedOut' } });
    expect(result.now.getTime() - start).toBeLessThanOrEqual(48 * hour);
  });

  it('Partner Center unreachable for an hour while provisioning: looks again on the back-off, then completes', () => {
    const result = run(attested, {
      activities: {
        [a.readProvisioning]: (_input: unknown, call: { at: Date }) => {
          if (call.at.getTime() - start < hour)
            throw new Error('Partner Center unavailable (retries exhausted)');
          return done({ provisioned: true, subscriptionId: 'pc-sub-1', entitlementId: 'az-1' });
        },
      },
    });

    expect(result.output).toMatchObject({ status: 'completed', order: { orderId: 'pc-order-1' } });
  });

  it('a version-2 execution replays as it was written: its throttled look gives up after the step’s own waits', () => {
    const result = run({ ...attested, version: 2 }, { activities: throttledFor(6 * hour) });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
  });

  describe('throttling ends a step by time (input version 4)', () => {
    /** Partner Center throttles every checkout for `during`, then sells; Retry-After 2 s, as under contention. */
    const checkoutThrottledFor = (during: number) => ({
      [a.checkout]: (_input: unknown, call: { at: Date }) =>
        call.at.getTime() - start < during
          ? { outcome: 'throttled', retryAfterMs: 2_000 }
          : done({ orderId: 'pc-order-1' }),
    });

    it('50 minutes of short throttling answers (far more than 20) slow the purchase, and it completes', () => {
      const result = run(attested, { activities: checkoutThrottledFor(50 * 60_000) });

      expect(result.output).toMatchObject({ status: 'completed' });
      expect(names(result).filter((name) => name === a.checkout).length).toBeGreaterThan(20);
      // The waits back off (1 s doubling to a minute): an hour of 429s is at most ~66 waits of ~8 events each,
      // where Retry-After 2 s alone would have been 1,800 waits.
      expect(result.executions[0]!.historyEvents).toBeLessThanOrEqual(600);
    });

    it('an hour of throttling without a break ends PartnerCenterUnavailable, and frees the customer', () => {
      const result = run(attested, { activities: checkoutThrottledFor(10 * hour) });

      expect(result.output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
      expect((result.output as PurchaseOutcome).error?.detail).toMatch(/60 minutes/);
      expect(result.now.getTime() - start).toBeGreaterThanOrEqual(hour);
      expect(result.now.getTime() - start).toBeLessThan(hour + 2 * 60_000);
      expect(names(result)).toContain(a.releaseWorkInProgress);
    });

    it('a version-3 execution replays as it was written: 20 throttled answers end the step', () => {
      const result = run({ ...attested, version: 3 }, { activities: checkoutThrottledFor(50 * 60_000) });

      expect(result.output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
      expect(names(result).filter((name) => name === a.checkout)).toHaveLength(21);
    });
  });
});

describe('the purchase orchestrator settles an unclear checkout by asking Partner Center (input version 4)', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const minute = 60_000;
  /** The checkout answers `unclear` until `during` has passed, then shows the order. */
  const checkoutUnclearFor = (during: number, unclear: () => unknown) => ({
    [a.checkout]: (_input: unknown, call: { at: Date }) =>
      call.at.getTime() - start < during ? unclear() : done({ orderId: 'pc-order-1' }),
  });
  const checkoutsOf = (result: ReturnType<typeof run>) =>
    result.calls.filter((call) => call.name === a.checkout);

  it('800064 (being processed) while the list lags: asks again on the same cart, then completes with the order', () => {
    const result = run(attested, {
      activities: checkoutUnclearFor(20 * minute, () => done({ unsettled: 800064 })),
    });

    expect(result.output).toMatchObject({ status: 'completed', order: { orderId: 'pc-order-1' } });
    const checkouts = checkoutsOf(result);
    expect(checkouts.length).toBeGreaterThan(2);
    expect(new Set(checkouts.map((call) => JSON.stringify(call.input))).size).toBe(1);
    expect(names(result)).not.toContain(a.releaseWorkInProgress);
    expect(names(result).filter((name) => name === a.createCart)).toHaveLength(1);
  });

  it('800065 (already submitted) is not a refusal either: the order found later is the one recorded', () => {
    const result = run(attested, {
      activities: checkoutUnclearFor(14 * minute, () => done({ unsettled: 800065 })),
    });

    expect(result.output).toMatchObject({ status: 'completed', order: { orderId: 'pc-order-1' } });
  });

  it('an unanswered checkout (the order may be placed, the answer lost) is repeated on the same cart', () => {
    const result = run(attested, {
      activities: checkoutUnclearFor(10 * minute, () => {
        throw new Error('Partner Center unavailable (retries exhausted)');
      }),
    });

    expect(result.output).toMatchObject({ status: 'completed', order: { orderId: 'pc-order-1' } });
    expect(names(result).filter((name) => name === a.createCart)).toHaveLength(1);
  });

  it('no clear answer by the deadline: failed OrderUnconfirmed (not a silent refusal), the work in progress freed', () => {
    const result = run(attested, {
      activities: checkoutUnclearFor(Infinity, () => done({ unsettled: 800064 })),
    });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'OrderUnconfirmed' } });
    expect(result.now.getTime() - start).toBeGreaterThanOrEqual(15 * minute);
    expect(result.now.getTime() - start).toBeLessThanOrEqual(30 * minute);
    expect(names(result).at(-1)).toBe(a.releaseWorkInProgress);
    expect(result.historyEvents).toBeLessThanOrEqual(100);
  });

  it('a checkout only ever throttled placed nothing: PartnerCenterUnavailable once throttled for an hour (by time, as every step)', () => {
    const result = run(attested, {
      activities: checkoutUnclearFor(Infinity, () => ({ outcome: 'throttled', retryAfterMs: 60_000 })),
    });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'PartnerCenterUnavailable' } });
    // Not the 30 minutes of settling an unclear answer: a 429 left nothing unclear.
    expect(result.now.getTime() - start).toBeGreaterThanOrEqual(60 * minute);
    expect(result.now.getTime() - start).toBeLessThanOrEqual(62 * minute);
    expect(names(result).at(-1)).toBe(a.releaseWorkInProgress);
  });

  it('a refusal during the settling still ends the purchase with it (e.g. 13605)', () => {
    let checkouts = 0;
    const result = run(attested, {
      activities: {
        [a.checkout]: () => {
          checkouts += 1;
          return checkouts === 1
            ? done({ unsettled: 800064 })
            : {
                outcome: 'refused',
                error: { code: 'McaNotAccepted', detail: 'x', partnerCenterCode: 13605 },
              };
        },
      },
    });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'McaNotAccepted' } });
  });

  it('a version-3 execution replays as it was written: an unclear checkout ends it at once', () => {
    const unsettled = run(
      { ...attested, version: 3 },
      { activities: checkoutUnclearFor(20 * minute, () => done({ unsettled: 800064 })) },
    );
    expect(unsettled.output).toMatchObject({
      status: 'failed',
      error: { code: 'OrderInProgress', partnerCenterCode: 800064 },
    });
    expect(checkoutsOf(unsettled)).toHaveLength(1);

    const unanswered = run(
      { ...attested, version: 3 },
      {
        activities: checkoutUnclearFor(20 * minute, () => {
          throw new Error('unavailable');
        }),
      },
    );
    expect(unanswered.output).toMatchObject({
      status: 'failed',
      error: { code: 'PartnerCenterUnavailable' },
    });
  });

  it('an order Partner Center cancelled ends the purchase at the look that sees it, not after 48 hours', () => {
    let looks = 0;
    const result = run(attested, {
      activities: {
        [a.readProvisioning]: () => {
          looks += 1;
          return looks < 3
            ? done({ provisioned: false })
            : { outcome: 'refused', error: { code: 'OrderCancelled', detail: 'cancelled' } };
        },
      },
    });

    expect(result.output).toMatchObject({ status: 'failed', error: { code: 'OrderCancelled' } });
    expect(result.now.getTime() - start).toBeLessThan(60 * minute);
    expect(names(result).at(-1)).toBe(a.releaseWorkInProgress);
  });
});
