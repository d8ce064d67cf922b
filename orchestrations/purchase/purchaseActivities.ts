import { type InvocationContext } from '@azure/functions';

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
import { type Activity, registerActivities } from '../durablePatterns/activityMap';
import { createPartnerCenterSteps, type PartnerCenterStepDependencies } from './partnerCenterSteps';
import {
  type CloseInvitationInput,
  type FindPlacedOrderInput,
  type FindPlacedOrderResult,
  type InviteCustomerInput,
  purchaseActivityNames,
  type RecordAzurePlanInput,
  type RecordAzurePlanResult,
  type ReleaseWorkInProgressInput,
  type RemindCustomerInput,
} from './purchaseWorkflowContract';

/** What the purchase's activities use, and nothing else. */
export interface PurchaseActivityDependencies extends PartnerCenterStepDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update' | 'releaseWorkInProgress'>;
  invitations: Pick<InvitationRepository, 'get' | 'createOnce' | 'close'>;
  azurePlanOrders: AzurePlanOrderRepository;
  notifications: NotificationSender;
  clock: Clock;
  faults: FaultInjector;
  /** Invitation tokens derive from this secret; links point at this origin. */
  invitationLinks: { tokenSecret: string; publicBaseUrl: string };
}

/**
 * The purchase's activities, the one declaration the orchestrator calls them through (`proxyActivities`) and
 * functions/index.ts registers them from: thin and idempotent, because the durable runtime may run each more than
 * once. They take ids, touch the stores or Partner Center, and return small values; business outcomes are values,
 * not errors. Each key's registered name is in `purchaseActivityNames`.
 */
export function createPurchaseActivities(dependencies: PurchaseActivityDependencies) {
  const { customers, invitations, azurePlanOrders, notifications, clock, faults, invitationLinks } =
    dependencies;
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
    ...createPartnerCenterSteps(dependencies),

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

    /** Ends an unsigned purchase: the invitation expired (with the `mcaExpired` notice) or cancelled; work in progress freed. */
    async closeInvitation(input: CloseInvitationInput, log: InvocationContext): Promise<void> {
      const token = invitationToken(invitationLinks.tokenSecret, input.purchaseId);
      await invitations.close(invitationIdOf(token), input.outcome, input.correlationId);
      if (input.outcome === 'expired') {
        await notify('mcaExpired', input, 0);
        purchaseMetrics.failed('InvitationExpired');
      }
      await customers.releaseWorkInProgress(input.customerId, input.purchaseId, {
        now: clock.now(),
        correlationId: input.correlationId,
      });
      log.log(
        `closeInvitation purchaseId=${input.purchaseId} outcome=${input.outcome} correlationId=${input.correlationId}`,
      );
    },

    /**
     * Records in the store what Partner Center's checkout placed and provisioned: the order, the plan, its first
     * Azure subscription (and an attestation given with the purchase), in one batch (`placeAzurePlanOrder`).
     */
    async recordAzurePlan(
      input: RecordAzurePlanInput,
      log: InvocationContext,
    ): Promise<RecordAzurePlanResult> {
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
      faults.check('recordAzurePlan.beforeWrite');
      try {
        const placed = await azurePlanOrders.place({
          customerId: input.customerId,
          workInProgressId: input.purchaseId,
          ...input.ids,
          ...(input.offerId ? { offerId: input.offerId } : {}),
          // The workflow placed the order only after Partner Center confirmed the MCA (confirmMca).
          ...(input.offerId ? { mcaConfirmedByPartnerCenter: true } : {}),
          ...(agreement ? { agreement } : {}),
          correlationId: input.correlationId,
          now,
        });
        log.log(
          `recordAzurePlan purchaseId=${input.purchaseId} orderId=${placed.orderId} alreadyPlaced=${placed.alreadyPlaced} correlationId=${input.correlationId}`,
        );
        // Counted once: by the attempt that wrote the order (a repeat finds it already placed).
        if (!placed.alreadyPlaced) {
          purchaseMetrics.completed(secondsBetween(input.telemetry?.startedAt, clock.now().toISOString()));
        }
        faults.check('recordAzurePlan.afterWrite');
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
          `recordAzurePlan purchaseId=${input.purchaseId} rejected code=${error.code} correlationId=${input.correlationId}`,
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

    /** Frees the customer's work in progress held by this purchase (idempotent); counts a failure. */
    async releaseWorkInProgress(input: ReleaseWorkInProgressInput, log: InvocationContext): Promise<void> {
      await customers.releaseWorkInProgress(input.customerId, input.purchaseId, {
        now: clock.now(),
        correlationId: input.correlationId,
      });
      log.log(`releaseWorkInProgress purchaseId=${input.purchaseId} correlationId=${input.correlationId}`);
      if (input.failure) purchaseMetrics.failed(input.failure);
    },
  } satisfies Record<keyof typeof purchaseActivityNames, Activity>;
}

export type PurchaseActivities = ReturnType<typeof createPurchaseActivities>;

/** Registers the purchase's activities under their names; functions/index.ts hands them their dependencies. */
export function registerPurchaseActivities(dependencies: PurchaseActivityDependencies): void {
  registerActivities(purchaseActivityNames, createPurchaseActivities(dependencies));
}
