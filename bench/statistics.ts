/** How a set of repeated measurements spreads: the median and the interquartile range, min and max. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** How many measurements (rounds) it summarises. */
  count: number;
}

/** The q-quantile (0..1) of already sorted values, interpolating linearly between neighbours. */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
}

export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = sortedAscending(values);
  return {
    median: quantileOfSorted(sorted, 0.5),
    p25: quantileOfSorted(sorted, 0.25),
    p75: quantileOfSorted(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    count: sorted.length,
  };
}

/** Latency percentiles (p50, p95, p99) of one round's requests. */
export function latencyPercentiles(latenciesMs: readonly number[]): {
  p50: number;
  p95: number;
  p99: number;
} {
  const sorted = sortedAscending(latenciesMs);
  return {
    p50: quantileOfSorted(sorted, 0.5),
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
  };
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
