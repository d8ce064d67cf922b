import type { OutputHandler } from '../worker/createFunctionInvoker';
import type { QueueClients } from './QueueClients';
import { resolveBindingExpression } from './resolveBindingExpression';
import { resolveQueueConnection } from './resolveQueueConnection';
import { toQueueMessages } from './toQueueMessages';

/**
 * Delivers `type: 'queue'` output bindings (from `extraOutputs` or the return value) to storage: one message per
 * value, or per element of an array, encoded as host.json says; the queue is created when missing, as the
 * extension does for output queues.
 */
export function createQueueOutputHandler(options: {
  clients: QueueClients;
  encoding: 'base64' | 'none';
  env?: NodeJS.ProcessEnv;
  /** Told after messages were sent, so the triggers of that queue can poll at once. */
  onSent?: (connectionString: string, queueName: string) => void;
}): OutputHandler {
  const { clients, encoding } = options;
  const env = options.env ?? process.env;
  return async (binding, data, fn) => {
    const connection = resolveQueueConnection(binding.connection, env);
    if (!connection) {
      throw new Error(
        `Function "${fn.name}": queue output "${binding.name}" has no storage connection ` +
          `(set ${typeof binding.connection === 'string' && binding.connection ? binding.connection : 'AzureWebJobsStorage'}).`,
      );
    }
    const queueName = resolveBindingExpression(
      typeof binding.queueName === 'string' ? binding.queueName : '',
      env,
    );
    const client = await clients.ensureQueue(connection, queueName);
    const messages = toQueueMessages(data, encoding);
    for (const message of messages) {
      await client.sendMessage(message);
    }
    if (messages.length > 0) {
      options.onSent?.(connection, queueName);
    }
  };
}
