import { randomUUID } from 'node:crypto';

import type {
  FunctionInvoker,
  HostClock,
  HostLogger,
  RegisteredFunction,
  RpcTypedData,
  WorkTracker,
} from '../contracts';
import { resolveBindingExpression } from '../queues/resolveBindingExpression';
import { invokeWithRetries } from '../worker/invokeWithRetries';
import { readRetryPolicy, type RetryPolicy } from '../worker/retryPolicy';
import { parseTimerSchedule, type TimerSchedule } from './parseTimerSchedule';
import type { TimerStatus, TimerStatusStore } from './TimerStatusStore';

export interface TimerTriggerHostOptions {
  invoker: FunctionInvoker;
  clock: HostClock;
  tracker: WorkTracker;
  logger: HostLogger;
  store: TimerStatusStore;
  env?: NodeJS.ProcessEnv;
}

/** One timer trigger: what `describeFunctions` prints. */
export interface TimerDescription {
  functionName: string;
  schedule: string;
}

/**
 * The app's timer triggers, on the host's clock (so a virtual clock's `advance` fires them), behaving as the
 * timer extension's `TimerListener` with its schedule monitor:
 * - at start, a monitored timer whose stored next occurrence has passed (the host was down) runs once at once
 *   with `isPastDue: true`; otherwise `runOnStartup` runs it once;
 * - then it runs at each occurrence, one run at a time: the next occurrence is computed when a run ends, so an
 *   occurrence that passes during a long run is skipped, as on the real host;
 * - a monitored timer (`useMonitor`, default: occurrences at least a minute apart) records its status after each
 *   scheduled run; the status is what the function sees as `scheduleStatus`.
 * A failed run is logged; with the function's retry policy (`retry: { strategy: 'fixedDelay' | 'exponentialBackoff',
 * … }`) it is run again after the policy's delays within the same occurrence, as the real host does, before the
 * next occurrence is armed; without one the next occurrence runs as scheduled.
 */
export class TimerTriggerHost {
  readonly timers: readonly TimerDescription[];
  readonly #listeners: TimerListener[];

  private constructor(listeners: TimerListener[]) {
    this.#listeners = listeners;
    this.timers = listeners.map((listener) => ({
      functionName: listener.fn.name,
      schedule: listener.schedule.expression,
    }));
  }

  /** A timer whose schedule cannot be parsed is left out with an error, as the host marks that function in error. */
  static create(options: TimerTriggerHostOptions): TimerTriggerHost {
    const env = options.env ?? process.env;
    const listeners: TimerListener[] = [];
    for (const fn of options.invoker.functions.values()) {
      if (fn.trigger.type.toLowerCase() !== 'timertrigger') {
        continue;
      }
      try {
        const expression = resolveBindingExpression(
          typeof fn.trigger.schedule === 'string' ? fn.trigger.schedule : '',
          env,
        );
        const schedule = parseTimerSchedule(expression, fn.name, env.WEBSITE_TIME_ZONE || undefined);
        const useMonitor =
          typeof fn.trigger.useMonitor === 'boolean' ? fn.trigger.useMonitor : schedule.monitoredByDefault;
        listeners.push(
          new TimerListener(fn, schedule, {
            ...options,
            useMonitor,
            runOnStartup: fn.trigger.runOnStartup === true,
            retry: readRetryPolicy(fn),
          }),
        );
      } catch (error) {
        options.logger.error(
          `The '${fn.name}' function is in error and does not run: ${(error as Error).message}`,
        );
      }
    }
    return new TimerTriggerHost(listeners);
  }

  start(): void {
    for (const listener of this.#listeners) {
      listener.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.#listeners.map((listener) => listener.stop()));
  }
}

interface ListenerOptions extends TimerTriggerHostOptions {
  useMonitor: boolean;
  runOnStartup: boolean;
  retry: RetryPolicy | undefined;
}

interface Run {
  /** The occurrence this run stands for (epoch ms). */
  occurrence: number;
  isPastDue: boolean;
  runOnStartup: boolean;
}

class TimerListener {
  readonly fn: RegisteredFunction;
  readonly schedule: TimerSchedule;
  readonly #o: ListenerOptions;
  #status: TimerStatus | undefined;
  #cancel: (() => void) | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Ends a retry's wait early when the host stops. */
  readonly #stopping = new AbortController();

  constructor(fn: RegisteredFunction, schedule: TimerSchedule, options: ListenerOptions) {
    this.fn = fn;
    this.schedule = schedule;
    this.#o = options;
  }

