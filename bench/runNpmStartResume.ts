/**
 * `npx tsx bench/runNpmStartResume.ts` (after `npm run build`): only the bench's rows "(7) npm start → healthy /
 * all resumed" (bench/measureNpmStartResume.ts), without the rest of `npm run bench`; prints them as the bench's
 * table and writes the JSON to `bench/results/npm-start-resume-<time>.json`.
 *
 *   --purchases N   invited purchases waiting across the restart (default 1000)
 *   --out DIR       where the JSON goes (default bench/results)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { formatTable } from './formatTable';
import { measureNpmStartResumeRows } from './measureNpmStartResume';

const appDir = path.resolve(import.meta.dirname, '..');

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { purchases: { type: 'string', default: '1000' }, out: { type: 'string' } },
    strict: true,
  });
  const purchases = Number(values.purchases);
  if (!Number.isInteger(purchases) || purchases < 1)
    throw new Error('--purchases must be a whole number ≥ 1');
  const outDir = path.resolve(values.out ?? path.join(appDir, 'bench', 'results'));
  const startedAt = new Date().toISOString();
  const rows = await measureNpmStartResumeRows({ appDir, npmStartWaitingPurchases: purchases }, (line) =>
    process.stderr.write(`bench: ${line}\n`),
  );
  const table = formatTable(rows);
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  process.stdout.write(
    `\nAzure plan purchase service — npm start with waiting purchases to resume, ${startedAt}\n` +
      `${os.availableParallelism()} CPUs, Node ${process.version}, load ${load}\n\n${table}\n`,
  );
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `npm-start-resume-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt, loadAverage: os.loadavg(), rows, table }, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${path.relative(process.cwd(), file)}\n`);
  if (rows.some((row) => 'unavailable' in row)) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then(
    () => process.exit(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
