import { monitorEventLoopDelay } from 'node:perf_hooks';

import { publishedThrottleRules, type ThrottleRule } from '@azure-plan-local/simulators';

import { mapWithConcurrency } from '../shared/platform/mapWithConcurrency';
import { aFreshCustomerId, type BenchClient, registerCustomer, submitAttestedBatch } from './benchClient';
import { type BenchService } from './startBenchService';
import { elapsedMs } from './statistics';

const finalStatuses = new Set(['completed', 'failed', 'expired', 'cancelled', 'rejected']);

interface BatchView {
  total: number;
  counts: Record<string, number>;
  items: { status: string; error?: { code: string; detail?: string } }[];
}

/** One sample of the batch's progress, for finding where the time goes. */
export interface BatchSample {
  seconds: number;
  counts: Record<string, number>;
  /** Partner Center calls the limits counted so far, per throttled resource (429s excluded). */
  accepted: Record<string, number>;
  throttled: number;
  /** Lines started (no longer `queued`) whose look at the order Partner Center has not answered yet. */
  behind: number;
}

export interface LimitMinimum {
  rule: ThrottleRule;
  /** Calls the rule counted (answered, not 429) per line. */
  callsPerLine: number;
  /** Those calls ÷ the rule's rate: the least time the rule allows for the batch. */
  seconds: number;
}

export interface PartnerCenterBatchResult {
  lines: number;
  /** From the POST of the batch to every line final. */
  seconds: number;
  /** The binding limit (the one that allows the least throughput for this batch) and every other one. */
  binding: LimitMinimum;
  minimums: LimitMinimum[];
  ratio: number;
  /**
   * Whether the service kept up, apart from the pace: when the last line left the queue (its start turn; the pace
   * alone puts it at about the minimum), and the most lines started but not yet at their look at the order, in
   * seconds of the limit's rate (a service that keeps up trails its starts by one purchase's latency, a few
   * seconds; a starved one by minutes).
   */
  allStartedSeconds: number | undefined;
  maxBehindLines: number;
  serviceLagSeconds: number;
  /** CPU of the process that runs the first instance (the task hub's worker), the simulators and the Cosmos server, ÷ wall time: near 1, it is saturated. */
  hostCpuShare: number;
  /** p99 of that process's event-loop delay during the batch. */
  eventLoopDelayP99Ms: number;
  counts: Record<string, number>;
  /** Lines that ended failed or rejected, and those whose error says Partner Center kept throttling. */
  failedLines: number;
  failedByThrottling: number;
  failureCodes: Record<string, number>;
  partnerCenterCalls: number;
  throttledCalls: number;
  callsByRoute: Record<string, number>;
  throttledByRoute: Record<string, number>;
  timeline: BatchSample[];
}

/** The throttling resource tag of a route template, as the simulator's route table tags it. */
export function resourceOf(route: string): string | undefined {
  if (/\/orders/i.test(route)) return 'orders';
  if (/\/(subscriptions|azureentitlements|registration)/i.test(route)) return 'subscriptions';
  return undefined;
}

function acceptedByResource(
  byRoute: Record<string, number>,
  throttledByRoute: Record<string, number>,
): Record<string, number> {
  const accepted: Record<string, number> = {};
  for (const [route, calls] of Object.entries(byRoute)) {
    const resource = resourceOf(route);
    if (resource === undefined) continue;
    accepted[resource] = (accepted[resource] ?? 0) + calls - (throttledByRoute[route] ?? 0);
  }
  return accepted;
}

/**
 * A batch of `lines` attested purchases with Partner Center's published rate limits enforced at the simulator:
 * time from the POST to every line final, beside the least time the limits allow. That minimum is, for each limit,
 * the calls it counted (answered, not 429) ÷ its rate; the binding limit is the largest. Customers are registered
 * first, before the limits are on and before the clock starts.
 */