  start(): void {
    const { clock, store, useMonitor } = this.#o;
    const now = clock.now();
    const stored = useMonitor ? store.read(this.fn.name) : undefined;
    // A changed schedule starts afresh: the old next occurrence says nothing about the new one.
    this.#status = stored?.schedule === this.schedule.expression ? stored : undefined;
    const pastDue = this.#status !== undefined && now > this.#status.next;
    if (useMonitor && !this.#status) {
      this.#status = this.#newStatus(0, now);
      store.write(this.fn.name, this.#status);
    }
    if (pastDue || this.#o.runOnStartup) {
      this.#track((pause) =>
        this.#run(
          {
            occurrence: pastDue ? (this.#status as TimerStatus).next : now,
            isPastDue: pastDue,
            runOnStartup: !pastDue,
          },
          pause,
        ),
      );
    } else {
      this.#arm();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#cancel?.();
    await this.#running;
  }

  #newStatus(last: number, now: number): TimerStatus {
    const next = this.schedule.next(now) ?? Number.MAX_SAFE_INTEGER;
    return { schedule: this.schedule.expression, last, next, lastUpdated: now };
  }

  #arm(): void {
    if (this.#stopped) {
      return;
    }
    const now = this.#o.clock.now();
    const next = this.#status && this.#status.next > now ? this.#status.next : this.schedule.next(now);
    if (next === undefined) {
      return;
    }
    this.#cancel = this.#o.clock.schedule(next, () => {
      this.#cancel = undefined;
      this.#track((pause) => this.#run({ occurrence: next, isPastDue: false, runOnStartup: false }, pause));
    });
  }

  /**
   * Counts the run and the arming of the next occurrence as work, so `advance` and `waitForIdle` see both. A retry's
   * wait is not work in flight (it is on the clock, like a durable timer): `pause` hands it to the clock.
   */
  #track(run: (pause: (ms: number) => Promise<boolean>) => Promise<void>): void {
    const { tracker, clock } = this.#o;
    const label = `timer ${this.fn.name}`;
    let end = tracker.begin(label);
    const pause = (ms: number): Promise<boolean> =>
      new Promise((resolve) => {
        if (this.#stopping.signal.aborted) {
          resolve(false);
          return;
        }
        end();
        const settle = (fired: boolean): void => {
          cancel();
          this.#stopping.signal.removeEventListener('abort', onStop);
          end = tracker.begin(label);
          resolve(fired);
        };
        const onStop = (): void => settle(false);
        const cancel = clock.schedule(clock.now() + ms, () => settle(true));
        this.#stopping.signal.addEventListener('abort', onStop, { once: true });
      });
    this.#running = run(pause).finally(() => {
      this.#arm();
      end();
    });
  }

  async #run(run: Run, pause: (ms: number) => Promise<boolean>): Promise<void> {
    const { invoker, clock, store, logger, useMonitor, retry } = this.#o;
    const timer = {
      Schedule: { AdjustForDST: !/^\s*(?:\d+\.)?\d{1,2}:/.test(this.schedule.expression) },
      ScheduleStatus: this.#status
        ? {
            Last: toNetDate(this.#status.last),
            Next: toNetDate(this.#status.next),
            LastUpdated: toNetDate(this.#status.lastUpdated),
          }
        : null,
      IsPastDue: run.isPastDue,
    };
    try {
      await invokeWithRetries({
        invoker,
        fn: this.fn,
        policy: retry,
        logger,
        pause,
        request: () => ({
          inputData: [{ name: this.fn.trigger.name, data: { json: JSON.stringify(timer) } }],
          triggerMetadata: triggerMetadata(this.fn.name, clock.now()),
        }),
      });
    } catch {
      // The invoker logged the failure (and the retry loop its retries); the schedule goes on.
      logger.warn(`Timer '${this.fn.name}': the run failed; the next occurrence runs as scheduled.`);
    }
    // A start-up run is not an occurrence of the schedule: the status keeps what the schedule expects.
    if (useMonitor && !run.runOnStartup) {
      this.#status = this.#newStatus(run.occurrence, clock.now());
      store.write(this.fn.name, this.#status);
    }
  }
}

/** A .NET `DateTime` as the host's JSON has it: `0001-01-01T00:00:00` for "never", else UTC `+00:00`. */
function toNetDate(epochMs: number): string {
  if (epochMs <= 0) {
    return '0001-01-01T00:00:00';
  }
  return new Date(epochMs)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/Z$/, '+00:00');
}

function triggerMetadata(functionName: string, now: number): Record<string, RpcTypedData> {
  return {
    sys: {
      json: JSON.stringify({
        MethodName: functionName,
        UtcNow: new Date(now).toISOString(),
        RandGuid: randomUUID(),
      }),
    },
  };
}
