/**
 * `npm run bench` (after `npm run build` and `npm run build:console`): measures the purchase path against its limits
 * on this machine, and the console's customer page in the browser, and prints one table; the full report goes to
 * `bench/results/bench-<time>.json`.
 *
 *   --quick          a tiny run that proves the bench works (its figures mean nothing)
 *   --rounds N       measured rounds per figure (default 5); --warmup N warm-up rounds (default 1)
 *   --concurrency N  purchases in flight for the throughput figures (default 16)
 *   --out DIR        where the JSON goes (default bench/results)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { formatTable } from './formatTable';
import { type BenchOptions, fullOptions, quickOptions, runBench } from './runBench';

const appDir = path.resolve(import.meta.dirname, '..');

export function parseBenchArguments(args: string[]): { options: BenchOptions; outDir: string } {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const base = values.quick ? quickOptions(appDir) : fullOptions(appDir);
  const count = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number`);
    return parsed;
  };
  return {
    options: {
      ...base,
      rounds: Math.max(1, count(values.rounds, base.rounds, 'rounds')),
      warmupRounds: count(values.warmup, base.warmupRounds, 'warmup'),
      concurrency: Math.max(1, count(values.concurrency, base.concurrency, 'concurrency')),
    },
    outDir: path.resolve(values.out ?? path.join(appDir, 'bench', 'results')),
  };
}

/** Runs the bench, prints the table and writes the JSON; returns the JSON's path. */
export async function main(args: string[]): Promise<string> {
  const { options, outDir } = parseBenchArguments(args);
  const report = await runBench(options);
  const table = formatTable(report.rows);
  const { machine } = report;
  process.stdout.write(
    `\nAzure plan purchase service — bench ${report.startedAt}\n` +
      `${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}, load ${machine.loadAverage.map((load) => load.toFixed(2)).join(' ')}\n\n` +
      `${table}\n`,
  );
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...report, table }, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${path.relative(process.cwd(), file)}\n`);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
