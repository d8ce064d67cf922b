import { describe, expect, it } from 'vitest';

import {
  burstWindowMs,
  nextSlotAt,
  type PaceState,
  partnerCenterCallRule,
  partnerCenterPaceRule,
  reserveSlots,
} from '../../../../shared/domain/rules/partnerCenterPace';

const rule = partnerCenterPaceRule;

/** The most slots in any window of `windowMs` (a window (t − windowMs, t], as Partner Center's). */
function mostInAnyWindow(slots: number[], windowMs: number): number {
  let most = 0;
  for (const end of slots)
    most = Math.max(most, slots.filter((at) => at > end - windowMs && at <= end).length);
  return most;
}

describe('the partner pace at Partner Center', () => {
  it('gives the burst at once, then groups of the burst a burst window apart', () => {
    const { slots } = reserveSlots({ recent: [] }, 1_000, 60, rule);

    expect(slots.slice(0, 25)).toEqual(Array(25).fill(1_000));
    expect(slots.slice(25, 50)).toEqual(Array(25).fill(1_000 + burstWindowMs(rule)));
    expect(slots[50]).toBe(1_000 + 2 * burstWindowMs(rule));
  });

  it('never lets a minute hold more than the limit, even for calls whose delays differ by up to the jitter', () => {
    // Takes of various sizes at various times, as instances would send them.
    let state: PaceState = { recent: [] };
    const slots: number[] = [];
    for (let take = 0; take < 200; take += 1) {
      const reserved = reserveSlots(state, take * 400, 1 + (take % 13), rule);
      state = reserved.state;
      slots.push(...reserved.slots);
    }
    expect(slots.length).toBeGreaterThan(1_000);
    expect(mostInAnyWindow(slots, rule.windowMs + rule.jitterMs)).toBeLessThanOrEqual(rule.limit);
    // Each call delayed by its own amount within the jitter still fits Partner Center's minute.
    const calls = slots.map((at, index) => at + ((index * 7919) % rule.jitterMs));
    calls.sort((a, b) => a - b);
    expect(mostInAnyWindow(calls, rule.windowMs)).toBeLessThanOrEqual(rule.limit);
  });

  it("the calls' pace (burst = the whole limit) keeps Partner Center's minute too, for calls up to its jitter late", () => {
    const callRule = partnerCenterCallRule;
    let state: PaceState = { recent: [] };
    const slots: number[] = [];
    for (let take = 0; take < 300; take += 1) {
      const reserved = reserveSlots(state, take * 150, 1 + (take % 17), callRule);
      state = reserved.state;
      slots.push(...reserved.slots);
    }
    expect(slots.length).toBeGreaterThan(2_000);
    // The first 500 at once (the window the engine left idle), then never more than the limit in a window.
    expect(slots.slice(0, 500).every((at) => at < 75 * 150)).toBe(true);
    expect(mostInAnyWindow(slots, callRule.windowMs + callRule.jitterMs)).toBeLessThanOrEqual(callRule.limit);
    const calls = slots.map((at, index) => at + ((index * 7919) % callRule.jitterMs));
    calls.sort((a, b) => a - b);
    expect(mostInAnyWindow(calls, callRule.windowMs)).toBeLessThanOrEqual(callRule.limit);
  });

  it('never goes back in time: a taker whose clock is behind gets a slot after the last one given', () => {
    const ahead = reserveSlots({ recent: [] }, 10_000, 1, rule);
    const behind = reserveSlots(ahead.state, 9_000, 1, rule);

    expect(behind.slots[0]).toBe(10_000);
  });

  it('an idle pace gives a slot now; a busy one says how long a new line waits', () => {
    expect(nextSlotAt({ recent: [] }, 5_000, rule)).toBe(5_000);
    const busy = reserveSlots({ recent: [] }, 5_000, 100, rule).state;
    expect(nextSlotAt(busy, 5_000, rule)).toBe(5_000 + 4 * burstWindowMs(rule));
  });
});
