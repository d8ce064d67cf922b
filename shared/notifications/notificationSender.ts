import { type Container } from '@azure/cosmos';
import { type QueueClient } from '@azure/storage-queue';

import { isCosmosStatus } from '../platform/cosmos/cosmosStatus';
import { encodeQueueMessage } from '../platform/queues/queues';

export type NotificationType = 'mcaInvitation' | 'mcaReminder' | 'mcaExpired';

/** A message on the `notifications` queue; an email sender outside this service consumes it. */
export interface Notification {
  type: NotificationType;
  customerId: string;
  purchaseId: string;
  email: string;
  acceptUrl: string;
  expiresAt: string;
  correlationId: string;
  /** 0 for the invitation and the expiry notice, 1, 2, … for reminders. */
  round: number;
}

/**
 * Sends a notification at most once per type and round, however often the activity runs: a claim document
 * (`notification-{purchaseId}-{type}-{round}` in the customer's partition) is created before the message is sent;
 * a retry that finds the claim sends nothing. When the send fails, the claim is deleted and the error rethrown,
 * so the retry sends.
 *
 * The window that remains: a process that dies after claiming and before (or while) sending leaves a claim
 * without a message, and that notification is lost rather than sent twice. An outbox drained by a separate sender
 * would close it, at the cost of another moving part; for invitations, the next reminder carries the same link.
 *
 * @returns whether this call sent the message.
 */
export async function sendNotificationOnce(
  stores: { customers: Container; notifications: QueueClient },
  notification: Notification,
  now: Date,
): Promise<boolean> {
  const claimId = `notification-${notification.purchaseId}-${notification.type}-${notification.round}`;
  try {
    await stores.customers.items.create({
      id: claimId,
      customerId: notification.customerId,
      docType: 'notificationClaim',
      purchaseId: notification.purchaseId,
      type: notification.type,
      round: notification.round,
      claimedAt: now.toISOString(),
      correlationId: notification.correlationId,
    });
  } catch (error) {
    if (isCosmosStatus(error, 409)) return false;
    throw error;
  }
  try {
    await stores.notifications.sendMessage(encodeQueueMessage(notification));
    return true;
  } catch (error) {
    await stores.customers
      .item(claimId, notification.customerId)
      .delete()
      .catch(() => undefined);
    throw error;
  }
}
