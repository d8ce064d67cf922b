import { type BenchRow, type MeasuredRow } from './benchRow';
import { countRegisteredFunctions, measureColdStartRound } from './measureColdStart';
import { measureConsolePageRows } from './measureConsolePage';
import { measureDurableRows } from './measureDurableRows';
import { measureFirstRequest } from './measureFirstRequest';
import { measureHistoryRows } from './measureHistoryRows';
import { measureNpmStartResumeRows } from './measureNpmStartResume';
import { measureServiceRows } from './measureServiceRows';
import { startCountingCosmosServer } from './startCountingCosmosServer';
import { spreadOf } from './statistics';

export interface BenchOptions {
  /** The repository root (holds package.json and the built `dist/main.js`). */
  appDir: string;
  /** Measured rounds per figure (warm-up rounds come on top and are not reported). */
  rounds: number;
  warmupRounds: number;
  /** Purchases in flight at once for the throughput figures. */
  concurrency: number;
  /** Purchases (and raw batches) per throughput round. */
  purchasesPerRound: number;
  /** Start requests per latency round at concurrency 1 (with 16 in flight: this many × 4). */
  latencyRequestsPerRound: number;
  /** Fresh processes per cold-start round, each of bare Node and of the app import. */
  coldStartProcesses: number;
  /** Lines of the batch measured in (6). */
  batchLines: number;
  batchRounds: number;
  /** The classic durable benchmark: orchestrations of five activities started at once, per round. */
  durableOrchestrations: number;
  /** Waiting instances the host resumes at start. */
  durableWaiting: number;
  durableRounds: number;
  /** Invited purchases waiting when `npm start` is started again (0: the rows are skipped). */
  npmStartWaitingPurchases: number;
  /** Fresh loads of the console's customer page per round, in the browser (0: the rows are skipped). */
  consolePageLoads: number;
}

export const fullOptions = (appDir: string): BenchOptions => ({
  appDir,
  rounds: 5,
  warmupRounds: 1,
  concurrency: 16,
  purchasesPerRound: 80,
  latencyRequestsPerRound: 40,
  coldStartProcesses: 5,
  batchLines: 1000,
  batchRounds: 1,
  durableOrchestrations: 1000,
  durableWaiting: 1000,
  durableRounds: 3,
  npmStartWaitingPurchases: 1000,
  consolePageLoads: 3,
});

/** Proves the bench runs end to end, in seconds; its figures mean nothing. */
export const quickOptions = (appDir: string): BenchOptions => ({
  appDir,
  rounds: 1,
  warmupRounds: 0,
  concurrency: 2,
  purchasesPerRound: 4,
  latencyRequestsPerRound: 4,
  coldStartProcesses: 1,
  batchLines: 4,
  batchRounds: 1,
  durableOrchestrations: 10,
  durableWaiting: 10,
  durableRounds: 1,
  npmStartWaitingPurchases: 0,
  consolePageLoads: 0,
});

export interface BenchReport {
  startedAt: string;
  machine: { nproc: number; cpuModel: string; node: string; platform: string; loadAverage: number[] };
  options: BenchOptions;
  rows: BenchRow[];
}

/** Runs `round` warm-up + measured times and keeps the measured results. */
export async function measuredRounds<T>(
  options: Pick<BenchOptions, 'rounds' | 'warmupRounds'>,
  round: (index: number) => Promise<T> | T,
): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < options.warmupRounds + options.rounds; index += 1) {
    const result = await round(index);
    if (index >= options.warmupRounds) results.push(result);
  }
  return results;
}

export function measuredRow(
  row: Omit<MeasuredRow, 'spread' | 'goal'> & { values: number[] },
  goal?: (median: number) => MeasuredRow['goal'],
): MeasuredRow {
  const spread = spreadOf(row.values);
  const { values: _values, ...rest } = row;
  return { ...rest, spread, ...(goal ? { goal: goal(spread.median) } : {}) };
}

