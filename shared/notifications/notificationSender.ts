import { encodeQueueMessage } from '../platform/queues/queues';
import { type NotificationClaimRepository } from './notificationClaimRepository';

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
export function createNotificationSender(stores: {
  claims: NotificationClaimRepository;
  /** The `notifications` queue (a `QueueClient`). */
  queue: { sendMessage(text: string): Promise<unknown> };
}) {
  return {
    async sendOnce(notification: Notification, now: Date): Promise<boolean> {
      const claim = {
        id: `notification-${notification.purchaseId}-${notification.type}-${notification.round}`,
        customerId: notification.customerId,
        docType: 'notificationClaim' as const,
        purchaseId: notification.purchaseId,
        type: notification.type,
        round: notification.round,
        claimedAt: now.toISOString(),
        correlationId: notification.correlationId,
      };
      if (!(await stores.claims.claim(claim))) return false;
      try {
        await stores.queue.sendMessage(encodeQueueMessage(notification));
        return true;
      } catch (error) {
        await stores.claims.release(claim);
        throw error;
      }
    },
  };
}

export type NotificationSender = ReturnType<typeof createNotificationSender>;
