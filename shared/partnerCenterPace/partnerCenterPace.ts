import { setTimeout as sleepFor } from 'node:timers/promises';

import {
  nextSlotAt,
  type PaceRule,
  type PaceState,
  partnerCenterPaceRule,
  reserveSlots,
  slotsPerMinute,
} from '../domain/rules/partnerCenterPace';
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
}

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
}): PartnerCenterPace {
  const { store, clock } = dependencies;
  const rule = dependencies.rule ?? partnerCenterPaceRule;
  const sleep = dependencies.sleep ?? ((ms: number) => sleepFor(ms));
  const waiting: { resolve: (at: number) => void; reject: (error: unknown) => void }[] = [];
  let taking = false;

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
  };
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
  const paced: Record<string, unknown> = {};
  for (const name of methods) {
    const method = port[name] as unknown as (...args: unknown[]) => Promise<unknown>;
    paced[name] = async (...args: unknown[]) => {
      await pace.reserveTurn();
      return method.apply(port, args);
    };
  }
  return { ...port, ...paced };
}
