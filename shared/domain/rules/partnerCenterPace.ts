/**
 * The partner's pace at Partner Center: when the next orders may be placed so that, whatever the number of
 * instances asking, Partner Center's published limit holds. The only published numbers are 500 requests a minute
 * per partner tenant on the Order resource and 500 on the Subscription resource (PCD `order-resources.md`,
 * `subscription-resources.md`; reference §2.3). One order (a batch line's purchase) costs about one call on each in
 * the steady state (its look at the order, then at the plan's Azure subscriptions), so one slot = one order.
 *
 * The rule is a sliding window: no burst window holds more than `burst` slots, so a small batch (up to `burst`
 * lines) starts at once and a large one goes on in groups of `burst`. The calls a slot leads to come a few seconds
 * later, each with its own delay; the burst window is stretched so that calls delayed by up to `jitterMs` more than
 * others still fit in Partner Center's window: no `windowMs + jitterMs` holds more than `limit` slots. Slots are
 * reserved ahead: a taker is given its time and waits for it, so nobody polls and nothing is refused.
 */
export interface PaceRule {
  limit: number;
  windowMs: number;
  burst: number;
  jitterMs: number;
}

export const partnerCenterPaceRule: PaceRule = { limit: 500, windowMs: 60_000, burst: 25, jitterMs: 2_000 };

/** The rule's rate in slots a minute (for people): 500 per 62 s ≈ 484 a minute. */
export function slotsPerMinute(rule: PaceRule): number {
  return (rule.limit * 60_000) / (rule.windowMs + rule.jitterMs);
}

/** What the shared pace document holds: the times (epoch ms, ascending) of the last `burst` slots given out. */
export interface PaceState {
  recent: number[];
}

export function burstWindowMs(rule: PaceRule): number {
  return ((rule.windowMs + rule.jitterMs) * rule.burst) / rule.limit;
}

/**
 * Reserves `count` slots from `nowMs` on: each is the earliest time at or after now, at or after the last slot given
 * (so slots never go back in time, whatever the instances' clocks say), and at least one burst window after the
 * slot `burst` places before it. Returns the slots and the state to write back.
 */
export function reserveSlots(
  state: PaceState,
  nowMs: number,
  count: number,
  rule: PaceRule,
): { slots: number[]; state: PaceState } {
  const window = burstWindowMs(rule);
  const recent = [...state.recent];
  const slots: number[] = [];
  for (let index = 0; index < count; index += 1) {
    let at = Math.max(nowMs, recent.at(-1) ?? -Infinity);
    if (recent.length >= rule.burst) at = Math.max(at, recent[recent.length - rule.burst]! + window);
    recent.push(at);
    slots.push(at);
  }
  return { slots, state: { recent: recent.slice(-rule.burst) } };
}

/** When a slot asked for now would be given (without reserving it): what a new batch line waits for its turn. */
export function nextSlotAt(state: PaceState, nowMs: number, rule: PaceRule): number {
  return reserveSlots(state, nowMs, 1, rule).slots[0]!;
}

/** The Partner Center resources with a published limit (reference §2.3): each has a pace of its own for its calls. */
export const limitedResources = ['orders', 'subscriptions'] as const;
export type LimitedResource = (typeof limitedResources)[number];

/**
 * The pace of the calls on one limited resource (a purchase's look at its order, then at the plan's Azure
 * subscriptions): one turn per call, and no 61 s hold more than 500 turns, so no 60 s at Partner Center hold more
 * than 500 of these calls as long as each leaves within a second of its turn (it is made as soon as its turn
 * comes). The burst is the whole limit: this is Partner Center's own sliding window, a second longer. In the steady
 * state the calls follow the starts (25 every 3.1 s) and never wait; when the workflow engine falls behind and
 * its calls come in a bunch, the bunch uses the minute the engine left idle, as Partner Center would let it, and
 * what the window cannot hold waits for its turn instead of meeting 429s.
 */
export const partnerCenterCallRule: PaceRule = { limit: 500, windowMs: 60_000, burst: 500, jitterMs: 1_000 };

/**
 * How long after the last start turn the calls keep taking turns. Only batch lines (and orders placed by persons)
 * take start turns; a single purchase over HTTP does not, and its calls are not paced either (its start is kept at
 * three Cosmos DB round trips, docs/batches.md). A batch's calls come after its starts, by the purchase's latency:
 * seconds normally, minutes when the machine is starved; ten minutes cover both.
 */
export const callPacingHoldMs = 10 * 60_000;