export async function measurePartnerCenterBatch(
  service: BenchService,
  client: BenchClient,
  options: {
    lines: number;
    rules?: ThrottleRule[];
    onSample?: (sample: BatchSample) => void;
    /** Between looks at the batch (default 1 s). */
    pollMs?: number;
  },
): Promise<PartnerCenterBatchResult> {
  const rules = options.rules ?? publishedThrottleRules;
  const customers = Array.from({ length: options.lines }, () => aFreshCustomerId('bench'));
  await mapWithConcurrency(customers, 16, (id) => registerCustomer(client, id));
  await service.host.waitForIdle();
  const partnerCenter = service.simulators.partnerCenter.controls;
  partnerCenter.setThrottling(rules);
  try {
    partnerCenter.resetStats();
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const { batchId, start } = await submitAttestedBatch(client, customers);
    const timeline: BatchSample[] = [];
    let batch: BatchView | undefined;
    let failedReads = 0;
    // Polled, not awaited on the host: lines wait on durable timers, which an idle host does not count as work.
    for (let poll = 0; ; poll += 1) {
      const { status, body } = await client.request('GET', `/api/purchase-batches/${batchId}`);
      if (status !== 200) {
        // A read that fails under load (a store or status read timing out) is looked at again, a few times.
        failedReads += 1;
        if (failedReads > 20) throw new Error(`GET batch answered ${status}, 20 times`);
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
        continue;
      }
      batch = body as BatchView;
      const stats = partnerCenter.stats();
      const accepted = acceptedByResource(stats.byRoute, stats.throttledByRoute);
      const started = batch.total - (batch.counts.queued ?? 0);
      const sample: BatchSample = {
        seconds: elapsedMs(start) / 1000,
        counts: batch.counts,
        accepted,
        throttled: stats.byStatus['429'] ?? 0,
        behind: Math.max(0, started - (accepted.orders ?? 0)),
      };
      timeline.push(sample);
      options.onSample?.(sample);
      if (batch.items.every((item) => finalStatuses.has(item.status))) break;
      if (sample.seconds > 3_600) throw new Error(`batch ${batchId} did not finish within an hour`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
    }
    const seconds = elapsedMs(start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    const stats = partnerCenter.stats();
    const accepted = acceptedByResource(stats.byRoute, stats.throttledByRoute);
    const minimums = rules.map((rule) => {
      const calls = rule.resources.reduce((sum, resource) => sum + (accepted[resource] ?? 0), 0);
      return {
        rule,
        callsPerLine: calls / batch.total,
        seconds: calls / (rule.limit / rule.windowSeconds),
      };
    });
    const binding = minimums.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const failed = batch.items.filter((item) => item.status === 'failed' || item.status === 'rejected');
    const failureCodes: Record<string, number> = {};
    for (const item of failed) {
      const code = item.error?.code ?? 'unknown';
      failureCodes[code] = (failureCodes[code] ?? 0) + 1;
    }
    const maxBehindLines = Math.max(0, ...timeline.map((sample) => sample.behind));
    return {
      lines: batch.total,
      seconds,
      binding,
      minimums,
      ratio: seconds / Math.max(binding.seconds, 1e-9),
      allStartedSeconds: timeline.find((sample) => (sample.counts.queued ?? 0) === 0)?.seconds,
      maxBehindLines,
      serviceLagSeconds: maxBehindLines / (binding.rule.limit / binding.rule.windowSeconds),
      hostCpuShare: (cpu.user + cpu.system) / 1000 / (seconds * 1000),
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      counts: batch.counts,
      failedLines: failed.length,
      failedByThrottling: failed.filter((item) => /throttl/i.test(item.error?.detail ?? '')).length,
      failureCodes,
      partnerCenterCalls: stats.total,
      throttledCalls: stats.byStatus['429'] ?? 0,
      callsByRoute: stats.byRoute,
      throttledByRoute: stats.throttledByRoute,
      timeline,
    };
  } finally {
    partnerCenter.setThrottling([]);
  }
}

/** `500/60s on orders`: a rule as the table prints it. */
export function describeRule(rule: ThrottleRule): string {
  return `${rule.limit}/${rule.windowSeconds}s on ${rule.resources.join(',')} per ${rule.scope}`;
}

/** The arithmetic of the minimum, e.g. `1.00 calls/line × 1000 ÷ (500/60s on orders) = 120.0 s`. */
export function describeMinimum(minimum: LimitMinimum, lines: number): string {
  return `${minimum.callsPerLine.toFixed(2)} calls/line × ${lines} ÷ (${describeRule(minimum.rule)}) = ${minimum.seconds.toFixed(1)} s`;
}
