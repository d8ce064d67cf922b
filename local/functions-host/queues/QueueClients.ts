import { type QueueClient, QueueServiceClient } from '@azure/storage-queue';

/**
 * One `QueueServiceClient` per connection string, and each queue created at most once (`createIfNotExists`), so
 * triggers, outputs and poison queues share clients. Retries are short: Azurite is local, and a long SDK back-off
 * only hides that it is down.
 */
export class QueueClients {
  readonly #services = new Map<string, QueueServiceClient>();
  readonly #created = new Map<string, Promise<void>>();

  queue(connectionString: string, queueName: string): QueueClient {
    let service = this.#services.get(connectionString);
    if (!service) {
      service = QueueServiceClient.fromConnectionString(connectionString, {
        retryOptions: { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1000, tryTimeoutInMs: 30_000 },
      });
      this.#services.set(connectionString, service);
    }
    return service.getQueueClient(queueName);
  }

  /** The queue's client, after creating the queue if it is missing (once per process and queue). */
  async ensureQueue(connectionString: string, queueName: string): Promise<QueueClient> {
    const client = this.queue(connectionString, queueName);
    const key = `${connectionString}\n${queueName}`;
    let created = this.#created.get(key);
    if (!created) {
      created = client.createIfNotExists().then(() => undefined);
      this.#created.set(key, created);
      // A failure (storage down) is retried on the next call instead of being cached.
      created.catch(() => this.#created.delete(key));
    }
    await created;
    return client;
  }
}
