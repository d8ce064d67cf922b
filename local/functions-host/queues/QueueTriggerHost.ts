import type { QueueHostOptions } from '../config/loadHostConfig';
import type { HostLogger, WorkTracker } from '../contracts';
import type { LocalFunctionInvoker } from '../worker/createFunctionInvoker';
import { createQueueOutputHandler } from './createQueueOutputHandler';
import { QueueClients } from './QueueClients';
import { QueueTriggerListener } from './QueueTriggerListener';
import { resolveBindingExpression } from './resolveBindingExpression';
import { resolveQueueConnection } from './resolveQueueConnection';

export interface QueueTriggerHostOptions {
  invoker: LocalFunctionInvoker;
  options: QueueHostOptions;
  tracker: WorkTracker;
  logger: HostLogger;
  env?: NodeJS.ProcessEnv;
  /** false: register queue output bindings only, poll no trigger queue (tests that need no storage). */
  pollTriggers?: boolean;
}

export interface DrainOptions {
  /** Give up (and throw, naming what is left) after this long; default 30 s. */
  timeoutMs?: number;
}

/** Storage-queue triggers and queue output bindings of the app. */
export class QueueTriggerHost {
  readonly listeners: readonly QueueTriggerListener[];
  readonly #tracker: WorkTracker;

  private constructor(listeners: QueueTriggerListener[], tracker: WorkTracker) {
    this.listeners = listeners;
    this.#tracker = tracker;
  }

  /**
   * Registers the queue output handler on the invoker and one listener per `queueTrigger` function. A trigger
   * whose connection setting is missing is skipped with a warning, so an app can start without storage.
   */
  static create(options: QueueTriggerHostOptions): QueueTriggerHost {
    const { invoker, tracker, logger } = options;
    const env = options.env ?? process.env;
    const clients = new QueueClients();
    const listeners: QueueTriggerListener[] = [];
    invoker.handleOutput(
      'queue',
      createQueueOutputHandler({
        clients,
        encoding: options.options.messageEncoding,
        env,
        // As on the real host, a message this host wrote wakes the triggers of its queue at once instead of
        // waiting out their polling back-off (up to maxPollingInterval).
        onSent: (connectionString, queueName) => {
          for (const listener of listeners) {
            if (listener.queueName === queueName && listener.connectionString === connectionString) {
              listener.poke();
            }
          }
        },
      }),
    );
    if (options.pollTriggers !== false) {
      for (const fn of invoker.functions.values()) {
        if (fn.trigger.type.toLowerCase() !== 'queuetrigger') {
          continue;
        }
        const connectionString = resolveQueueConnection(fn.trigger.connection, env);
        if (!connectionString) {
          const setting =
            typeof fn.trigger.connection === 'string' && fn.trigger.connection
              ? fn.trigger.connection
              : 'AzureWebJobsStorage';
          logger.warn(
            `Queue trigger "${fn.name}" does not run: the storage connection setting "${setting}" is not set.`,
          );
          continue;
        }
        listeners.push(
          new QueueTriggerListener({
            fn,
            queueName: resolveBindingExpression(
              typeof fn.trigger.queueName === 'string' ? fn.trigger.queueName : '',
              env,
            ),
            connectionString,
            clients,
            options: options.options,
            invoker,
            tracker,
            logger,
          }),
        );
      }
    }
    return new QueueTriggerHost(listeners, tracker);
  }

  start(): void {
    for (const listener of this.listeners) {
      listener.start();
    }
  }

  /**
   * Polls until every trigger queue is empty (invisible messages included, so a message waiting out its
   * visibility timeout is waited for) and no work is in flight. Messages that a function writes to another
   * trigger queue are followed too.
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let counts: number[] = [];
    while (Date.now() < deadline) {
      for (const listener of this.listeners) {
        listener.poke();
      }
      await this.#tracker.whenIdle();
      counts = await Promise.all(this.listeners.map((listener) => listener.approximateCount()));
      if (counts.every((count) => count === 0) && this.#tracker.busy === 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const left = this.listeners
      .map((listener, index) => `${listener.queueName}: ${counts[index] ?? '?'}`)
      .filter((entry) => !entry.endsWith(': 0'));
    throw new Error(
      `drainQueues() timed out; messages left: ${left.join(', ') || 'none'}; busy: ${this.#tracker.busy}`,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener.stop()));
  }
}
