import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freeStackPorts, startLocalStack } from './localStack';
import { type MixedRunReport, type MixedRunSize, runMixedRun } from './mixedRun';

/** The supervisor gives up after more than 5 host crashes within a minute; stay under it. */
const killsPerMinute = 4;

export interface HostCrashRunResult {
  report: MixedRunReport;
  kills: number;
  /** Host restart times after each kill, as the supervisor reported them (ms). */
  stateDir: string;
}

/**
 * `npm start` on a fresh state folder, a mixed run against it, and `kill -9` of the process running the Functions
 * host at random moments while it runs (the stores keep running, as Azure's do; the supervisor restarts the host on
 * the same port), then the run waits until everything is final and reports. Ctrl-C at the end.
 */
export async function runHostCrash(options: {
  size: MixedRunSize;
  kills: number;
  /** Random pause before each kill, ms. */
  pauseMs: [number, number];
  /** Only kill once every single purchase was acknowledged (a start cut by a crash blocks its customer 2 min). */
  killAfterStarts?: boolean;
  settleTimeoutMs?: number;
  log?: (line: string) => void;
  keepState?: boolean;
}): Promise<HostCrashRunResult> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'host-crash-'));
  const log = options.log ?? (() => undefined);
  const stack = await startLocalStack({
    stateDir,
    ports: await freeStackPorts(),
    env: {
      // Messages the killed host had received come back after 10 s instead of Azure's 10 minutes.
      LOCAL_HOST_QUEUE_LEASE_SECONDS: '10',
      // Lines stranded by a crash during the submit are found within seconds, not after 10 minutes.
      RECONCILE_SCHEDULE: '*/10 * * * * *',
      RECONCILE_GRACE_SECONDS: '20',
    },
  });
  let kills = 0;
  try {
    const killTimes: number[] = [];
    const report = await runMixedRun(
      stack,
      options.size,
      async (progress) => {
        const total = options.size.attested + options.size.invited;
        while (options.killAfterStarts && progress() < total) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        while (kills < options.kills) {
          const [low, high] = options.pauseMs;
          await new Promise((resolve) => setTimeout(resolve, low + Math.random() * (high - low)));
          const recent = killTimes.filter((at) => Date.now() - at < 60_000);
          if (recent.length >= killsPerMinute) {
            await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() - (recent[0] ?? 0))));
          }
          const pid = stack.hostPid();
          killTimes.push(Date.now());
          await stack.killHost();
          kills += 1;
          log(
            `kill -9 host pid ${pid} (${progress()}/${total} single purchases started); host back as pid ${stack.hostPid()}`,
          );
        }
      },
      { settleTimeoutMs: options.settleTimeoutMs ?? 180_000 },
    );
    return { report, kills, stateDir };
  } finally {
    if (process.env.CRASH_TEST_OUTPUT)
      (await import('node:fs')).writeFileSync(process.env.CRASH_TEST_OUTPUT, stack.output());
    await stack.stop();
    if (!options.keepState) rmSync(stateDir, { recursive: true, force: true });
  }
}
