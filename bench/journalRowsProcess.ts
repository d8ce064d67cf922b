/**
 * Bench rows (7) (the attested purchases with the durable journal on) in a process of their own: started by
 * `journalRowsInAFreshProcess` (bench/measureServiceRows.ts) with BENCH_JOURNAL_INPUT, prints the rows as one
 * marked line of JSON.
 */
import { journalRowsProcess } from './measureServiceRows';

journalRowsProcess(process.env.BENCH_JOURNAL_INPUT ?? '').then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
