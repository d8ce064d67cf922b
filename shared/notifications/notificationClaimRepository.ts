import { type Container } from '@azure/cosmos';

import { isCosmosStatus } from '../platform/cosmos/cosmosStatus';

/**
 * The outbox record of one notification (type and round of a purchase), in the customer's partition of the
 * `customers` container: created with the message before the message is sent, marked `sentAt` once the queue took
 * it. A record without `sentAt` is a send not confirmed; whoever meets it sends the same message again.
 */
export interface NotificationClaim {
  id: string;
  customerId: string;
  docType: 'notificationClaim';
  purchaseId: string;
  type: string;
  round: number;
  claimedAt: string;
  correlationId: string;
  /**
   * The message exactly as sent (with its `messageId`), so that a repeat is the same message. Claims recorded before
   * the outbox (at-most-once) have none and are never sent again.
   */
  message?: Record<string, unknown>;
  /** When the queue acknowledged the message; absent while the send is unconfirmed. */
  sentAt?: string;
}

export function createNotificationClaimRepository(container: Container) {
  return {
    /** Creates the claim; when it exists already, answers the one stored (sent, or a send not confirmed). */
    async claim(claim: NotificationClaim): Promise<'created' | NotificationClaim> {
      try {
        await container.items.create(claim);
        return 'created';
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
      }
      const { resource } = await container.item(claim.id, claim.customerId).read<NotificationClaim>();
      // Deleted in between (a purge): what we hold is as good as the stored one.
      return resource ?? claim;
    },

    /** Records that the queue took the message; repeating it is harmless. */
    async markSent(claim: NotificationClaim, sentAt: Date): Promise<void> {
      await container.items.upsert({ ...claim, sentAt: sentAt.toISOString() });
    },

    /** Claims whose send was not confirmed, claimed before `before`, oldest first, across customers. */
    async findUnsentBefore(before: Date, limit: number): Promise<NotificationClaim[]> {
      const { resources } = await container.items
        .query<NotificationClaim>({
          query:
            "SELECT * FROM c WHERE c.docType = 'notificationClaim' AND IS_DEFINED(c.message) AND NOT IS_DEFINED(c.sentAt) AND c.claimedAt < @before",
          parameters: [{ name: '@before', value: before.toISOString() }],
        })
        .fetchAll();
      return resources.sort((a, b) => a.claimedAt.localeCompare(b.claimedAt)).slice(0, limit);
    },
  };
}

export type NotificationClaimRepository = ReturnType<typeof createNotificationClaimRepository>;
