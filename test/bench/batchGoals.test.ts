import { publishedThrottleRules } from '@azure-plan-local/simulators';
import { describe, expect, it } from 'vitest';

import { type PartnerCenterBatchResult } from '../../bench/measurePartnerCenterBatch';
import { formatBatchRows, missedGoals, parseBatchArguments } from '../../bench/runBatch';

/** A 1,000-line row at the limit, as the shared pace measures it on a quiet machine; `change` overrides. */
function aRow(change: Partial<PartnerCenterBatchResult> = {}): PartnerCenterBatchResult {
  const binding = { rule: publishedThrottleRules[0]!, callsPerLine: 1, seconds: 120 };
  return {
    lines: 1000,
    seconds: 122.4,
    binding,
    minimums: [binding],
    ratio: 1.02,
    allStartedSeconds: 122,
    maxBehindLines: 25,
    serviceLagSeconds: 3,
    hostCpuShare: 0.25,
    eventLoopDelayP99Ms: 50,
    counts: { completed: 1000 },
    failedLines: 0,
    failedByThrottling: 0,
    failureCodes: {},
    partnerCenterCalls: 8001,
    throttledCalls: 0,
    callsByRoute: {},
    throttledByRoute: {},
    timeline: [],
    ...change,
  };
}

describe("bench:batch's verdict", () => {
  it('meets the goals at the limit with no 429', () => {
    expect(missedGoals(aRow())).toEqual([]);
  });

  it('a slow batch whose lines trailed their starts, with the calls let through, is the service behind, not the pace', () => {
    const busy = aRow({ seconds: 137, ratio: 1.14, serviceLagSeconds: 21, throttledCalls: 6 });
    expect(missedGoals(busy)).toEqual(['time (service behind)']);
    expect(missedGoals({ ...busy, serviceLagSeconds: 4 })).toEqual(['time']);
  });

  it('lines waiting out 429s do not make it "service behind": the 429s are the failure', () => {
    const overrun = aRow({
      ratio: 1.4,
      serviceLagSeconds: 110,
      throttledCalls: 1572,
      partnerCenterCalls: 9573,
    });
    expect(missedGoals(overrun)).toEqual(['time', '429s']);
  });

  it('prints the service columns beside the pace ones, one row per instance count and pacer', () => {
    const table = formatBatchRows([
      { ...aRow(), instances: 4, pace: 'perProcess', loadAverage: [1, 1, 1] },
      { ...aRow(), instances: 4, pace: 'shared', loadAverage: [1, 1, 1] },
    ]);
    expect(table.split('\n')[0]).toMatch(/all started s \| service lag s \| host CPU/);
    expect(table).toMatch(/\| 4 +\| shared \(Cosmos DB\) +\| 122\.4 /);
  });

  it('takes a list of instance counts', () => {
    expect(parseBatchArguments(['--instances', '1,4,16']).instances).toEqual([1, 4, 16]);
    expect(() => parseBatchArguments(['--instances', '1,0'])).toThrow(/--instances/);
  });
});
