/**
 * Prints the messages waiting on the `notifications` queue (invitations, reminders, expiry notices), decoded, without
 * taking them off the queue: locally, this is where the customer's invitation link shows up.
 *
 *   npm run notifications [-- --purchase <purchaseId>]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { createQueueServiceClient, queueNames } from '../shared/platform/queues/queues';

const { values } = parseArgs({ options: { purchase: { type: 'string' } } });
const settings = (
  JSON.parse(readFileSync(join(__dirname, '..', 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

async function main(): Promise<void> {
  const service = await createQueueServiceClient({
    AzureWebJobsStorage: process.env.AzureWebJobsStorage ?? settings.AzureWebJobsStorage,
  });
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
