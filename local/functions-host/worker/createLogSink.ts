import type { HostLogger } from '../contracts';
import type { CoreLogLevel } from './coreTypes';
import type { WorkerLogEntry } from './WorkerRegistry';

const levelRank: Record<CoreLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

/** host.json `logging.logLevel` names (`Information`, `Warning`, …) to the worker's level names. */
export function parseLogLevel(value: unknown, fallback: CoreLogLevel): CoreLogLevel {
  if (typeof value !== 'string') {
    return fallback;
  }
  const normalized = value.toLowerCase();
  return normalized in levelRank ? (normalized as CoreLogLevel) : fallback;
}

/**
 * Sends worker logs to the host logger the way `func start` shows them: user logs (`context.log`) at or above the
 * configured level (host.json `logging.logLevel.default`), prefixed with the function name; the worker's own
 * system logs only from `warning` up, since they are diagnostics about the host itself.
 */
export function createLogSink(
  logger: HostLogger,
  minUserLevel: CoreLogLevel,
): (entry: WorkerLogEntry) => void {
  return (entry) => {
    const rank = levelRank[entry.level] ?? levelRank.information;
    const min = entry.category === 'system' ? levelRank.warning : levelRank[minUserLevel];
    if (rank < min || entry.level === 'none') {
      return;
    }
    const prefix = entry.functionName
      ? `[${entry.functionName}] `
      : entry.category === 'system'
        ? '[worker] '
        : '';
    const line = `${prefix}${entry.message}`;
    if (rank >= levelRank.error) {
      logger.error(line);
    } else if (rank >= levelRank.warning) {
      logger.warn(line);
    } else {
      logger.info(line);
    }
  };
}
