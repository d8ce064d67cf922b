import { randomUUID } from 'node:crypto';

import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';

import type { QueueHostOptions } from '../config/loadHostConfig';
import type {
  FunctionInvoker,
  HostLogger,
  RegisteredFunction,
  RpcTypedData,
  WorkTracker,
} from '../contracts';
import { decodeQueueMessage } from './decodeQueueMessage';
import type { QueueClients } from './QueueClients';

export interface QueueTriggerListenerOptions {
  fn: RegisteredFunction;
  queueName: string;
  connectionString: string;
  clients: QueueClients;
  options: QueueHostOptions;
  invoker: FunctionInvoker;
  tracker: WorkTracker;
  logger: HostLogger;
}

/**
 * How long a received message stays invisible while its function runs; renewed halfway (the extension's 10 min).
 * A host that dies leaves its messages invisible that long, as on Azure; crash tests shorten it with
 * `LOCAL_HOST_QUEUE_LEASE_SECONDS` so that they need not wait 10 minutes for redelivery.
 */
const processingVisibilitySeconds = Number(process.env.LOCAL_HOST_QUEUE_LEASE_SECONDS) || 600;
/** The extension's minimum polling interval. */
const minPollingIntervalMs = 100;

interface InFlightMessage {
  item: DequeuedMessageItem;
  /** Changes each time visibility is renewed. */
  popReceipt: string;
}

/**
 * Polls one trigger queue like the storage extension's `QueueListener` + `QueueProcessor`:
 * - receive up to `batchSize` messages; fetch the next batch once in-flight work drops to `newBatchThreshold`;
 * - poll again at once after finding messages, else back off (randomised, doubling from 100 ms up to
 *   `maxPollingInterval`); `poke()` polls now (used by `drainQueues()`);
 * - a message already dequeued more than `maxDequeueCount` times, or not valid base64 under base64 encoding, goes
 *   to `<queue>-poison` without an invocation;
 * - success deletes the message; failure with `dequeueCount >= maxDequeueCount` copies it (raw body) to
 *   `<queue>-poison` and deletes it, otherwise releases it with `visibilityTimeout` (whole seconds, as the SDK
 *   sends it).
 * Azurite keeps wall-clock time, so all of this runs on real timers, not on the host clock.
 */
export class QueueTriggerListener {
  readonly queueName: string;
  readonly connectionString: string;
  readonly poisonQueueName: string;
  readonly functionName: string;
  readonly #o: QueueTriggerListenerOptions;
  readonly #client: QueueClient;
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = true;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #pokeRequested = false;
  #backoffMs = minPollingIntervalMs;
  #errorStreak = 0;
  #sleepingUntil: number | undefined;

  constructor(options: QueueTriggerListenerOptions) {
    this.#o = options;
    this.queueName = options.queueName;
    this.connectionString = options.connectionString;
    this.poisonQueueName = `${options.queueName}-poison`;
    this.functionName = options.fn.name;
    this.#client = options.clients.queue(options.connectionString, options.queueName);
  }

  start(): void {
    if (!this.#stopped) {
      return;
    }
    this.#stopped = false;
    this.#loop = this.#run();
  }

  /** While the listener waits out its back-off: when it will poll next (epoch ms, wall clock); else undefined. */
  get nextPollAt(): number | undefined {
    return this.#sleepingUntil;
  }

  /**
   * Polls now instead of waiting out the back-off: `drainQueues()`, and a message written to this queue by an
   * output binding of this host (the extension's shared queue watcher does the same on the real host).
   */
  poke(): void {
    this.#pokeRequested = true;
    this.#backoffMs = minPollingIntervalMs;
    this.#wake?.();
  }

  /** Messages in the queue, visible or not (Azure's `approximateMessagesCount`). */
  async approximateCount(): Promise<number> {
    try {
      const properties = await this.#client.getProperties();
      return properties.approximateMessagesCount ?? 0;
    } catch (error) {
      // Not created yet (the first poll creates it): nothing in it.
      if ((error as { statusCode?: number }).statusCode === 404) {
        return 0;
      }
      throw error;
    }
  }

