import { setTimeout as sleepFor } from 'node:timers/promises';

import {
  callPacingHoldMs,
  type LimitedResource,
  nextSlotAt,
  type PaceRule,
  type PaceState,
  partnerCenterCallRule,
  partnerCenterPaceRule,
  reserveSlots,
  slotsPerMinute,
} from '../domain/rules/partnerCenterPace';
import { type PartnerCenterGateway } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { type LostRace, lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';

/** Where the partner's pace is kept for every instance: one document, written conditionally on its ETag. */
export interface PaceStore {
  read(): Promise<{ state: PaceState; etag: string } | undefined>;
  /** Writes the state if nobody wrote since `etag` was read (creates it when `etag` is undefined). */
  write(state: PaceState, etag: string | undefined): Promise<void | LostRace>;
}

/** Longer waits than this are shown on the batch line (`waitingForPaceUntil`); shorter ones are not worth a write. */
export const shownWaitMs = 1_000;

/** What the operator sees of the pace (health). */
export interface PaceView {
  mode: 'shared' | 'perProcess';
  /** Slots (orders) a minute the pace gives out at most. */
  perMinute: number;
  burst: number;
  /** When a batch line received now would start: its wait for its turn. */
  nextTurnAt: string;
  newLineWaitMs: number;
}

/**
 * The turns Partner Center's pace gives out. `awaitTurn` resolves when the caller may place its order; when the
 * wait is longer than `shownWaitMs` it first calls `onWait` with the time of the turn (the batch line shows it).
 */
export interface PartnerCenterPace {
  awaitTurn(onWait?: (until: Date) => Promise<void>): Promise<void>;
  /**
   * Takes a turn without waiting for it: for an order placed while a person waits on the request (a reservation,
   * an Azure subscription, a transition's upgrade). Its share is counted, so batch lines give way for it.
   */
  reserveTurn(): Promise<void>;
  describe(): Promise<PaceView>;
  /**
   * The gateway with each call on a limited resource (Order, Subscription: `partnerCenterCallResources`) waiting
   * for a turn of that resource's pace first, while this instance's batch lines are taking turns (for
   * `callPacingHoldMs` after the last): how the later calls of a batch's purchases stay within the limit when the
   * workflow engine falls behind and they come in a bunch. Other methods are the port's own.
   */
  pacedCalls<P extends object>(port: P): P;
}

/**
 * The gateway calls that Partner Center counts against a published limit, by resource (reference §2.3: 500 a minute
 * per partner tenant on the Order and on the Subscription resource; the simulator's route table tags them alike).
 * `listAzureEntitlements` follows continuation pages: one turn stands for its first page (a plan's Azure
 * subscriptions fit in one page unless there are more than 50).
 */
export const partnerCenterCallResources = {
  getOrder: 'orders',
  listOrders: 'orders',
  getProvisioningStatus: 'orders',
  listSubscriptions: 'subscriptions',
  getSubscription: 'subscriptions',
  listSubscriptionsByOrder: 'subscriptions',
  updateSubscription: 'subscriptions',
  listAzureEntitlements: 'subscriptions',
  registerSubscription: 'subscriptions',
  getRegistrationStatus: 'subscriptions',
} as const satisfies Partial<Record<keyof PartnerCenterGateway, LimitedResource>>;

/** Slots one take reserves at most for the callers waiting in this instance. */
const maxSlotsPerTake = 100;

/**
 * The partner's one pace, shared by every instance through `store` (docs/batches.md). Each instance sends one take
 * at a time, for all its callers waiting at that moment (up to `maxSlotsPerTake`), so the shared document sees at
 * most one writer per instance and the ETag races stay few (`retryOnConflict` settles them). A turn given is kept
 * even if its caller then fails: the pace errs towards fewer calls, never more.
 */
export function createPartnerCenterPace(dependencies: {
  store: PaceStore;
  clock: Clock;
  rule?: PaceRule;
  sleep?: (ms: number) => Promise<unknown>;
  /** One document per limited resource, for `pacedCalls`; without them calls are not paced. */
  callStores?: Record<LimitedResource, PaceStore>;
}): PartnerCenterPace {
  const { store, clock, callStores } = dependencies;
  const rule = dependencies.rule ?? partnerCenterPaceRule;
  const sleep = dependencies.sleep ?? ((ms: number) => sleepFor(ms));
  const waiting: { resolve: (at: number) => void; reject: (error: unknown) => void }[] = [];
  let taking = false;
  /** The latest start turn this instance was given (epoch ms): while recent, its calls take turns too. */
  let lastTurnAt = -Infinity;
  const callPace = (callStore: PaceStore) =>
    createPartnerCenterPace({ store: callStore, clock, sleep, rule: partnerCenterCallRule });
  const callPaces = callStores
    ? { orders: callPace(callStores.orders), subscriptions: callPace(callStores.subscriptions) }
    : undefined;

  async function takeFor(count: number): Promise<number[]> {
    return retryOnConflict(
      'The partner pace at Partner Center',
      async () => {
        const current = await store.read();
        const { slots, state } = reserveSlots(
          current?.state ?? { recent: [] },
          clock.now().getTime(),
          count,
          rule,
        );
        return (await store.write(state, current?.etag)) === lostRace ? lostRace : slots;
      },
      { sleep },
    );
  }

  async function drain(): Promise<void> {
    if (taking) return;
    taking = true;
    try {
      while (waiting.length > 0) {
        const callers = waiting.splice(0, maxSlotsPerTake);
        try {
          const slots = await takeFor(callers.length);
          lastTurnAt = Math.max(lastTurnAt, ...slots);
          callers.forEach((caller, index) => caller.resolve(slots[index]!));
        } catch (error) {
          for (const caller of callers) caller.reject(error);
        }
      }
    } finally {
      taking = false;
    }
  }

  const take = () =>
    new Promise<number>((resolve, reject) => {
      waiting.push({ resolve, reject });
      void drain();
    });

  return {
    async reserveTurn() {
      await take();
    },
    async awaitTurn(onWait) {
      const at = await take();
      const wait = at - clock.now().getTime();
      if (wait > shownWaitMs && onWait) await onWait(new Date(at));
      const left = at - clock.now().getTime();
      if (left > 0) await sleep(left);
    },
    async describe() {
      const current = await store.read();
      const now = clock.now().getTime();
      const next = nextSlotAt(current?.state ?? { recent: [] }, now, rule);
      return {
        mode: 'shared',
        perMinute: Math.floor(slotsPerMinute(rule)),
        burst: rule.burst,
        nextTurnAt: new Date(next).toISOString(),
        newLineWaitMs: next - now,
      };
    },
    pacedCalls(port) {
      if (!callPaces) return port;
      const batchRunning = () => clock.now().getTime() - lastTurnAt < callPacingHoldMs;
      return withEachCall(port, partnerCenterCallResources, async (resource) => {
        if (batchRunning()) await callPaces[resource].awaitTurn();
      });
    },
  };
}

/** The port with `before(tag)` awaited before each method named in `tags` (a method the port lacks is skipped). */
function withEachCall<P extends object, T>(
  port: P,
  tags: Readonly<Record<string, T>>,
  before: (tag: T) => Promise<void>,
): P {
  const wrapped: Record<string, unknown> = {};
  for (const [name, tag] of Object.entries(tags)) {
    const method = (port as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      await before(tag);
      return (method as (...args: unknown[]) => Promise<unknown>).apply(port, args);
    };
  }
  return { ...port, ...wrapped };
}

/**
 * The port with each of `methods` taking a turn in the pace (without waiting for it) before it calls Partner
 * Center: how the orders placed outside batches (reservations, Azure subscriptions, a transition's upgrade) count.
 */
export function withTurns<P extends object>(
  port: P,
  pace: Pick<PartnerCenterPace, 'reserveTurn'>,
  methods: readonly (keyof P & string)[],
): P {
  return withEachCall(port, Object.fromEntries(methods.map((name) => [name, name])), () =>
    pace.reserveTurn(),
  );
}
