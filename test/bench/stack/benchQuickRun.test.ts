import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../bench/run';
import { type BenchReport } from '../../../bench/runBench';

/** `npm run bench --quick` once: proves the bench runs and reports every figure. It asserts no timings. */
describe('the bench in quick mode', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'bench-'));
  let report: BenchReport & { table: string };

  beforeAll(async () => {
    const file = await main(['--quick', '--out', outDir]);
    report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport & { table: string };
  }, 180_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('reports every figure of the issue, each measured or saying why not', () => {
    const ids = report.rows.map((row) => row.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'efficiency.purchasesPerSecond',
        'efficiency.rawBatchesPerSecond',
        'efficiency.ratio',
        'startLatency.concurrency1.p99',
        'startLatency.concurrency16.p99',
        'roundTrips.attested',
        'historyEvents.attested',
        'historyEvents.invited',
        'coldStart.ratio',
        'coldStart.firstRequest.sinceProcessStartMs',
        'batch.linesPerSecond',
        'durability.purchasesPerSecondJournal',
        'durability.journalRatio',
        'durable.persistedOrchestrations',
        'durable.inMemoryOrchestrations',
        'durable.persistedWorkItems',
        'durable.ratio',
        'durable.resumeStartMs',
        'npmStartResume.healthyMs',
        'npmStartResume.allResumedMs',
        'console.customerPage.interactiveMs',
        'console.customerPage.apiMs',
      ]),
    );
    for (const row of report.rows) {
      if ('spread' in row) {
        expect(row.spread.count).toBeGreaterThan(0);
        expect(Number.isFinite(row.spread.median)).toBe(true);
      } else {
        expect(row.unavailable.length).toBeGreaterThan(0);
      }
    }
  });

  it('prints one table with a line per figure', () => {
    const lines = report.table.split('\n');
    expect(lines[0]).toMatch(/^\| measure +\| median/);
    expect(lines).toHaveLength(report.rows.length + 2);
  });

  it('records the machine it ran on', () => {
    expect(report.machine.nproc).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
  });
});
