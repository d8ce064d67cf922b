/**
 * A test seam for real failures: `FAULT_INJECTION=recordAzurePlan.afterWrite:1,…` makes the named point throw that
 * many times, so a test can watch an activity crash after its write and be retried, without mocking a store.
 * Unset (always, outside tests), every point is a no-op.
 */
export interface FaultInjector {
  /** Throws while the point still has injected failures left. */
  check(point: string): void;
}

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

export function createFaultInjector(specification: string | undefined): FaultInjector {
  const remaining = new Map<string, number>();
  for (const entry of (specification ?? '').split(',')) {
    const [point, count] = entry.trim().split(':');
    if (point) remaining.set(point, Math.max(0, Number.parseInt(count ?? '1', 10) || 1));
  }
  return {
    check(point) {
      const left = remaining.get(point) ?? 0;
      if (left <= 0) return;
      remaining.set(point, left - 1);
      throw new InjectedFault(`Injected fault at ${point}.`);
    },
  };
}
