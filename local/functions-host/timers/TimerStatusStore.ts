import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

/**
 * A timer's schedule status, as the host's schedule monitor keeps it (in Azure, a blob
 * `azure-webjobs-hosts/timers/<host id>/<function>/status`): the last occurrence run, the next one expected, when
 * it was written, and the schedule it was computed for (a changed schedule starts afresh).
 */
export const timerStatusSchema = z.object({
  schedule: z.string(),
  /** Epoch ms; 0 before the first run. */
  last: z.number(),
  next: z.number(),
  lastUpdated: z.number(),
});
export type TimerStatus = z.infer<typeof timerStatusSchema>;

export interface TimerStatusStore {
  read(functionName: string): TimerStatus | undefined;
  write(functionName: string, status: TimerStatus): void;
}

/** In memory: the status lives as long as the process (tests without a state folder). */
export function memoryTimerStatusStore(): TimerStatusStore {
  const statuses = new Map<string, TimerStatus>();
  return {
    read: (functionName) => statuses.get(functionName),
    write: (functionName, status) => void statuses.set(functionName, status),
  };
}

/**
 * One JSON file per function in `directory`, replaced atomically (write, then rename), so a crash leaves the old
 * status or the new one. An unreadable file counts as no status: the timer then starts afresh, as in Azure when
 * the status blob is missing.
 */
export function fileTimerStatusStore(directory: string): TimerStatusStore {
  const fileOf = (functionName: string): string =>
    path.join(directory, `${encodeURIComponent(functionName)}.json`);
  return {
    read(functionName) {
      try {
        return timerStatusSchema.parse(JSON.parse(readFileSync(fileOf(functionName), 'utf8')));
      } catch {
        return undefined;
      }
    },
    write(functionName, status) {
      mkdirSync(directory, { recursive: true });
      const file = fileOf(functionName);
      writeFileSync(`${file}.tmp`, JSON.stringify(status));
      renameSync(`${file}.tmp`, file);
    },
  };
}
