import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { type LegacySubscriptionUpdate } from '../domain/api/legacyOffer';
import { type Subscription } from '../domain/api/subscription';
import { type SubscriptionDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { updatedLegacySubscription } from '../domain/rules/legacyOffer';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import { type CustomersPort, type SubscriptionsPort } from '../gateways/partnerCenter/ports';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import { type CommerceRepository } from './commerceRepository';
import { toApiSubscription } from './commerceViews';

export interface SubscriptionUpdateDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  records: Pick<CommerceRepository, 'readSubscription' | 'replaceSubscription'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> &
    Pick<SubscriptionsPort, 'getSubscription' | 'updateSubscription'>;
}

/**
 * Suspends, reactivates or renames a 0145P subscription with Partner Center's PATCH (`If-Match`: the ETag as read).
 * A stale ETag (412) is a lost race: read again and decide again, with the one conflict policy. The service's
 * record follows Partner Center's answer.
 */
export function createSubscriptionUpdates(deps: SubscriptionUpdateDependencies) {
  async function mirror(record: SubscriptionDocument | undefined, update: Partial<SubscriptionDocument>) {
    if (record === undefined) return undefined;
    const written = await deps.records.replaceSubscription({ ...record, ...update });
    // A concurrent writer changed the record: Partner Center holds the truth either way; the reads join it.
    return written === 'changed' ? record : written;
  }

  return {
    async update(input: {
      customerId: string;
      subscriptionId: string;
      update: LegacySubscriptionUpdate;
      correlationId: string;
    }): Promise<Subscription> {
      const { customerId, subscriptionId, correlationId } = input;
      return retryOnConflict(
        `Subscription ${subscriptionId}`,
        async (attempt) => {
          const { customer, partnerCenterCustomerId } = await requirePartnerCenterCustomer(
            deps,
            customerId,
            correlationId,
          );
          const [current, record] = await Promise.all([
            deps.partnerCenter.getSubscription(partnerCenterCustomerId, subscriptionId, { correlationId }),
            deps.records.readSubscription(customerId, subscriptionId),
          ]);
          if (current === undefined) {
            throw new AppError(
              'SubscriptionNotFound',
              `Customer ${customerId} has no subscription ${subscriptionId}.`,
            );
          }
          const next = updatedLegacySubscription(
            customer,
            { ...toApiSubscription(current, record), docType: 'subscription', customerId },
            input.update,
          );
          let updated;
          try {
            updated = await deps.partnerCenter.updateSubscription(
              partnerCenterCustomerId,
              { ...current, status: next.status, friendlyName: next.friendlyName },
              {
                correlationId,
                stepKey: `subscription:${subscriptionId}:update:${current.attributes?.etag ?? ''}:${attempt}`,
              },
            );
          } catch (error) {
            if (error instanceof PartnerCenterError && error.httpStatus === 412) return lostRace;
            throw error;
          }
          const mirrored = await mirror(record, { status: next.status, friendlyName: next.friendlyName });
          return toApiSubscription(updated, mirrored);
        },
        {
          giveUp: () =>
            new AppError(
              'ConcurrentUpdate',
              `Subscription ${subscriptionId} kept changing; retry the update.`,
            ),
        },
      );
    },
  };
}

export type SubscriptionUpdates = ReturnType<typeof createSubscriptionUpdates>;
