import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

import { atLeast, type BenchRow } from './benchRow';
import { activitiesPerOrchestration, type DurableBenchResult } from './durableBench';
import { type BenchOptions, measuredRow } from './runBench';

const labels = {
  persistedOrchestrations: '(7) durable 5-activity chains: orchestrations/s, journal on',
  inMemoryOrchestrations: '(7) durable 5-activity chains: orchestrations/s, in memory',
  persistedWorkItems: '(7) durable 5-activity chains: activity work items/s, journal on',
  ratio: '(7) durable chains/s journal on ÷ in memory',
  resume: '(7) host start → idle with waiting instances to resume',
};

/** Runs bench/durableBench.ts in its own process (it runs another app) and returns its result. */
function runChild(options: BenchOptions): Promise<DurableBenchResult> {
  const tsx = createRequire(import.meta.filename).resolve('tsx/cli');
  const args = [
    tsx,
    path.join(import.meta.dirname, 'durableBench.ts'),
    '--orchestrations',
    String(options.durableOrchestrations),
    '--waiting',
    String(options.durableWaiting),
    '--rounds',
    String(options.durableRounds),
    '--warmup',
    '0',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const line = /^RESULT (.*)$/m.exec(out)?.[1];
      if (code === 0 && line) resolve(JSON.parse(line) as DurableBenchResult);
      else reject(new Error(`durable bench exited ${code}: ${err.trim().split('\n')[0] ?? ''}`));
    });
  });
}

/**
 * The classic durable benchmark (N orchestrations of five sequential activities started at once) on the local host,
 * journal on and in memory, beside the published figures of the Azure providers; and the resume-at-start time.
 */
export async function measureDurableRows(options: BenchOptions): Promise<BenchRow[]> {
  let result: DurableBenchResult;
  try {
    result = await runChild(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 160) : String(error);
    return Object.entries(labels).map(([id, label]) => ({ id: `durable.${id}`, label, unavailable: reason }));
  }
  const n = result.orchestrations;
  const perSecond = (ms: number[]) => ms.map((value) => (n * 1000) / value);
  const persisted = perSecond(result.persistedMs);
  const inMemory = perSecond(result.inMemoryMs);
  const megabytes = (Math.max(...result.journalBytes) / 1e6).toFixed(1);
  return [
    measuredRow({
      id: 'durable.persistedOrchestrations',
      label: labels.persistedOrchestrations,
      unit: 'orch/s',
      values: persisted,
      note: `${n} started at once; journal ${megabytes} MB; published: Azure Storage ≈45/s, Netherite ≈171/s (2-core EP2)`,
    }),
    measuredRow({
      id: 'durable.inMemoryOrchestrations',
      label: labels.inMemoryOrchestrations,
      unit: 'orch/s',
      values: inMemory,
      note: `${n} started at once, same process, interleaved with the journal rounds`,
    }),
    measuredRow({
      id: 'durable.persistedWorkItems',
      label: labels.persistedWorkItems,
      unit: 'items/s',
      values: persisted.map((value) => value * activitiesPerOrchestration),
      note: 'published: Durable Task Scheduler ≈1,400 work items/s on one EP2',
    }),
    measuredRow(
      {
        id: 'durable.ratio',
        label: labels.ratio,
        unit: '×',
        values: persisted.map((value, index) => value / (inMemory[index] ?? Number.NaN)),
        note: 'per round; the attested-purchase ratio needs the service on the journal (npm start wiring)',
      },
      (median) => atLeast(0.5, median),
    ),
    measuredRow({
      id: 'durable.resumeStartMs',
      label: labels.resume,
      unit: 'ms',
      values: [result.resumeMs],
      note: `${result.waiting} instances waiting on an event and a 7-day timer, after a crash (journal replayed and compacted)`,
    }),
  ];
}
