import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { CoreLogLevel } from '../worker/coreTypes';
import { parseLogLevel } from '../worker/createLogSink';
import { parseTimeSpan } from './parseTimeSpan';

/** host.json `extensions.queues`, with the defaults of the storage queue extension (v5). */
export interface QueueHostOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxDequeueCount: number;
  /** How long a failed message stays invisible before its next try. */
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  messageEncoding: 'base64' | 'none';
}

export interface HostConfig {
  /** host.json as parsed (empty when the app has none). */
  raw: Record<string, unknown>;
  /** `extensions.http.routePrefix`; default `api`, '' for none. */
  routePrefix: string;
  /** `extensions.durableTask.hubName`; default `TestHubName` (the extension's default for local runs). */
  hubName: string;
  /** `extensions.durableTask.maxConcurrentActivityFunctions`. */
  maxConcurrentActivities: number | undefined;
  queues: QueueHostOptions;
  /** `logging.logLevel.default`. */
  logLevel: CoreLogLevel;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** host.json setting names are case-insensitive for the host; apps sometimes write `RoutePrefix`. */
function get(object: Record<string, unknown>, key: string): unknown {
  if (key in object) {
    return object[key];
  }
  const found = Object.keys(object).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

function positiveInteger(
  value: unknown,
  fallback: number,
  setting: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(
      `host.json ${setting}: expected an integer from 0 to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** Reads `<appDir>/host.json` (optional) and resolves the settings the local host uses, with the real defaults. */
export function loadHostConfig(appDir: string, overrides?: Record<string, unknown>): HostConfig {
  const file = path.join(appDir, 'host.json');
  let raw: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      raw = record(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`Cannot parse ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (overrides) {
    raw = deepMerge(raw, overrides);
  }
  const extensions = record(get(raw, 'extensions'));
  const http = record(get(extensions, 'http'));
  const durable = record(get(extensions, 'durableTask'));
  const queues = record(get(extensions, 'queues'));
  const logging = record(get(raw, 'logging'));

  const routePrefixValue = get(http, 'routePrefix');
  const batchSize = Math.max(
    1,
    positiveInteger(get(queues, 'batchSize'), 16, 'extensions.queues.batchSize', 32),
  );
  const encodingValue = get(queues, 'messageEncoding');
  const encoding = typeof encodingValue === 'string' ? encodingValue.toLowerCase() : 'base64';
  if (encoding !== 'base64' && encoding !== 'none') {
    throw new Error(
      `host.json extensions.queues.messageEncoding: expected "base64" or "none", got "${encoding}".`,
    );
  }
  const maxActivities = get(durable, 'maxConcurrentActivityFunctions');

  return {
    raw,
    routePrefix: typeof routePrefixValue === 'string' ? routePrefixValue : 'api',
    hubName:
      typeof get(durable, 'hubName') === 'string' ? (get(durable, 'hubName') as string) : 'TestHubName',
    maxConcurrentActivities: typeof maxActivities === 'number' ? maxActivities : undefined,
    queues: {
      batchSize,
      // The extension's default: batchSize / 2 per processor.
      newBatchThreshold: positiveInteger(
        get(queues, 'newBatchThreshold'),
        Math.floor(batchSize / 2) * os.availableParallelism(),
        'extensions.queues.newBatchThreshold',
      ),
      maxDequeueCount: Math.max(
        1,
        positiveInteger(get(queues, 'maxDequeueCount'), 5, 'extensions.queues.maxDequeueCount'),
      ),
      visibilityTimeoutMs:
        get(queues, 'visibilityTimeout') === undefined
          ? 0
          : parseTimeSpan(get(queues, 'visibilityTimeout'), 'extensions.queues.visibilityTimeout'),
      maxPollingIntervalMs:
        get(queues, 'maxPollingInterval') === undefined
          ? 60_000
          : Math.max(
              100,
              parseTimeSpan(get(queues, 'maxPollingInterval'), 'extensions.queues.maxPollingInterval'),
            ),
      messageEncoding: encoding,
    },
    logLevel: parseLogLevel(get(record(get(logging, 'logLevel')), 'default'), 'information'),
  };
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = result[key];
    result[key] =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof existing === 'object' &&
      existing !== null
        ? deepMerge(record(existing), record(value))
        : value;
  }
  return result;
}
