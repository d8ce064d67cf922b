import { type Spread } from './statistics';

/** One line of the benchmark table: a measured figure with its spread over rounds, or why it is missing. */
export type BenchRow = MeasuredRow | UnavailableRow;

export interface MeasuredRow {
  /** Stable key for the JSON, e.g. `attested.purchasesPerSecond`. */
  id: string;
  label: string;
  unit: string;
  /** The figure per round; warm-up rounds are not in it. */
  spread: Spread;
  /** Exact counts and other facts worth printing next to the figure. */
  note?: string;
  goal?: Goal;
}

export interface UnavailableRow {
  id: string;
  label: string;
  unavailable: string;
  goal?: Goal;
}

export interface Goal {
  /** Human form, e.g. `≥ 0.5`. */
  text: string;
  /** Whether the median meets it. */
  met: boolean;
}

export function isMeasured(row: BenchRow): row is MeasuredRow {
  return 'spread' in row;
}

export function atMost(limit: number, median: number): Goal {
  return { text: `≤ ${limit}`, met: median <= limit };
}

export function atLeast(limit: number, median: number): Goal {
  return { text: `≥ ${limit}`, met: median >= limit };
}
