import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { type AzurePlanOrderRepository } from '../../shared/commerce/azurePlanOrders';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { type InvitationDocument } from '../../shared/domain/documents/invitation';
import { AppError } from '../../shared/domain/errors';
import { newPartnerAttestation } from '../../shared/domain/rules/mcaAgreement';
import { type InvitationRepository } from '../../shared/invitations/invitationRepository';
import { acceptUrl, invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import {
  type NotificationSender,
  type NotificationType,
} from '../../shared/notifications/notificationSender';
import { type Clock } from '../../shared/platform/clock';
import { type FaultInjector } from '../../shared/platform/faultInjection';
import { purchaseMetrics, secondsBetween } from '../../shared/platform/telemetry/telemetry';
import { takeClaimedCustomer } from './claimedCustomers';
import {
  type PartnerCenterActivityDependencies,
  registerPartnerCenterPurchaseActivities,
} from './partnerCenterSteps';
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
} from './purchaseWorkflowContract';

/**
 * The purchase's activities: thin and idempotent, because the durable runtime may run each more than once. They
 * take ids, touch the stores, and return small values; business outcomes are values, not errors.
 */
export interface PurchaseActivityDependencies {
  customers: Pick<CustomerRepository, 'releaseWorkSlot'>;
  invitations: Pick<InvitationRepository, 'createOnce' | 'close'>;
  azurePlanOrders: AzurePlanOrderRepository;
  notifications: NotificationSender;
  clock: Clock;
  faults: FaultInjector;
  /** Invitation tokens derive from this secret; links point at this origin. */
  invitationLinks: { tokenSecret: string; publicBaseUrl: string };
}

export function createPurchaseActivities({
  customers,
  invitations,
  azurePlanOrders,
  notifications,
  clock,
  faults,
  invitationLinks,
}: PurchaseActivityDependencies) {
  function notify(type: NotificationType, input: InviteCustomerInput, round: number): Promise<boolean> {
    const token = invitationToken(invitationLinks.tokenSecret, input.purchaseId);
    return notifications.send(
      {
        type,
        customerId: input.customerId,
        purchaseId: input.purchaseId,
        email: input.email,
        acceptUrl: acceptUrl(invitationLinks.publicBaseUrl, token),
        expiresAt: input.expiresAt,
        correlationId: input.correlationId,
        round,
      },
      clock.now(),
    );
  }

  return {
    /** Creates the invitation (stored under the hash of its token) and sends the `mcaInvitation` message. */
    async inviteCustomer(input: InviteCustomerInput, log: InvocationContext): Promise<void> {
      const token = invitationToken(invitationLinks.tokenSecret, input.purchaseId);
      const invitation: InvitationDocument = {
        id: invitationIdOf(token),
        docType: 'mcaInvitation',
        customerId: input.customerId,
        purchaseId: input.purchaseId,
        email: input.email,
        createdAt: clock.now().toISOString(),
        expiresAt: input.expiresAt,
        status: 'pending',
        correlationId: input.correlationId,
      };
      await invitations.createOnce(invitation);
      const sent = await notify('mcaInvitation', input, 0);
      log.log(
        `inviteCustomer purchaseId=${input.purchaseId} customerId=${input.customerId} sent=${sent} correlationId=${input.correlationId}`,
      );
      faults.check('inviteCustomer.afterSend');
    },

    async remindCustomer(input: RemindCustomerInput, log: InvocationContext): Promise<void> {
      const sent = await notify('mcaReminder', input, input.round);
      log.log(
        `remindCustomer purchaseId=${input.purchaseId} round=${input.round} sent=${sent} correlationId=${input.correlationId}`,
      );
      faults.check('remindCustomer.afterSend');
    },

    /** Ends an unsigned purchase: the invitation expired (with the `mcaExpired` notice) or cancelled; slot freed. */
    async closeInvitation(input: CloseInvitationInput, log: InvocationContext): Promise<void> {
      const token = invitationToken(invitationLinks.tokenSecret, input.purchaseId);
      await invitations.close(invitationIdOf(token), input.outcome, input.correlationId);
      if (input.outcome === 'expired') {
        await notify('mcaExpired', input, 0);
        purchaseMetrics.failed('InvitationExpired');
      }
      await customers.releaseWorkSlot(input.customerId, input.purchaseId, {
        now: clock.now(),
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
      const customerSnapshot = takeClaimedCustomer(input.purchaseId, clock.now().getTime());
      faults.check('placeOrder.beforeWrite');
      try {
        const placed = await azurePlanOrders.place({
          customerId: input.customerId,
          purchaseId: input.purchaseId,
          ...input.ids,
          ...(input.offerId ? { offerId: input.offerId } : {}),
          // The workflow placed the order only after Partner Center confirmed the MCA (confirmMca).
          ...(input.offerId ? { mcaConfirmedByPartnerCenter: true } : {}),
          ...(agreement ? { agreement } : {}),
          ...(customerSnapshot ? { customerSnapshot } : {}),
          correlationId: input.correlationId,
          now,
        });
        log.log(
          `placeOrder purchaseId=${input.purchaseId} orderId=${placed.orderId} alreadyPlaced=${placed.alreadyPlaced} correlationId=${input.correlationId}`,
        );
        // Counted once: by the attempt that wrote the order (a repeat finds it already placed).
        if (!placed.alreadyPlaced) {
          purchaseMetrics.completed(secondsBetween(input.telemetry?.startedAt, clock.now().toISOString()));
        }
        faults.check('placeOrder.afterWrite');
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
      const placed = await azurePlanOrders.find(input.customerId, input.purchaseId);
      log.log(
        `findPlacedOrder purchaseId=${input.purchaseId} orderId=${placed?.orderId ?? 'none'} correlationId=${input.correlationId}`,
      );
      return placed ?? null;
    },

    async releaseSlot(input: ReleaseSlotInput, log: InvocationContext): Promise<void> {
      await customers.releaseWorkSlot(input.customerId, input.purchaseId, {
        now: clock.now(),
        correlationId: input.correlationId,
      });
      log.log(`releaseSlot purchaseId=${input.purchaseId} correlationId=${input.correlationId}`);
      if (input.failure) purchaseMetrics.failed(input.failure);
    },
  };
}

type PurchaseActivities = ReturnType<typeof createPurchaseActivities>;

function register<K extends keyof PurchaseActivities>(
  key: K,
  dependencies: () => Promise<PurchaseActivityDependencies>,
): void {
  df.app.activity(purchaseActivities[key], {
    handler: async (input: unknown, context: InvocationContext) => {
      const activities = createPurchaseActivities(await dependencies());
      const run = activities[key] as (input: unknown, context: InvocationContext) => Promise<unknown>;
      return run(input, context);
    },
  });
}

/** Registers the purchase's activities; the composition root (through functions/index.ts) supplies their dependencies. */
export function registerPurchaseActivities(
  dependencies: () => Promise<PurchaseActivityDependencies>,
  partnerCenterDependencies: () => Promise<PartnerCenterActivityDependencies>,
): void {
  register('inviteCustomer', dependencies);
  register('remindCustomer', dependencies);
  register('closeInvitation', dependencies);
  register('placeOrder', dependencies);
  register('findPlacedOrder', dependencies);
  register('releaseSlot', dependencies);
  registerPartnerCenterPurchaseActivities(partnerCenterDependencies);
}
