import { QueueServiceClient } from '@azure/storage-queue';

import { type AppConfig } from '../config';
import { lazyDefaultAzureCredential } from '../defaultCredential';

/** Queue names are part of the contract: other systems read and write them. */
export const queueNames = {
  notifications: 'notifications',
  purchaseRequests: 'purchase-requests',
} as const;

const developmentStorage =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';

/** The queue service client, built when the app loads (no I/O: the first send connects; the queues exist already). */
export function createQueueServiceClient(
  config: Pick<AppConfig, 'AzureWebJobsStorage' | 'AzureWebJobsStorage__queueServiceUri'>,
): QueueServiceClient {
  const connection = config.AzureWebJobsStorage?.trim();
  if (connection) {
    return QueueServiceClient.fromConnectionString(
      connection === 'UseDevelopmentStorage=true' ? developmentStorage : connection,
    );
  }
  // Identity-based connection (AzureWebJobsStorage__queueServiceUri), as the Functions host supports it.
  const serviceUri = config.AzureWebJobsStorage__queueServiceUri;
  if (!serviceUri) throw new Error('AzureWebJobsStorage or AzureWebJobsStorage__queueServiceUri must be set');
  return new QueueServiceClient(serviceUri, lazyDefaultAzureCredential());
}

/**
 * Queue messages are base64 text, the encoding the Functions queue trigger expects by default, so any Functions
 * app (or this one) can consume them.
 */
export function encodeQueueMessage(message: unknown): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}
