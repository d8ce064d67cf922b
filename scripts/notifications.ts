/**
 * Prints the messages waiting on the `notifications` queue (invitations, reminders, expiry notices), decoded, without
 * taking them off the queue: locally, this is where the customer's invitation link shows up.
 *
 *   npm run notifications [-- --purchase <purchaseId>]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { applyLocalSettings } from '@azure-plan-local/functions-host';
import { devStorageConnectionString } from '@azure-plan-local/stores';

import { createQueueServiceClient, queueNames } from '../shared/platform/queues/queues';

const { values } = parseArgs({ options: { purchase: { type: 'string' } } });
// The same settings npm start reads (local.settings.json, else the sample; the environment wins).
applyLocalSettings(path.join(__dirname, '..'));
const queuePort = process.env.AZURITE_QUEUE_PORT?.trim();
const storage = process.env.AzureWebJobsStorage ?? '';
// `AZURITE_QUEUE_PORT=… npm start` moved the embedded Azurite: look there, as the app does.
const connection =
  queuePort && /^\s*UseDevelopmentStorage\s*=\s*true/i.test(storage)
    ? devStorageConnectionString({ queue: Number(queuePort) })
    : storage;

async function main(): Promise<void> {
  const service = createQueueServiceClient({ AzureWebJobsStorage: connection });
  const queue = service.getQueueClient(queueNames.notifications);
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  const messages = peekedMessageItems
    .map(
      (item) =>
        JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as { purchaseId?: string },
    )
    .filter((message) => values.purchase === undefined || message.purchaseId === values.purchase);
  console.log(JSON.stringify(messages, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
