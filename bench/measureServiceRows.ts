import { mapWithConcurrency } from '../shared/platform/mapWithConcurrency';
import {
  aContact,
  aDevelopmentToken,
  aFreshCustomerId,
  anAttestedPurchase,
  type BenchClient,
  createBenchClient,
  registerCustomer,
  startPurchase,
  submitAttestedBatch,
} from './benchClient';
import { atLeast, atMost, type BenchRow } from './benchRow';
import { createBenchCosmosContainers } from './createBenchCosmosContainers';
import { describeMinimum, measurePartnerCenterBatch } from './measurePartnerCenterBatch';
import { measureRawCosmosWriteRound } from './measureRawCosmosWrites';
import { type BenchOptions, measuredRounds, measuredRow } from './runBench';
import { type BenchService, startBenchService } from './startBenchService';
import { type CountingCosmosServer } from './startCountingCosmosServer';
import { elapsedMs, latencyPercentiles, spreadOf } from './statistics';

const finalStatuses = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Ids of every row this module reports, so that an unavailable service still yields the full table. */
const serviceRowLabels: Record<string, string> = {
  'efficiency.purchasesPerSecond': '(1) attested purchases/s end to end',
  'efficiency.rawBatchesPerSecond': '(1) raw Cosmos order batches/s (SDK)',
  'efficiency.ratio': '(1) purchases/s ÷ raw batches/s',
  'startLatency.concurrency1.p50': '(2) start → 202, 1 in flight, p50',
  'startLatency.concurrency1.p95': '(2) start → 202, 1 in flight, p95',
  'startLatency.concurrency1.p99': '(2) start → 202, 1 in flight, p99',
  'startLatency.concurrency16.p50': '(2) start → 202, 16 in flight, p50',
  'startLatency.concurrency16.p95': '(2) start → 202, 16 in flight, p95',
  'startLatency.concurrency16.p99': '(2) start → 202, 16 in flight, p99',
  'roundTrips.attested': '(3) Cosmos round trips per attested purchase',
  'partnerCenter.callsPerAttestedPurchase': 'Partner Center calls per attested purchase',
  'historyEvents.attested': '(4) history events per purchase, attested',
  'historyEvents.invited': '(4) history events per purchase, invited',
  'batch.linesPerSecond': '(6) 1,000-line batch: lines/s to all final',
  'batch.partnerCenterLimited.seconds': '(6) batch under Partner Center limits: s to all final',
  'batch.partnerCenterLimited.minimumSeconds': '(6) minimum s the published limits allow',
  'durability.purchasesPerSecondJournal': '(7) attested purchases/s, durable journal on',
  'durability.journalRatio': '(7) purchases/s journal on ÷ in-memory engine',
};

function unavailableRows(reason: string, only?: (id: string) => boolean): BenchRow[] {
  return Object.entries(serviceRowLabels)
    .filter(([id]) => only?.(id) ?? true)
    .map(([id, label]) => ({ id, label, unavailable: reason }));
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 160) ?? 'failed';
}

async function readPurchaseStatus(client: BenchClient, purchaseId: string): Promise<string> {
  const { status, body } = await client.request('GET', `/api/purchases/${purchaseId}`);
  if (status !== 200) throw new Error(`GET purchase ${purchaseId} answered ${status}`);
  return (body as { status: string }).status;
}

async function freshCustomers(client: BenchClient, count: number, concurrency: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => aFreshCustomerId('bench'));
  await mapWithConcurrency(ids, concurrency, (id) => registerCustomer(client, id));
  return ids;
}

/**
 * One throughput round: fresh customers registered first (not timed), then every attested purchase started over
 * HTTP, `concurrency` in flight, until the host is idle (every purchase has run to its end). Counts the Cosmos
 * requests of exactly that window.
 */
