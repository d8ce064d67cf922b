/**
 * Issue 9 item 7 through the real `npm start` (scripts/start.ts: supervisor, Azurite, stores process, host process)
 * on a fresh state folder and free ports: N customers, each with an invited purchase waiting for its signature,
 * Ctrl-C, then a second `npm start` on the same folder, timed until `GET /api/health` answers 200 and until every
 * purchase answers `awaitingCustomerSignature` again. One invitation is then accepted, to show the resumed
 * purchases are live (their events reach them), not just readable.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { QueueClient } from '@azure/storage-queue';
import { applyLocalSettings } from '@azure-plan-local/functions-host';

import {
  freeStackPorts,
  type LocalStack,
  type StackPorts,
  startLocalStack,
} from '../scripts/crash-test/localStack';
import { mapWithConcurrency } from '../shared/platform/mapWithConcurrency';
import {
  aContact,
  aDevelopmentToken,
  type BenchClient,
  createBenchClient,
  registerCustomer,
  startPurchase,
} from './benchClient';
import { type BenchRow } from './benchRow';
import { type BenchOptions, measuredRow } from './runBench';

const azuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const waitingStatus = 'awaitingCustomerSignature';
/** Requests in flight while seeding and reading back: enough to keep the host busy, few enough not to queue long. */
const inFlight = 16;

export interface NpmStartResumeResult {
  purchases: number;
  /** Registering the customers and starting the purchases, until all answered 202. */
  seedMs: number;
  /** From the last 202 until every purchase answered `awaitingCustomerSignature`. */
  settleMs: number;
  /** One pass of `GET /api/purchases/{id}` over all N on the first start, all already waiting. */
  readAllMs: number;
  /** Ctrl-C of the first `npm start` until its supervisor exited (the stores save, the journal is compacted). */
  stopMs: number;
  /** The durable journal(s) the second start reads, bytes; and the whole state folder. */
  journalBytes: number;
  stateBytes: number;
  /** The first `npm start`, on the empty state folder: from spawning it until `GET /api/health` answered 200. */
  emptyHealthyMs: number;
  /** From spawning the second `npm start` until `GET /api/health` answered 200. */
  healthyMs: number;
  /** From spawning the second `npm start` until every purchase answered `awaitingCustomerSignature`. */
  allWaitingMs: number;
  /** One invitation accepted after the restart: from the acceptance to the purchase `completed` (not a figure). */
  acceptedToCompletedMs: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sizeOf(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((sum, name) => sum + sizeOf(path.join(target, name)), 0);
}

/** Polls `GET /api/purchases/{id}` of the ids not yet in `status` until all are, or the deadline passes. */
async function untilAllHaveStatus(
  client: BenchClient,
  purchaseIds: readonly string[],
  status: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...purchaseIds];
  let last: unknown;
  for (;;) {
    const answers = await mapWithConcurrency(pending, inFlight, (id) =>
      client.request('GET', `/api/purchases/${id}`).catch((error: unknown) => ({ status: 0, body: error })),
    );
    pending = pending.filter((_, index) => {
      const answer = answers[index];
      const ok = answer?.status === 200 && (answer.body as { status?: unknown }).status === status;
      if (!ok) last = answer?.body;
      return !ok;
    });
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${pending.length}/${purchaseIds.length} purchases not ${status} after ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
      );
    }
    await delay(100);
  }
}

/** Polls the health endpoint (connection refused while nothing listens) until it answers 200. */
async function untilHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`GET /api/health answered ${status} after ${timeoutMs} ms`);
    await delay(20);
  }
}

/** Reads the notifications queue (the customers' mailbox) until it finds the invitation of one of `purchaseIds`. */
async function anInvitation(
  ports: StackPorts,
  purchaseIds: ReadonlySet<string>,
): Promise<{ purchaseId: string; acceptUrl: string }> {
  const queue = new QueueClient(
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azuriteKey};` +
      `QueueEndpoint=http://127.0.0.1:${ports.queue}/devstoreaccount1;`,
    'notifications',
  );
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
  for (const item of receivedMessageItems) {
    const message = JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as {
      type?: string;
      purchaseId?: string;
      acceptUrl?: string;
    };
    const { type, purchaseId, acceptUrl } = message;
    if (type === 'mcaInvitation' && purchaseId && acceptUrl && purchaseIds.has(purchaseId)) {
      return { purchaseId, acceptUrl };
    }
  }
  throw new Error(`no invitation of the seeded purchases among ${receivedMessageItems.length} messages`);
}

/** Spawns `npm start` and polls its health from that moment (the port is known before anything listens). */
async function timedStart(
  stateDir: string,
  ports: StackPorts,
): Promise<{ stack: LocalStack; healthyMs: number; started: number }> {
  const started = performance.now();
  const healthy = untilHealthy(`http://127.0.0.1:${ports.http}`, 120_000).then(
    () => performance.now() - started,
  );
  // A start that fails leaves the poller to give up on its own; its rejection is not an unhandled one.
  healthy.catch(() => undefined);
  const stack = await startLocalStack({ stateDir, ports });
  try {
    return { stack, healthyMs: await healthy, started };
  } catch (error) {
    await stopStack(stack);
    throw error;
  }
}

async function stopStack(stack: LocalStack): Promise<void> {
  await stack.stop().catch(() => stack.killEverything());
}

