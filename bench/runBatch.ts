/**
 * `npm run bench:batch` (after `npm run build`): issue 11 item 6 at full size. A batch of attested purchases runs
 * against the Partner Center simulator with the published rate limits enforced; prints the time to every line
 * final, the least time the limits allow (which limit binds, and the arithmetic), the ratio and the lines failed,
 * and writes the report, with a per-second timeline, to `bench/results/batch-<time>.json`.
 *
 *   --lines N   lines in the batch (default 1000, the contract's maximum)
 *   --out DIR   where the JSON goes (default bench/results)
 *
 * Real clock, real limits (500 calls a minute per partner on orders and on subscriptions): a 1,000-line batch
 * needs about two minutes, so nothing is scaled.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { aDevelopmentToken, createBenchClient } from './benchClient';
import { createBenchCosmosContainers } from './createBenchCosmosContainers';
import {
  describeMinimum,
  measurePartnerCenterBatch,
  type PartnerCenterBatchResult,
} from './measurePartnerCenterBatch';
import { startBenchService } from './startBenchService';
import { startCountingCosmosServer } from './startCountingCosmosServer';

const appDir = path.resolve(import.meta.dirname, '..');
/** The goal: within 1.2× of the minimum, no line failed because of throttling. */
export const batchGoalRatio = 1.2;

export function parseBatchArguments(args: string[]): { lines: number; outDir: string } {
  const { values } = parseArgs({
    args,
    options: { lines: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const lines = values.lines === undefined ? 1000 : Number(values.lines);
  if (!Number.isInteger(lines) || lines < 1 || lines > 1000)
    throw new Error('--lines must be a whole number from 1 to 1000 (the largest batch the contract takes)');
  return { lines, outDir: path.resolve(values.out ?? path.join(appDir, 'bench', 'results')) };
}

export function formatBatchResult(result: PartnerCenterBatchResult): string {
  const met = result.ratio <= batchGoalRatio && result.failedByThrottling === 0;
  const others = result.minimums
    .filter((minimum) => minimum !== result.binding)
    .map((minimum) => `  also ${describeMinimum(minimum, result.lines)}`);
  return [
    `lines                        ${result.lines}: ${JSON.stringify(result.counts)}`,
    `measured                     ${result.seconds.toFixed(1)} s from the POST to every line final`,
    `minimum the limits allow     ${describeMinimum(result.binding, result.lines)} (binding)`,
    ...others,
    `measured ÷ minimum           ${result.ratio.toFixed(2)} (goal ≤ ${batchGoalRatio}: ${met ? 'met' : 'not met'})`,
    `lines failed                 ${result.failedLines}, of which because of throttling ${result.failedByThrottling}` +
      (result.failedLines > 0 ? ` ${JSON.stringify(result.failureCodes)}` : ''),
    `Partner Center calls         ${result.partnerCenterCalls}, ${result.throttledCalls} answered 429 (${JSON.stringify(result.throttledByRoute)})`,
  ].join('\n');
}

export async function main(args: string[]): Promise<PartnerCenterBatchResult> {
  const { lines, outDir } = parseBatchArguments(args);
  const startedAt = new Date().toISOString();
  const cosmos = await startCountingCosmosServer();
  try {
    const service = await startBenchService({ appDir, cosmosEndpoint: cosmos.endpoint });
    if ('unavailable' in service) throw new Error(service.unavailable);
    const containers = await createBenchCosmosContainers(cosmos.endpoint);
    try {
      const client = createBenchClient(
        service.baseUrl,
        await aDevelopmentToken(appDir, service.settings, ['SalesAgent', 'AdminAgent']),
      );
      let lastPrinted = -Infinity;
      process.stderr.write(`bench:batch: ${lines} lines, registering customers, then the batch\n`);
      const result = await measurePartnerCenterBatch(service, client, {
        lines,
        onSample(sample) {
          if (sample.seconds - lastPrinted < 10) return;
          lastPrinted = sample.seconds;
          process.stderr.write(
            `  ${sample.seconds.toFixed(0).padStart(4)} s  ${JSON.stringify(sample.counts)}  accepted ${JSON.stringify(sample.accepted)}  429s ${sample.throttled}\n`,
          );
        },
      });
      process.stdout.write(
        `\nAzure plan purchase service — batch under Partner Center's published limits, ${startedAt}\n` +
          `${os.availableParallelism()} CPUs, Node ${process.version}, load ${os
            .loadavg()
            .map((load) => load.toFixed(2))
            .join(' ')}; real clock, nothing scaled\n\n${formatBatchResult(result)}\n`,
      );
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, `batch-${startedAt.replace(/[:.]/g, '-')}.json`);
      writeFileSync(
        file,
        `${JSON.stringify({ startedAt, loadAverage: os.loadavg(), ...result }, null, 2)}\n`,
      );
      process.stdout.write(`\nJSON: ${path.relative(process.cwd(), file)}\n`);
      return result;
    } finally {
      containers.dispose();
      await service.stop();
    }
  } finally {
    await cosmos.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then(
    (result) => process.exit(result.failedByThrottling === 0 ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
