import { mapWithConcurrency } from '../platform/mapWithConcurrency';
import { encodeQueueMessage } from '../platform/queues/queues';
import { type NotificationClaim, type NotificationClaimRepository } from './notificationClaimRepository';

export type NotificationType = 'mcaInvitation' | 'mcaReminder' | 'mcaExpired';

/** A notification of the purchase workflow, before it gets its message id. */
// A type (not an interface): the outbox stores it as a plain record.
export type Notification = {
  type: NotificationType;
  customerId: string;
  purchaseId: string;
  email: string;
  acceptUrl: string;
  expiresAt: string;
  correlationId: string;
  /** 0 for the invitation and the expiry notice, 1, 2, … for reminders. */
  round: number;
};

/**
 * A message on the `notifications` queue; an email sender outside this service consumes it. `messageId` is the
 * same on every copy of one notification (type and round of a purchase): a consumer that has handled it drops a
 * repeat (docs/notifications.md).
 */
export type NotificationMessage = Notification & { messageId: string };

/** One id per purchase, type and round: every copy of a notification carries it. */
export function notificationMessageId(
  notification: Pick<Notification, 'purchaseId' | 'type' | 'round'>,
): string {
  return `notification-${notification.purchaseId}-${notification.type}-${notification.round}`;
}

/** Unconfirmed sends a reconciliation run sends again, at most (oldest first; the rest next run). */
const resendsPerRun = 500;

/**
 * The notification outbox: each notification is sent at least once to the queue, under one message id per type and
 * round, however often the activity runs and whatever crash comes between the two stores.
 *
 * - `send` records the claim with the whole message (create, in the customer's partition) before the message goes
 *   to the queue, then marks the claim `sentAt`. A repeat (the activity retried, or re-run after the host died)
 *   that finds the claim sent does nothing; one that finds it unconfirmed sends the stored message again. A failed
 *   send keeps the claim and rethrows: the activity's retry sends.
 * - `resendUnconfirmed` (the reconciliation timer) sends again what was claimed and never confirmed, for the cases
 *   no retry comes back to (the workflow moved on or ended while the process that claimed it died).
 *
 * Two stores cannot be written atomically, so a crash after the queue took the message and before `sentAt` was
 * recorded sends it twice, with the same `messageId`: at least once, never lost.
 */
export function createNotificationSender(stores: {
  claims: NotificationClaimRepository;
  /** The `notifications` queue (a `QueueClient`). */
  queue: { sendMessage(text: string): Promise<unknown> };
}) {
  async function deliver(claim: NotificationClaim, message: Record<string, unknown>, now: () => Date) {
    await stores.queue.sendMessage(encodeQueueMessage(message));
    await stores.claims.markSent({ ...claim, message }, now());
  }

  return {
    /** @returns whether this call put the message on the queue (false: it was sent and confirmed before). */
    async send(notification: Notification, now: Date): Promise<boolean> {
      const message: NotificationMessage = {
        ...notification,
        messageId: notificationMessageId(notification),
      };
      const claim: NotificationClaim = {
        id: message.messageId,
        customerId: notification.customerId,
        docType: 'notificationClaim',
        purchaseId: notification.purchaseId,
        type: notification.type,
        round: notification.round,
        claimedAt: now.toISOString(),
        correlationId: notification.correlationId,
        message,
      };
      const stored = await stores.claims.claim(claim);
      if (stored === 'created') {
        await deliver(claim, message, () => now);
        return true;
      }
      // Sent and confirmed, or claimed before the outbox existed (at most once then): nothing to do.
      if (stored.sentAt !== undefined || stored.message === undefined) return false;
      await deliver(stored, stored.message, () => now);
      return true;
    },

    /**
     * Sends again every claim older than `before` whose send was never confirmed. A send that fails stays
     * unconfirmed for the next run.
     */
    async resendUnconfirmed(before: Date, now: () => Date): Promise<{ resent: number; failed: number }> {
      const unsent = await stores.claims.findUnsentBefore(before, resendsPerRun);
      const outcomes = await mapWithConcurrency(unsent, 8, async (claim) => {
        if (claim.message === undefined) return 'skipped';
        try {
          await deliver(claim, claim.message, now);
          return 'resent';
        } catch {
          return 'failed';
        }
      });
      return {
        resent: outcomes.filter((outcome) => outcome === 'resent').length,
        failed: outcomes.filter((outcome) => outcome === 'failed').length,
      };
    },
  };
}

export type NotificationSender = ReturnType<typeof createNotificationSender>;
