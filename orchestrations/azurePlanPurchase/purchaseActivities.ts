import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { findAzurePlanOrder, placeAzurePlanOrder } from '../../shared/commerce/azurePlanOrders';
import { getServices, type Services } from '../../shared/compositionRoot';
import { type InvitationDocument } from '../../shared/domain/documents/invitation';
import { AppError } from '../../shared/domain/errors';
import { newPartnerAttestation } from '../../shared/domain/rules/mcaAgreement';
import { acceptUrl, invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import { type NotificationType, sendNotificationOnce } from '../../shared/notifications/notificationSender';
import { takeClaimedCustomer } from '../../shared/purchases/claimedCustomers';
import {
  type CloseInvitationInput,
  type FindPlacedOrderInput,
  type FindPlacedOrderResult,
  type InviteCustomerInput,
  type PlaceOrderInput,
  type PlaceOrderResult,
  purchaseActivities,
  type ReleaseSlotInput,
  type RemindCustomerInput,
} from '../../shared/purchases/purchaseWorkflowContract';

/**
 * The purchase's activities: thin and idempotent, because the durable runtime may run each more than once. They
 * take ids, touch the stores, and return small values; business outcomes are values, not errors.
 */
export function createPurchaseActivities(services: Services) {
  const { containers } = services.cosmos;

  function notify(type: NotificationType, input: InviteCustomerInput, round: number): Promise<boolean> {
    const token = invitationToken(services.config.INVITATION_TOKEN_SECRET, input.purchaseId);
    return sendNotificationOnce(
      { customers: containers.customers, notifications: services.queues.notifications },
      {
        type,
        customerId: input.customerId,
        purchaseId: input.purchaseId,
        email: input.email,
        acceptUrl: acceptUrl(services.config.PUBLIC_BASE_URL, token),
        expiresAt: input.expiresAt,
        correlationId: input.correlationId,
        round,
      },
      services.clock.now(),
    );
  }

  return {
    /** Creates the invitation (stored under the hash of its token) and sends the `mcaInvitation` message. */
    async inviteCustomer(input: InviteCustomerInput, log: InvocationContext): Promise<void> {
      const token = invitationToken(services.config.INVITATION_TOKEN_SECRET, input.purchaseId);
      const invitation: InvitationDocument = {
        id: invitationIdOf(token),
        docType: 'mcaInvitation',
        customerId: input.customerId,
        purchaseId: input.purchaseId,
        email: input.email,
        createdAt: services.clock.now().toISOString(),
        expiresAt: input.expiresAt,
        status: 'pending',
        correlationId: input.correlationId,
      };
      await services.repositories.invitations.createOnce(invitation);
      const sent = await notify('mcaInvitation', input, 0);
      log.log(
        `inviteCustomer purchaseId=${input.purchaseId} customerId=${input.customerId} sent=${sent} correlationId=${input.correlationId}`,
      );
      services.faults.check('inviteCustomer.afterSend');
    },

    async remindCustomer(input: RemindCustomerInput, log: InvocationContext): Promise<void> {
      const sent = await notify('mcaReminder', input, input.round);
      log.log(
        `remindCustomer purchaseId=${input.purchaseId} round=${input.round} sent=${sent} correlationId=${input.correlationId}`,
      );
      services.faults.check('remindCustomer.afterSend');
    },

    /** Ends an unsigned purchase: the invitation expired (with the `mcaExpired` notice) or cancelled; slot freed. */
    async closeInvitation(input: CloseInvitationInput, log: InvocationContext): Promise<void> {
      const token = invitationToken(services.config.INVITATION_TOKEN_SECRET, input.purchaseId);
      await services.repositories.invitations.close(
        invitationIdOf(token),
        input.outcome,
        input.correlationId,
      );
      if (input.outcome === 'expired') await notify('mcaExpired', input, 0);
      await services.repositories.customers.releasePurchaseSlot(input.customerId, input.purchaseId, {
        now: services.clock.now(),
        correlationId: input.correlationId,
      });
      log.log(
        `closeInvitation purchaseId=${input.purchaseId} outcome=${input.outcome} correlationId=${input.correlationId}`,
      );
    },

    /** Writes the order, the plan, its first Azure subscription (and an attestation given with the purchase). */
    async placeOrder(input: PlaceOrderInput, log: InvocationContext): Promise<PlaceOrderResult> {
      const now = new Date(input.placedAt);
      const agreement = input.attestation
        ? newPartnerAttestation({
            customerId: input.customerId,
            primaryContact: input.attestation.primaryContact,
            dateAgreed: input.attestation.dateAgreed,
            userId: input.requestedBy.userId,
            correlationId: input.correlationId,
            now,
          })
        : undefined;
      const customerSnapshot = takeClaimedCustomer(input.purchaseId, services.clock.now().getTime());
      services.faults.check('placeOrder.beforeWrite');
      try {
        const placed = await placeAzurePlanOrder(containers.customers, {
          customerId: input.customerId,
          purchaseId: input.purchaseId,
          ...input.ids,
          ...(agreement ? { agreement } : {}),
          ...(customerSnapshot ? { customerSnapshot } : {}),
          correlationId: input.correlationId,
          now,
        });
        log.log(
          `placeOrder purchaseId=${input.purchaseId} orderId=${placed.orderId} alreadyPlaced=${placed.alreadyPlaced} correlationId=${input.correlationId}`,
        );
        services.faults.check('placeOrder.afterWrite');
        return {
          outcome: 'placed',
          order: {
            orderId: placed.orderId,
            subscriptionId: placed.subscriptionId,
            entitlementId: placed.entitlementId,
          },
          alreadyPlaced: placed.alreadyPlaced,
        };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        log.warn(
          `placeOrder purchaseId=${input.purchaseId} rejected code=${error.code} correlationId=${input.correlationId}`,
        );
        return { outcome: 'rejected', error: { code: error.code, detail: error.detail } };
      }
    },

    /** A read: the order this purchase placed, if its Azure plan marker exists. */
    async findPlacedOrder(
      input: FindPlacedOrderInput,
      log: InvocationContext,
    ): Promise<FindPlacedOrderResult> {
      const placed = await findAzurePlanOrder(containers.customers, input.customerId, input.purchaseId);
      log.log(
        `findPlacedOrder purchaseId=${input.purchaseId} orderId=${placed?.orderId ?? 'none'} correlationId=${input.correlationId}`,
      );
      return placed ?? null;
    },

    async releaseSlot(input: ReleaseSlotInput, log: InvocationContext): Promise<void> {
      await services.repositories.customers.releasePurchaseSlot(input.customerId, input.purchaseId, {
        now: services.clock.now(),
        correlationId: input.correlationId,
      });
      log.log(`releaseSlot purchaseId=${input.purchaseId} correlationId=${input.correlationId}`);
    },
  };
}

type PurchaseActivities = ReturnType<typeof createPurchaseActivities>;

function register<K extends keyof PurchaseActivities>(key: K): void {
  df.app.activity(purchaseActivities[key], {
    handler: async (input: unknown, context: InvocationContext) => {
      const activities = createPurchaseActivities(await getServices());
      const run = activities[key] as (input: unknown, context: InvocationContext) => Promise<unknown>;
      return run(input, context);
    },
  });
}

register('inviteCustomer');
register('remindCustomer');
register('closeInvitation');
register('placeOrder');
register('findPlacedOrder');
register('releaseSlot');
