import { z } from 'zod';

/*
 * Fault switches: Partner Center behaviours the reference describes (`shared/reference/partner-center-api.md`),
 * turned on by name (`SIMULATOR_FAULTS=throttle,outage` for `npm start`, `faults.switches` in process). Each one
 * happens on a share of calls or orders, drawn from a seeded generator, so a test that makes the same calls in the
 * same order sees the same faults. What an order was dealt (held, cancelled) is stored on the order, so it survives
 * a restart.
 */

export const faultSwitchNames = [
  /** A repeated checkout within `inProgressMs` of the committed one: 409 800064 (§2.2). */
  'checkoutInProgress',
  /** A repeated checkout of an ordered cart: 400 800065 instead of the first result (§2.2, legacy behaviour). */
  'checkoutAlreadySubmitted',
  /** New orders stay out of the orders list for `listLagMs` (§4: "up to 15 minutes"); GET by id is not delayed. */
  'orderListLag',
  /** A share of calls answered 429 with `Retry-After` and the throttling body (§2.3). */
  'throttle',
  /** A share of calls answered 503, or dropped before or after the work is done (§7 fault injection). */
  'outage',
  /** A share of orders stays `pending` for `heldMs` before it is provisioned (§4: no timing documented). */
  'provisioningHeld',
  /** A share of orders ends `cancelled`, its lines `Unfulfilled`, nothing provisioned (§3.9, mission-anchors §1.7). */
  'orderCancelled',
] as const;
export type FaultSwitch = (typeof faultSwitchNames)[number];

export const faultSettingsSchema = z.object({
  switches: z.array(z.enum(faultSwitchNames)).default([]),
  /** Seed of the generator that decides which calls and orders are hit. */
  seed: z.number().int().default(1),
  throttleShare: z.number().min(0).max(1).default(0.1),
  throttleRetryAfterSeconds: z.number().int().positive().default(5),
  outageShare: z.number().min(0).max(1).default(0.05),
  inProgressMs: z
    .number()
    .nonnegative()
    .default(2 * 60_000),
  listLagMs: z
    .number()
    .nonnegative()
    .default(15 * 60_000),
  heldShare: z.number().min(0).max(1).default(0.5),
  heldMs: z
    .number()
    .nonnegative()
    .default(6 * 3_600_000),
  cancelledShare: z.number().min(0).max(1).default(0.2),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

/** Reads `SIMULATOR_FAULTS` (comma-separated names; empty: none). An unknown name is an error naming the known ones. */
export function parseFaultSwitches(text: string | undefined): FaultSwitch[] {
  const names = (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(faultSwitchNames as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `SIMULATOR_FAULTS: unknown ${unknown.join(', ')}; the switches are ${faultSwitchNames.join(', ')}.`,
    );
  }
  return [...new Set(names)] as FaultSwitch[];
}

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FaultDice {
  settings(): FaultSettings;
  on(name: FaultSwitch): boolean;
  /** True for a share of draws, when the switch is on (a draw is taken only then). */
  hit(name: FaultSwitch, share: number): boolean;
  /** One of the options, drawn evenly. */
  pick<T>(options: readonly T[]): T;
  replace(settings: z.input<typeof faultSettingsSchema>): FaultSettings;
}

export function createFaultDice(initial: z.input<typeof faultSettingsSchema> = {}): FaultDice {
  let settings = faultSettingsSchema.parse(initial);
  let random = seededRandom(settings.seed);
  return {
    settings: () => settings,
    on: (name) => settings.switches.includes(name),
    hit: (name, share) => settings.switches.includes(name) && random() < share,
    pick: (options) => options[Math.min(options.length - 1, Math.floor(random() * options.length))]!,
    replace(next) {
      settings = faultSettingsSchema.parse(next);
      random = seededRandom(settings.seed);
      return settings;
    },
  };
}
