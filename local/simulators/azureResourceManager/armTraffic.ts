/**
 * Throttling and fault injection for the ARM simulator: the knobs tests and benchmarks turn through `/_sim`.
 *
 * Throttling is a fixed window per (principal, read|write), as ARM's published per-principal limits are stated
 * (12,000 reads and 1,200 writes per hour); a refused call gets 429 with `Retry-After` = seconds to the window's
 * end. `next` refuses the next N calls outright, for a "429 storm" that does not depend on counting.
 */
export interface ThrottlingSettings {
  readsPerWindow: number;
  writesPerWindow: number;
  windowSeconds: number;
  /** Refuse the next N calls whatever the counts (each with `retryAfterSeconds`). */
  next?: number;
  retryAfterSeconds?: number;
}

export const defaultThrottling: ThrottlingSettings = {
  readsPerWindow: 12_000,
  writesPerWindow: 1_200,
  windowSeconds: 3600,
};

export interface Fault {
  /** `PUT alias`, `GET alias`, … or `any`. */
  route: string;
  /** How many calls it hits. */
  count: number;
  /** `error`: answer `status` without doing the work; `lost-response`: do the work, then drop the connection. */
  mode: 'error' | 'lost-response';
  status: number;
}

export function createArmTraffic(initial: ThrottlingSettings) {
  let throttling = { ...initial };
  let windows = new Map<string, { start: number; count: number }>();
  let faults: Fault[] = [];

  return {
    get throttling(): ThrottlingSettings {
      return { ...throttling };
    },
    setThrottling(settings: Partial<ThrottlingSettings>): void {
      throttling = { ...throttling, ...settings };
      windows = new Map();
    },
    /** Seconds to wait when this call is throttled, else undefined (and the call is counted). */
    throttle(principal: string, kind: 'read' | 'write', nowMs: number): number | undefined {
      if (throttling.next && throttling.next > 0) {
        throttling.next--;
        return throttling.retryAfterSeconds ?? 1;
      }
      const windowMs = throttling.windowSeconds * 1000;
      const key = `${principal}:${kind}`;
      let window = windows.get(key);
      if (!window || nowMs - window.start >= windowMs) {
        window = { start: nowMs, count: 0 };
        windows.set(key, window);
      }
      const limit = kind === 'read' ? throttling.readsPerWindow : throttling.writesPerWindow;
      if (window.count >= limit) {
        return (
          throttling.retryAfterSeconds ?? Math.max(1, Math.ceil((window.start + windowMs - nowMs) / 1000))
        );
      }
      window.count++;
      return undefined;
    },
    addFault(fault: Fault): void {
      faults.push({ ...fault });
    },
    /** The fault this call meets, if any (consumes one of its count). */
    takeFault(route: string): Fault | undefined {
      const fault = faults.find((f) => f.count > 0 && (f.route === 'any' || f.route === route));
      if (!fault) return undefined;
      fault.count--;
      faults = faults.filter((f) => f.count > 0);
      return fault;
    },
    reset(): void {
      throttling = { ...initial };
      windows = new Map();
      faults = [];
    },
  };
}
