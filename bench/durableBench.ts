/**
 * The durable benchmark's own process (one process runs one app, and the bench process already runs the service):
 * starts the local host on `bench/durableBenchApp`, and prints one `RESULT <json>` line.
 *
 * - throughput: N orchestrations of five sequential activities, all started at once over the rpc API, until the
 *   host is idle; journal on and in memory, interleaved per round (so machine load drifts hit both alike)
 * - resume: M instances waiting on an event and a week-long timer, then a crash (`abandon`), then the time from
 *   `startLocalHost` on the same folder until the host is idle with all M resumed
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { type LocalHost, silentLogger, startLocalHost } from '@azure-plan-local/functions-host';
import { journalFile } from '@azure-plan-local/functions-host';

import { mapWithConcurrency } from '../shared/platform/mapWithConcurrency';

const appDir = path.join(import.meta.dirname, 'durableBenchApp');
const activitiesPerOrchestration = 5;

export interface DurableBenchResult {
  orchestrations: number;
  /** Wall time of each round, ms. */
  persistedMs: number[];
  inMemoryMs: number[];
  journalBytes: number[];
  waiting: number;
  resumeMs: number;
}

function open(durableStateDirectory?: string): Promise<LocalHost> {
  return startLocalHost({
    appDir,
    port: 0,
    logger: silentLogger,
    loadLocalSettings: false,
    queueTriggers: false,
    ...(durableStateDirectory ? { durableStateDirectory } : {}),
  });
}

/**
 * Starts every instance as fast as the rpc listener takes them: 64 requests in flight (a thousand at once overflow
 * the listen backlog), each answered as soon as the instance is created, so all are queued within moments.
 */
async function startAll(host: LocalHost, name: string, ids: string[], input: string): Promise<void> {
  const answers = await mapWithConcurrency(ids, 64, (id) =>
    fetch(`${host.durable.rpcBaseUrl}orchestrators/${name}/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: input,
    }),
  );
  const refused = answers.filter((answer) => answer.status !== 202);
  if (refused.length > 0) throw new Error(`${refused.length} starts refused (HTTP ${refused[0]?.status})`);
}

async function countWithStatus(host: LocalHost, status: string, expected: number): Promise<number> {
  const res = await fetch(
    `${host.durable.rpcBaseUrl}instances/?runtimeStatus=${status}&showInput=false&top=${expected + 1}`,
  );
  return ((await res.json()) as unknown[]).length;
}

/** One throughput round; returns its wall time in ms (and the journal size when persisted). */
async function throughputRound(
  orchestrations: number,
  round: number,
  persisted: boolean,
): Promise<{ ms: number; bytes: number }> {
  const directory = persisted ? mkdtempSync(path.join(tmpdir(), 'durable-bench-')) : undefined;
  const host = await open(directory);
  try {
    const ids = Array.from({ length: orchestrations }, (_, index) => `r${round}-${index}`);
    const started = performance.now();
    await startAll(host, 'fiveSteps', ids, '0');
    await host.waitForIdle();
    const ms = performance.now() - started;
    const completed = await countWithStatus(host, 'Completed', orchestrations);
    if (completed !== orchestrations) throw new Error(`only ${completed}/${orchestrations} completed`);
    const bytes = directory ? statSync(journalFile(directory, 'DurableBench')).size : 0;
    return { ms, bytes };
  } finally {
    await host.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

async function resumeRound(waiting: number): Promise<number> {
  const directory = mkdtempSync(path.join(tmpdir(), 'durable-resume-'));
  try {
    const first = await open(directory);
    const ids = Array.from({ length: waiting }, (_, index) => `wait-${index}`);
    await startAll(first, 'waitsForApproval', ids, 'null');
    await first.waitForIdle();
    await first.abandon();
    const started = performance.now();
    const second = await open(directory);
    await second.waitForIdle();
    const ms = performance.now() - started;
    const running = await countWithStatus(second, 'Running', waiting);
    await second.stop();
    if (running !== waiting) throw new Error(`only ${running}/${waiting} resumed`);
    return ms;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orchestrations: { type: 'string', default: '1000' },
      waiting: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
    },
  });
  const orchestrations = Number(values.orchestrations);
  const waiting = Number(values.waiting);
  const rounds = Number(values.rounds);
  const warmup = Number(values.warmup);
  const result: DurableBenchResult = {
    orchestrations,
    persistedMs: [],
    inMemoryMs: [],
    journalBytes: [],
    waiting,
    resumeMs: 0,
  };
  for (let round = 0; round < warmup + rounds; round++) {
    const memory = await throughputRound(orchestrations, round, false);
    const journal = await throughputRound(orchestrations, round, true);
    if (round < warmup) continue;
    result.inMemoryMs.push(memory.ms);
    result.persistedMs.push(journal.ms);
    result.journalBytes.push(journal.bytes);
  }
  result.resumeMs = await resumeRound(waiting);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

export { activitiesPerOrchestration };