async function attestedThroughputRound(
  service: BenchService,
  client: BenchClient,
  cosmos: CountingCosmosServer,
  options: BenchOptions,
): Promise<{
  purchasesPerSecond: number;
  roundTripsPerPurchase: number;
  partnerCenterCallsPerPurchase: number;
  partnerCenterCallsByRoute: Record<string, number>;
  purchaseIds: string[];
  completed: number;
}> {
  const customers = await freshCustomers(client, options.purchasesPerRound, options.concurrency);
  await service.host.waitForIdle();
  const dateAgreed = new Date(Date.now() - 60_000).toISOString();
  cosmos.reset();
  const partnerCenter = service.simulators.partnerCenter.controls;
  partnerCenter.resetStats();
  const start = process.hrtime.bigint();
  const purchaseIds = await mapWithConcurrency(customers, options.concurrency, (customerId) =>
    startPurchase(client, customerId, anAttestedPurchase(dateAgreed)),
  );
  await service.host.waitForIdle();
  const seconds = elapsedMs(start) / 1000;
  const requests = cosmos.total();
  const partnerCenterCalls = partnerCenter.stats();
  const statuses = await mapWithConcurrency(purchaseIds, options.concurrency, (id) =>
    readPurchaseStatus(client, id),
  );
  const completed = statuses.filter((status) => status === 'completed').length;
  if (completed !== purchaseIds.length) {
    throw new Error(
      `${purchaseIds.length - completed} of ${purchaseIds.length} purchases did not complete: ${statuses.join(',')}`,
    );
  }
  return {
    purchasesPerSecond: purchaseIds.length / seconds,
    roundTripsPerPurchase: requests / purchaseIds.length,
    partnerCenterCallsPerPurchase: partnerCenterCalls.total / purchaseIds.length,
    partnerCenterCallsByRoute: partnerCenterCalls.byRoute,
    purchaseIds,
    completed,
  };
}

/** Time to the 202 of each start; the purchases run on in the background, as they do in production. */
async function startLatencyRound(
  service: BenchService,
  client: BenchClient,
  inFlight: number,
  requests: number,
): Promise<number[]> {
  const customers = await freshCustomers(client, requests, 8);
  await service.host.waitForIdle();
  const dateAgreed = new Date(Date.now() - 60_000).toISOString();
  const latencies = await mapWithConcurrency(customers, inFlight, async (customerId) => {
    const start = process.hrtime.bigint();
    await startPurchase(client, customerId, anAttestedPurchase(dateAgreed));
    return elapsedMs(start);
  });
  await service.host.waitForIdle();
  return latencies;
}

/** The history the durable store holds for an instance (management API, `showHistory=true`). */
async function historyEventCount(service: BenchService, instanceId: string): Promise<number> {
  // The raw history as the durable store holds it (OrchestratorStarted/Completed and TaskScheduled included, as
  // Azure Storage's history table would), from the local host's loopback rpc listener.
  const response = await fetch(
    `${service.host.durable.rpcBaseUrl}instances/${encodeURIComponent(instanceId)}/history`,
  );
  const body = (await response.json()) as { historyEventCount?: unknown };
  if (typeof body.historyEventCount !== 'number') {
    throw new Error(`No history for ${instanceId} (HTTP ${response.status}).`);
  }
  return body.historyEventCount;
}

/** An invited purchase, signed by the partner's attestation while it waits, run to completion. */
async function invitedPurchaseHistory(service: BenchService, client: BenchClient): Promise<number> {
  const [customerId] = await freshCustomers(client, 1, 1);
  if (customerId === undefined) throw new Error('no customer');
  const purchaseId = await startPurchase(client, customerId, { mca: { method: 'invite' } });
  await service.host.waitForIdle();
  const agreement = await client.request('POST', `/api/customers/${customerId}/agreements`, {
    type: 'MicrosoftCustomerAgreement',
    primaryContact: aContact,
    dateAgreed: new Date(Date.now() - 60_000).toISOString(),
  });
  if (agreement.status !== 201) throw new Error(`POST agreement answered ${agreement.status}`);
  await service.host.waitForIdle();
  const status = await readPurchaseStatus(client, purchaseId);
  if (status !== 'completed') throw new Error(`the invited purchase ended ${status}`);
  return historyEventCount(service, purchaseId);
}

