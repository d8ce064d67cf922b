import { type Container } from '@azure/cosmos';

import { isCosmosStatus } from '../platform/cosmos/cosmosStatus';

/** A record that a notification was (being) sent, in the customer's partition of the `customers` container. */
export interface NotificationClaim {
  id: string;
  customerId: string;
  docType: 'notificationClaim';
  purchaseId: string;
  type: string;
  round: number;
  claimedAt: string;
  correlationId: string;
}

export function createNotificationClaimRepository(container: Container) {
  return {
    /** Creates the claim; false when it exists already (the notification was sent, or is being sent). */
    async claim(claim: NotificationClaim): Promise<boolean> {
      try {
        await container.items.create(claim);
        return true;
      } catch (error) {
        if (isCosmosStatus(error, 409)) return false;
        throw error;
      }
    },

    /** Removes the claim so that a retry sends; a claim already gone is fine. */
    async release(claim: Pick<NotificationClaim, 'id' | 'customerId'>): Promise<void> {
      await container
        .item(claim.id, claim.customerId)
        .delete()
        .catch(() => undefined);
    },
  };
}

export type NotificationClaimRepository = ReturnType<typeof createNotificationClaimRepository>;