  /** Stops polling and waits for the messages being processed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #run(): Promise<void> {
    const { options, logger } = this.#o;
    while (!this.#stopped) {
      while (this.#inFlight.size > options.newBatchThreshold && !this.#stopped) {
        await Promise.race(this.#inFlight);
      }
      if (this.#stopped) {
        break;
      }
      this.#pokeRequested = false;
      let received = 0;
      try {
        await this.#o.clients.ensureQueue(this.#o.connectionString, this.queueName);
        const response = await this.#client.receiveMessages({
          numberOfMessages: options.batchSize,
          visibilityTimeout: processingVisibilitySeconds,
        });
        received = response.receivedMessageItems.length;
        for (const item of response.receivedMessageItems) {
          this.#dispatch(item);
        }
        if (this.#errorStreak > 0) {
          logger.info(`Queue trigger "${this.functionName}": polling "${this.queueName}" works again.`);
        }
        this.#errorStreak = 0;
      } catch (error) {
        if (this.#errorStreak === 0) {
          logger.warn(
            `Queue trigger "${this.functionName}": cannot poll "${this.queueName}" (retrying with back-off): ` +
              describe(error),
          );
        }
        this.#errorStreak++;
      }
      if (received > 0) {
        this.#backoffMs = minPollingIntervalMs;
        continue;
      }
      const delay = this.#backoffMs * (0.8 + Math.random() * 0.4);
      this.#backoffMs = Math.min(this.#backoffMs * 2, options.maxPollingIntervalMs);
      await this.#sleep(Math.min(delay, options.maxPollingIntervalMs));
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#pokeRequested || this.#stopped) {
      return Promise.resolve();
    }
    this.#sleepingUntil = Date.now() + ms;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#sleepingUntil = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #dispatch(item: DequeuedMessageItem): void {
    const end = this.#o.tracker.begin(`queue ${this.queueName} message ${item.messageId}`);
    const work = this.#process(item)
      .catch((error: unknown) => {
        this.#o.logger.error(
          `Queue trigger "${this.functionName}", message ${item.messageId}: ${describe(error)}`,
        );
      })
      .finally(() => {
        this.#inFlight.delete(work);
        end();
      });
    this.#inFlight.add(work);
  }

  async #process(item: DequeuedMessageItem): Promise<void> {
    const { options, logger, invoker, fn } = this.#o;
    const message: InFlightMessage = { item, popReceipt: item.popReceipt };
    if (item.dequeueCount > options.maxDequeueCount) {
      await this.#moveToPoison(message);
      return;
    }
    const text = decodeQueueMessage(item.messageText, options.messageEncoding);
    if (text === undefined) {
      logger.warn(
        `Queue trigger "${this.functionName}": message ${item.messageId} is not valid base64 ` +
          '(host.json extensions.queues.messageEncoding is "base64"); moving it to the poison queue.',
      );
      await this.#moveToPoison(message);
      return;
    }
    const renewal = setInterval(
      () => {
        void this.#client
          .updateMessage(item.messageId, message.popReceipt, undefined, processingVisibilitySeconds)
          .then((response) => {
            message.popReceipt = response.popReceipt ?? message.popReceipt;
          })
          .catch(() => {});
      },
      (processingVisibilitySeconds / 2) * 1000,
    );
    renewal.unref();
    let failed = false;
    try {
      await invoker.invoke(fn.name, {
        inputData: [{ name: fn.trigger.name, data: { string: text } }],
        triggerMetadata: triggerMetadata(item, text, fn.name),
      });
    } catch {
      // The invoker logged it; what matters here is the message's fate.
      failed = true;
    } finally {
      clearInterval(renewal);
    }
    if (!failed) {
      await this.#client.deleteMessage(item.messageId, message.popReceipt);
    } else if (item.dequeueCount >= options.maxDequeueCount) {
      await this.#moveToPoison(message);
    } else {
      await this.#client.updateMessage(
        item.messageId,
        message.popReceipt,
        undefined,
        Math.floor(options.visibilityTimeoutMs / 1000),
      );
    }
  }

  async #moveToPoison(message: InFlightMessage): Promise<void> {
    const { item } = message;
    this.#o.logger.warn(
      `Message has reached MaxDequeueCount of ${this.#o.options.maxDequeueCount}. ` +
        `Moving message to queue '${this.poisonQueueName}'. (function ${this.functionName}, id ${item.messageId})`,
    );
    const poison = await this.#o.clients.ensureQueue(this.#o.connectionString, this.poisonQueueName);
    // The raw body as it was: re-encoding the decoded text gives the same bytes.
    await poison.sendMessage(item.messageText);
    await this.#client.deleteMessage(item.messageId, message.popReceipt);
  }
}

/** .NET's JSON for a DateTimeOffset in UTC: `2025-01-01T00:00:00+00:00`, fractions only when present. */
function toNetJsonDate(date: Date): string {
  const iso = date.toISOString().replace(/\.000Z$/, 'Z');
  return JSON.stringify(iso.replace(/Z$/, '+00:00'));
}

/** What the extension's binding data gives a Node function (`context.triggerMetadata`, camel-cased by the library). */
function triggerMetadata(
  item: DequeuedMessageItem,
  text: string,
  functionName: string,
): Record<string, RpcTypedData> {
  return {
    // The host adds `sys` to every trigger's binding data.
    sys: {
      json: JSON.stringify({
        MethodName: functionName,
        UtcNow: new Date().toISOString(),
        RandGuid: randomUUID(),
      }),
    },
    QueueTrigger: { string: text },
    DequeueCount: { json: String(item.dequeueCount) },
    Id: { string: item.messageId },
    PopReceipt: { string: item.popReceipt },
    InsertionTime: { json: toNetJsonDate(item.insertedOn) },
    ExpirationTime: { json: toNetJsonDate(item.expiresOn) },
    NextVisibleTime: { json: toNetJsonDate(item.nextVisibleOn) },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