async function coldStartRows(options: BenchOptions): Promise<BenchRow[]> {
  const entry = 'dist/main.js';
  const registered = countRegisteredFunctions({ appDir: options.appDir, entry });
  const rounds = await measuredRounds(options, () =>
    measureColdStartRound({ appDir: options.appDir, entry, processes: options.coldStartProcesses }),
  );
  // Telemetry off is the row above (neither APPLICATIONINSIGHTS_CONNECTION_STRING nor an OTLP endpoint: nothing
  // loaded); on, the OTLP SDK loads with the app (an endpoint nobody listens on: exports are batched, not awaited).
  const telemetryOn = await measuredRounds(options, () =>
    measureColdStartRound({
      appDir: options.appDir,
      entry,
      processes: options.coldStartProcesses,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    }),
  );
  const note = `median of ${options.coldStartProcesses} fresh processes per round; ${registered} functions registered`;
  return [
    measuredRow({
      id: 'coldStart.bareNodeMs',
      label: '(5) cold start: bare `node -e ""`',
      unit: 'ms',
      values: rounds.map((round) => round.bareNodeMs),
      note,
    }),
    measuredRow({
      id: 'coldStart.appImportMs',
      label: '(5) cold start: import dist/main.js',
      unit: 'ms',
      values: rounds.map((round) => round.appImportMs),
      note,
    }),
    measuredRow({
      id: 'coldStart.appImportTelemetryOnMs',
      label: '(5) cold start: import dist/main.js, OpenTelemetry on (OTLP)',
      unit: 'ms',
      values: telemetryOn.map((round) => round.appImportMs),
      note: `${note}; OTEL_EXPORTER_OTLP_ENDPOINT set: the SDK (dist/vendor/telemetry.js) loads at start`,
    }),
    // No goal: the lazy entry that kept this near 1× was removed, since what users wait for is the first answer.
    measuredRow({
      id: 'coldStart.ratio',
      label: '(5) cold start ÷ bare Node',
      unit: '×',
      values: rounds.map((round) => round.ratio),
    }),
  ];
}

/** The cold start a caller waits for: a fresh process loading the app through the local host, to its first answer. */
async function firstRequestRows(options: BenchOptions): Promise<BenchRow[]> {
  const rounds = await measuredRounds(options, () =>
    measureFirstRequest({ appDir: options.appDir, processes: options.coldStartProcesses }),
  );
  const note = `median of ${options.coldStartProcesses} fresh processes per round; GET /api/health, stores warm`;
  return [
    measuredRow({
      id: 'coldStart.firstRequest.sinceProcessStartMs',
      label: '(5) cold start, first request: from process start',
      unit: 'ms',
      values: rounds.map((round) => round.sinceProcessStartMs),
      note,
    }),
    measuredRow({
      id: 'coldStart.firstRequest.sinceHostStartMs',
      label: '(5) cold start, first request: from loading the app',
      unit: 'ms',
      values: rounds.map((round) => round.sinceHostStartMs),
      note,
    }),
  ];
}

/** Every figure of the issue, in the table's order. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const os = await import('node:os');
  const startedAt = new Date().toISOString();
  const cosmos = await startCountingCosmosServer();
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await measureServiceRows(options, { cosmos })));
  } finally {
    await cosmos.stop();
  }
  process.stderr.write('bench: measuring cold start\n');
  rows.push(...(await coldStartRows(options)));
  rows.push(...(await firstRequestRows(options)));
  process.stderr.write('bench: measuring the durable engine (journal on and off)\n');
  rows.push(...(await measureDurableRows(options)));
  process.stderr.write(
    `bench: npm start with ${options.npmStartWaitingPurchases} waiting purchases to resume\n`,
  );
  rows.push(...(await measureNpmStartResumeRows(options)));
  rows.push(...measureHistoryRows());
  process.stderr.write("bench: the console's customer page in the browser, on npm start\n");
  rows.push(...(await measureConsolePageRows(options)));
  const cpus = os.cpus();
  return {
    startedAt,
    machine: {
      nproc: os.availableParallelism(),
      cpuModel: cpus[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg(),
    },
    options,
    rows,
  };
}
