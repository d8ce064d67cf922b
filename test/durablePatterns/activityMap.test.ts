import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type OrchestrationContext } from 'durable-functions';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { proxyActivities, registerActivities } from '../../orchestrations/durablePatterns/activityMap';
import { activityRetry } from '../../orchestrations/durablePatterns/activityRetry';
import {
  createPurchaseActivities,
  type PurchaseActivityDependencies,
} from '../../orchestrations/purchase/purchaseActivities';
import { purchaseActivityNames } from '../../orchestrations/purchase/purchaseWorkflowContract';
import {
  createTransitionActivities,
  type TransitionActivityDependencies,
} from '../../orchestrations/transition/transitionActivities';
import { transitionActivityNames } from '../../orchestrations/transition/transitionWorkflowContract';

/** Two activities of a made-up workflow: their types are what the proxy's calls take and give. */
const activities = {
  double: (input: { n: number }, _log: InvocationContext) => Promise.resolve({ doubled: input.n * 2 }),
  greet: (input: { name: string }, _log: InvocationContext) => Promise.resolve(`hello ${input.name}`),
};
const names = { double: 'example-double', greet: 'example-greet' } as const;

afterEach(() => vi.restoreAllMocks());

describe('the typed activity map', () => {
  it('calls each activity under its registered name, with the retry, and hands back its result', () => {
    const scheduled: unknown[][] = [];
    const context = {
      df: {
        callActivityWithRetry: (...args: unknown[]) => {
          scheduled.push(args);
          return { scheduled: args[0] };
        },
      },
    } as unknown as OrchestrationContext;
    const proxy = proxyActivities<typeof activities>(context, names, activityRetry);

    const call = proxy.double({ n: 21 });
    const task = call.next();
    const done = call.next({ doubled: 42 });

    expect(task.value).toEqual({ scheduled: 'example-double' });
    expect(scheduled).toEqual([['example-double', activityRetry, { n: 21 }]]);
    expect(done).toEqual({ done: true, value: { doubled: 42 } });
  });

  it('registers every activity under its name, running the function of the same key', async () => {
    const registered = new Map<string, (input: unknown, context: InvocationContext) => Promise<unknown>>();
    vi.spyOn(df.app, 'activity').mockImplementation((name, options) => {
      registered.set(
        name,
        options.handler as (input: unknown, context: InvocationContext) => Promise<unknown>,
      );
      return (() => undefined) as unknown as df.RegisteredActivity;
    });

    registerActivities(names, activities);

    expect([...registered.keys()]).toEqual(['example-double', 'example-greet']);
    const log = new InvocationContext({ functionName: 'example', logHandler: () => undefined });
    expect(await registered.get('example-greet')?.({ name: 'Ada' }, log)).toBe('hello Ada');
    expect(await registered.get('example-double')?.({ n: 2 }, log)).toEqual({ doubled: 4 });
  });
});

describe('the workflows’ registered activity names', () => {
  it('stay what running purchases replay their history under, one per activity of the factory', () => {
    expect(purchaseActivityNames).toEqual({
      inviteCustomer: 'azurePlanPurchase-inviteCustomer',
      remindCustomer: 'azurePlanPurchase-remindCustomer',
      closeInvitation: 'azurePlanPurchase-closeInvitation',
      recordAzurePlan: 'azurePlanPurchase-placeOrder',
      findPlacedOrder: 'azurePlanPurchase-findPlacedOrder',
      releaseWorkInProgress: 'azurePlanPurchase-releaseSlot',
      confirmMca: 'azurePlanPurchase-confirmMca',
      createCart: 'azurePlanPurchase-createCart',
      checkout: 'azurePlanPurchase-checkout',
      readProvisioning: 'azurePlanPurchase-readProvisioning',
      readSignature: 'azurePlanPurchase-readSignature',
    });
    const factory = createPurchaseActivities({
      invitationLinks: { tokenSecret: 's', publicBaseUrl: 'https://example' },
    } as PurchaseActivityDependencies);
    expect(Object.keys(factory).sort()).toEqual(Object.keys(purchaseActivityNames).sort());
  });

  it('stay what running transitions replay their history under, one per activity of the factory', () => {
    expect(transitionActivityNames).toEqual({
      selectTransitionSources: 'azurePlanTransition-plan',
      startUpgrade: 'azurePlanTransition-startUpgrade',
      readUpgradeStatus: 'azurePlanTransition-readUpgradeStatus',
      recordUpgrade: 'azurePlanTransition-recordUpgrade',
      suspendLegacySubscription: 'azurePlanTransition-suspendLegacySubscription',
      releaseWorkInProgress: 'azurePlanTransition-releaseSlot',
    });
    const factory = createTransitionActivities({} as TransitionActivityDependencies);
    expect(Object.keys(factory).sort()).toEqual(Object.keys(transitionActivityNames).sort());
  });
});