export async function measureNpmStartResume(options: {
  appDir: string;
  purchases: number;
  log?: (line: string) => void;
}): Promise<NpmStartResumeResult> {
  const log = options.log ?? (() => undefined);
  const stateDir = mkdtempSync(path.join(tmpdir(), 'npm-start-resume-'));
  const settings: NodeJS.ProcessEnv = { ...process.env };
  applyLocalSettings(options.appDir, settings);
  const token = await aDevelopmentToken(options.appDir, settings as Record<string, string>, ['SalesAgent']);
  const ports = await freeStackPorts();
  const running = new Set<LocalStack>();
  try {
    const first = await timedStart(stateDir, ports);
    running.add(first.stack);
    const emptyHealthyMs = first.healthyMs;
    const client = createBenchClient(first.stack.url, token);
    const customers = Array.from({ length: options.purchases }, (_, index) => `resume-${index}`);
    log(`registering ${customers.length} customers and starting their invited purchases`);
    const seedStarted = performance.now();
    await mapWithConcurrency(customers, inFlight, (customerId) => registerCustomer(client, customerId));
    const purchaseIds = await mapWithConcurrency(customers, inFlight, (customerId) =>
      startPurchase(client, customerId, { mca: { method: 'invite' } }),
    );
    const seedMs = performance.now() - seedStarted;
    const settleStarted = performance.now();
    await untilAllHaveStatus(client, purchaseIds, waitingStatus, 120_000 + options.purchases * 200);
    const settleMs = performance.now() - settleStarted;
    // What reading every purchase once costs when nothing is resuming: the part of allWaitingMs that is reads.
    const sweepStarted = performance.now();
    await untilAllHaveStatus(client, purchaseIds, waitingStatus, 60_000);
    const readAllMs = performance.now() - sweepStarted;

    log('all waiting; Ctrl-C');
    const stopStarted = performance.now();
    await first.stack.stop();
    running.delete(first.stack);
    const stopMs = performance.now() - stopStarted;
    const durableDir = path.join(stateDir, 'durable');
    const journalBytes = readdirSync(durableDir)
      .filter((name) => name.endsWith('.jsonl'))
      .reduce((sum, name) => sum + statSync(path.join(durableDir, name)).size, 0);
    const stateBytes = sizeOf(stateDir);

    log('npm start again');
    const { stack: second, healthyMs, started } = await timedStart(stateDir, ports);
    running.add(second);
    const again = createBenchClient(second.url, token);
    await untilAllHaveStatus(again, purchaseIds, waitingStatus, 120_000);
    const allWaitingMs = performance.now() - started;

    log('accepting one invitation');
    const invitation = await anInvitation(ports, new Set(purchaseIds));
    const acceptStarted = performance.now();
    const accepted = await fetch(`${second.url}${new URL(invitation.acceptUrl).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aContact),
    });
    if (accepted.status !== 200) {
      throw new Error(`accepting an invitation answered ${accepted.status}: ${await accepted.text()}`);
    }
    await untilAllHaveStatus(again, [invitation.purchaseId], 'completed', 60_000);
    const acceptedToCompletedMs = performance.now() - acceptStarted;

    await second.stop();
    running.delete(second);
    return {
      purchases: options.purchases,
      emptyHealthyMs,
      seedMs,
      settleMs,
      readAllMs,
      stopMs,
      journalBytes,
      stateBytes,
      healthyMs,
      allWaitingMs,
      acceptedToCompletedMs,
    };
  } finally {
    for (const stack of running) await stopStack(stack);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function rowLabels(purchases: number) {
  // Skipped rows name no count: "0 waiting purchases" would read as a measured case.
  const n = purchases > 0 ? purchases.toLocaleString('en') : 'N';
  return {
    healthy: `(7) npm start → healthy, ${n} waiting purchases`,
    resumed: `(7) npm start → all ${n} waiting purchases resumed`,
  };
}

/** The figures as table rows; `npmStartWaitingPurchases: 0` (quick mode) skips the two `npm start`s. */
export async function measureNpmStartResumeRows(
  options: Pick<BenchOptions, 'appDir' | 'npmStartWaitingPurchases'>,
  log?: (line: string) => void,
): Promise<BenchRow[]> {
  const purchases = options.npmStartWaitingPurchases;
  const labels = rowLabels(purchases);
  const unavailable = (reason: string): BenchRow[] => [
    { id: 'npmStartResume.healthyMs', label: labels.healthy, unavailable: reason },
    { id: 'npmStartResume.allResumedMs', label: labels.resumed, unavailable: reason },
  ];
  if (purchases === 0) return unavailable('skipped in --quick: two full npm starts');
  let result: NpmStartResumeResult;
  try {
    result = await measureNpmStartResume({ appDir: options.appDir, purchases, ...(log ? { log } : {}) });
  } catch (error) {
    return unavailable(error instanceof Error ? error.message.slice(0, 160) : String(error));
  }
  return [
    measuredRow({
      id: 'npmStartResume.healthyMs',
      label: labels.healthy,
      unit: 'ms',
      values: [result.healthyMs],
      note:
        `second npm start after Ctrl-C, until GET /api/health = 200 (first, empty folder: ${seconds(result.emptyHealthyMs)}); ` +
        `durable journal ${megabytes(result.journalBytes)}, state folder ${megabytes(result.stateBytes)}; ` +
        `seeded in ${seconds(result.seedMs + result.settleMs)}, Ctrl-C took ${seconds(result.stopMs)}`,
    }),
    measuredRow({
      id: 'npmStartResume.allResumedMs',
      label: labels.resumed,
      unit: 'ms',
      values: [result.allWaitingMs],
      note:
        `same start, until every GET /api/purchases/{id} answers ${waitingStatus} (${inFlight} in flight); ` +
        `reading all once before the restart took ${seconds(result.readAllMs)}; ` +
        `then one invitation accepted → completed in ${seconds(result.acceptedToCompletedMs)}`,
    }),
  ];
}