interface BatchRound {
  seconds: number;
  linesPerSecond: number;
  counts: Record<string, number>;
  total: number;
}

async function batchRound(service: BenchService, client: BenchClient, lines: number): Promise<BatchRound> {
  const customers = await freshCustomers(client, lines, 16);
  await service.host.waitForIdle();
  const { batchId, start } = await submitAttestedBatch(client, customers);
  // Under Partner Center's published limits a full batch takes minutes: poll for as long as they may need.
  for (let attempt = 0; attempt < 12_000; attempt += 1) {
    await service.host.drainQueues?.();
    await service.host.waitForIdle();
    const { body } = await client.request('GET', `/api/purchase-batches/${batchId}`);
    const batch = body as { total: number; items: { status: string }[]; counts: Record<string, number> };
    if (batch.items.every((item) => finalStatuses.has(item.status) || item.status === 'rejected')) {
      const seconds = elapsedMs(start) / 1000;
      return {
        seconds,
        linesPerSecond: batch.total / seconds,
        counts: batch.counts,
        total: batch.total,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`batch ${batchId} did not finish`);
}

/** Figures (1)–(4) and (6): the service end to end, on the bench's counting Cosmos server. */
export async function measureServiceRows(
  options: BenchOptions,
  context: { cosmos: CountingCosmosServer },
): Promise<BenchRow[]> {
  const started = await startBenchService({
    appDir: options.appDir,
    cosmosEndpoint: context.cosmos.endpoint,
  }).catch((error: unknown) => ({ unavailable: `service did not start: ${describe(error)}` }));
  if ('unavailable' in started) return unavailableRows(started.unavailable);
  const service = started;
  const rows: BenchRow[] = [];
  let inMemoryPurchasesPerSecond: number[] = [];
  const containers = await createBenchCosmosContainers(context.cosmos.endpoint);
  try {
    const client = createBenchClient(
      service.baseUrl,
      await aDevelopmentToken(options.appDir, service.settings, ['SalesAgent', 'AdminAgent']),
    );
    const measure = async (ids: string[], work: () => Promise<BenchRow[]>) => {
      process.stderr.write(`bench: measuring ${ids.join(', ')}\n`);
      try {
        rows.push(...(await work()));
      } catch (error) {
        rows.push(...unavailableRows(describe(error), (id) => ids.includes(id)));
      }
    };

    await measure(
      [
        'efficiency.purchasesPerSecond',
        'efficiency.rawBatchesPerSecond',
        'efficiency.ratio',
        'roundTrips.attested',
        'partnerCenter.callsPerAttestedPurchase',
      ],
      async () => {
        // Raw and end-to-end rounds alternate, so that both see the same machine.
        const rounds = await measuredRounds(options, async () => {
          const raw = await measureRawCosmosWriteRound({
            customers: containers.customers,
            count: options.purchasesPerRound,
            concurrency: options.concurrency,
          });
          const purchases = await attestedThroughputRound(service, client, context.cosmos, options);
          return { raw, purchases };
        });
        inMemoryPurchasesPerSecond = rounds.map((round) => round.purchases.purchasesPerSecond);
        const note = `${options.purchasesPerRound} per round, ${options.concurrency} in flight`;
        return [
          measuredRow({
            id: 'efficiency.purchasesPerSecond',
            label: serviceRowLabels['efficiency.purchasesPerSecond'] ?? '',
            unit: 'purchases/s',
            values: rounds.map((round) => round.purchases.purchasesPerSecond),
            note: `${note}; all ${rounds.reduce((sum, round) => sum + round.purchases.completed, 0)} completed`,
          }),
          measuredRow({
            id: 'efficiency.rawBatchesPerSecond',
            label: serviceRowLabels['efficiency.rawBatchesPerSecond'] ?? '',
            unit: 'batches/s',
            values: rounds.map((round) => round.raw.batchesPerSecond),
            note: `${note}; the order batch of 6 operations`,
          }),
          measuredRow(
            {
              id: 'efficiency.ratio',
              label: serviceRowLabels['efficiency.ratio'] ?? '',
              unit: '',
              values: rounds.map((round) => round.purchases.purchasesPerSecond / round.raw.batchesPerSecond),
              note: 'per round, raw and end-to-end rounds alternating',
            },
            (median) => atLeast(0.5, median),
          ),
          measuredRow(
            {
              id: 'roundTrips.attested',
              label: serviceRowLabels['roundTrips.attested'] ?? '',
              unit: 'requests',
              values: rounds.map((round) => round.purchases.roundTripsPerPurchase),
              note: 'counted at the Cosmos server, start to completion; floor 2',
            },
            (median) => atMost(3, median),
          ),
          measuredRow({
            id: 'partnerCenter.callsPerAttestedPurchase',
            label: serviceRowLabels['partnerCenter.callsPerAttestedPurchase'] ?? '',
            unit: 'calls',
            values: rounds.map((round) => round.purchases.partnerCenterCallsPerPurchase),
            note: `counted at the Partner Center simulator, start to completion, per round ÷ purchases; last round per purchase: ${routeBreakdown(
              rounds.at(-1)?.purchases.partnerCenterCallsByRoute ?? {},
              options.purchasesPerRound,
            )}`,
          }),
        ];
      },
    );

    for (const inFlight of [1, 16]) {
      const prefix = `startLatency.concurrency${inFlight}`;
      await measure([`${prefix}.p50`, `${prefix}.p95`, `${prefix}.p99`], async () => {
        const requests =
          inFlight === 1 ? options.latencyRequestsPerRound : options.latencyRequestsPerRound * 4;
        const rounds = await measuredRounds(options, async () =>
          latencyPercentiles(await startLatencyRound(service, client, inFlight, requests)),
        );
        return (['p50', 'p95', 'p99'] as const).map((percentile) =>
          measuredRow(
            {
              id: `${prefix}.${percentile}`,
              label: serviceRowLabels[`${prefix}.${percentile}`] ?? '',
              unit: 'ms',
              values: rounds.map((round) => round[percentile]),
              note: `${requests} starts per round`,
            },
            percentile === 'p99' ? (median) => atMost(50, median) : undefined,
          ),
        );
      });
    }

    await measure(['historyEvents.attested'], async () => {
      const rounds = await measuredRounds(
        { rounds: Math.min(3, options.rounds), warmupRounds: 0 },
        async () => {
          const [customerId] = await freshCustomers(client, 1, 1);
          const purchaseId = await startPurchase(
            client,
            customerId ?? '',
            anAttestedPurchase(new Date(Date.now() - 60_000).toISOString()),
          );
          await service.host.waitForIdle();
          return historyEventCount(service, purchaseId);
        },
      );
      return [
        measuredRow(
          {
            id: 'historyEvents.attested',
            label: serviceRowLabels['historyEvents.attested'] ?? '',
            unit: 'events',
            values: rounds,
            note: 'raw history as the store holds it (OrchestratorStarted/Completed and TaskScheduled included)',
          },
          (median) => atMost(24, median),
        ),
      ];
    });

    await measure(['historyEvents.invited'], async () => {
      const rounds = await measuredRounds({ rounds: Math.min(3, options.rounds), warmupRounds: 0 }, () =>
        invitedPurchaseHistory(service, client),
      );
      return [
        measuredRow({
          id: 'historyEvents.invited',
          label: serviceRowLabels['historyEvents.invited'] ?? '',
          unit: 'events',
          values: rounds,
          note: 'invite, then the partner attests while it waits',
        }),
      ];
    });

    await measure(['batch.linesPerSecond'], async () => {
      const rounds = await measuredRounds({ rounds: options.batchRounds, warmupRounds: 0 }, () =>
        batchRound(service, client, options.batchLines),
      );
      const counts = rounds.map((round) => JSON.stringify(round.counts)).join(' ');
      return [
        measuredRow({
          id: 'batch.linesPerSecond',
          label: `(6) ${options.batchLines}-line batch: lines/s to all final`,
          unit: 'lines/s',
          values: rounds.map((round) => round.linesPerSecond),
          note: `counts per round: ${counts}`,
        }),
      ];
    });

    await measure(['batch.partnerCenterLimited.seconds', 'batch.partnerCenterLimited.minimumSeconds'], () =>
      partnerCenterLimitedBatchRows(service, client, options),
    );
  } finally {
    containers.dispose();
    await service.stop();
  }
  rows.push(...(await journalRowsInAFreshProcess(options, inMemoryPurchasesPerSecond)));
  return rows;
}

const journalRowsMarker = 'BENCH-JOURNAL-ROWS ';

/**
 * (7) in a process of its own (bench/journalRowsProcess.ts, its own Cosmos DB server): the app's module state is
 * one per process, and after the batches of (6) it holds the partner's pace with its recent turns, so the
 * workflows' calls on the Order and Subscription resources would take turns for `callPacingHoldMs` (issue 21) —
 * right after a 1,000-line batch at the limit, waiting for its minute to free up. (7) measures the engine, as (1).
 */
async function journalRowsInAFreshProcess(
  options: BenchOptions,
  inMemoryPurchasesPerSecond: number[],
): Promise<BenchRow[]> {
  const ids = ['durability.purchasesPerSecondJournal', 'durability.journalRatio'];
  const only = (id: string) => ids.includes(id);
  if (inMemoryPurchasesPerSecond.length === 0) return unavailableRows('no in-memory rounds to compare', only);
  const { spawn } = await import('node:child_process');
  const path = await import('node:path');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(options.appDir, 'bench', 'journalRowsProcess.ts')],
    {
      cwd: options.appDir,
      env: { ...process.env, BENCH_JOURNAL_INPUT: JSON.stringify({ options, inMemoryPurchasesPerSecond }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = output.split('\n').find((text) => text.startsWith(journalRowsMarker));
  if (!line) return unavailableRows(`the journal rows' process ended (${code}) without a result`, only);
  return JSON.parse(line.slice(journalRowsMarker.length)) as BenchRow[];
}

/** The child's side of `journalRowsInAFreshProcess`. */
export async function journalRowsProcess(input: string): Promise<void> {
  const { options, inMemoryPurchasesPerSecond } = JSON.parse(input) as {
    options: BenchOptions;
    inMemoryPurchasesPerSecond: number[];
  };
  const { startCountingCosmosServer } = await import('./startCountingCosmosServer');
  const cosmos = await startCountingCosmosServer();
  try {
    const rows = await journalRows(options, { cosmos }, inMemoryPurchasesPerSecond);
    process.stdout.write(`${journalRowsMarker}${JSON.stringify(rows)}\n`);
  } finally {
    await cosmos.stop();
  }
}

/**
 * The same attested rounds on a host that keeps its durable instances in a journal on disk (as `npm start` does),
 * in the same run as the in-memory rounds (in a fresh process, on a Cosmos DB server of its own), so that the
 * ratio compares like with like.
 */
async function journalRows(
  options: BenchOptions,
  context: { cosmos: CountingCosmosServer },
  inMemoryPurchasesPerSecond: number[],
): Promise<BenchRow[]> {
  const ids = ['durability.purchasesPerSecondJournal', 'durability.journalRatio'];
  const only = (id: string) => ids.includes(id);
  if (inMemoryPurchasesPerSecond.length === 0) return unavailableRows('no in-memory rounds to compare', only);
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const directory = mkdtempSync(path.join(tmpdir(), 'bench-journal-'));
  process.stderr.write(`bench: measuring ${ids.join(', ')}\n`);
  const started = await startBenchService({
    appDir: options.appDir,
    cosmosEndpoint: context.cosmos.endpoint,
    durableStateDirectory: directory,
  }).catch((error: unknown) => ({ unavailable: `service did not start: ${describe(error)}` }));
  if ('unavailable' in started) return unavailableRows(started.unavailable, only);
  try {
    const client = createBenchClient(
      started.baseUrl,
      await aDevelopmentToken(options.appDir, started.settings, ['SalesAgent', 'AdminAgent']),
    );
    const rounds = await measuredRounds(options, () =>
      attestedThroughputRound(started, client, context.cosmos, options),
    );
    const journal = rounds.map((round) => round.purchasesPerSecond);
    const inMemoryMedian = spreadOf(inMemoryPurchasesPerSecond).median;
    const note = `${options.purchasesPerRound} per round, ${options.concurrency} in flight; in-memory median ${inMemoryMedian.toFixed(0)}/s`;
    return [
      measuredRow({
        id: 'durability.purchasesPerSecondJournal',
        label: serviceRowLabels['durability.purchasesPerSecondJournal'] ?? '',
        unit: 'purchases/s',
        values: journal,
        note,
      }),
      measuredRow(
        {
          id: 'durability.journalRatio',
          label: serviceRowLabels['durability.journalRatio'] ?? '',
          unit: '',
          values: journal.map((value) => value / inMemoryMedian),
          note: 'each journal round ÷ the median of the in-memory rounds of this run',
        },
        (median) => atLeast(0.5, median),
      ),
    ];
  } catch (error) {
    return unavailableRows(describe(error), only);
  } finally {
    await started.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** `route ×calls` per purchase, most called first. */
function routeBreakdown(byRoute: Record<string, number>, purchases: number): string {
  return Object.entries(byRoute)
    .sort(([, a], [, b]) => b - a)
    .map(([route, calls]) => `${route} ×${Number((calls / purchases).toFixed(2))}`)
    .join('; ');
}

/**
 * A batch of attested purchases with Partner Center's published rate limits enforced: time to all final beside the
 * least time the limits allow (the binding limit's calls per line × lines ÷ its rate), and no line failed.
 * `npm run bench:batch` runs the same at full size with a timeline.
 */
async function partnerCenterLimitedBatchRows(
  service: BenchService,
  client: BenchClient,
  options: BenchOptions,
): Promise<BenchRow[]> {
  const result = await measurePartnerCenterBatch(service, client, { lines: options.batchLines, pollMs: 100 });
  if (result.failedLines > 0)
    throw new Error(
      `${result.failedLines} of ${result.lines} lines failed: ${JSON.stringify(result.counts)}`,
    );
  return [
    measuredRow({
      id: 'batch.partnerCenterLimited.seconds',
      label: `(6) ${result.lines}-line batch under Partner Center limits: s to all final`,
      unit: 's',
      values: [result.seconds],
      note: `counts ${JSON.stringify(result.counts)}; ${result.throttledCalls} calls answered 429 and retried; ${result.partnerCenterCalls} Partner Center calls`,
    }),
    measuredRow(
      {
        id: 'batch.partnerCenterLimited.minimumSeconds',
        label: serviceRowLabels['batch.partnerCenterLimited.minimumSeconds'] ?? '',
        unit: 's',
        values: [result.binding.seconds],
        note: `${describeMinimum(result.binding, result.lines)}; measured ÷ minimum ${result.ratio.toFixed(2)}`,
      },
      () => atMost(1.2, result.ratio),
    ),
  ];
}
