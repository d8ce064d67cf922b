import { type InvocationContext } from '@azure/functions';

import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { confirmMcaAtPartnerCenter } from '../../shared/agreements/confirmMcaAtPartnerCenter';
import {
  findAzurePlanAtPartnerCenter,
  orderWillNotProvision,
} from '../../shared/commerce/azurePlanAtPartnerCenter';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { partnerCenterCustomerIdOf } from '../../shared/customers/partnerCenterCustomerId';
import { requireCustomer } from '../../shared/customers/requireCustomer';
import { AppError } from '../../shared/domain/errors';
import { PartnerCenterError } from '../../shared/gateways/partnerCenter/partnerCenterError';
import {
  type AzureEntitlementsPort,
  type CartsPort,
  type CatalogPort,
  type CustomersPort,
  type McaPort,
  type OrdersPort,
  type SubscriptionsPort,
} from '../../shared/gateways/partnerCenter/ports';
import { type InvitationAcceptance } from '../../shared/invitations/invitationAcceptance';
import { type InvitationRepository } from '../../shared/invitations/invitationRepository';
import { invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import {
  type CheckoutInput,
  type CheckoutOutcome,
  type ConfirmedCustomer,
  type ConfirmMcaInput,
  type CreateCartInput,
  type CreatedCart,
  type PartnerCenterStepResult,
  type Provisioning,
  type ReadProvisioningInput,
  type ReadSignatureInput,
  type SignatureState,
} from './purchaseWorkflowContract';

/** What the purchase's steps at Partner Center use (part of `PurchaseActivityDependencies`). */
export interface PartnerCenterStepDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  agreements: Pick<AgreementRepository, 'list'>;
  partnerCenter: CustomersPort &
    McaPort &
    CatalogPort &
    CartsPort &
    OrdersPort &
    AzureEntitlementsPort &
    Pick<SubscriptionsPort, 'listSubscriptions'>;
  invitations: Pick<InvitationRepository, 'get'>;
  /** Finishes an acceptance a crash cut short between claiming the link and recording the agreement. */
  invitationAcceptance: Pick<InvitationAcceptance, 'recordAcceptance'>;
  /** Invitation tokens derive from this secret. */
  invitationLinks: { tokenSecret: string };
}

/**
 * Runs a step and turns Partner Center's answer into a value the orchestrator acts on. An outage is thrown, so
 * the activity retry policy repeats the step (same step key); everything else is a value.
 */
async function asStep<T>(
  log: InvocationContext,
  step: string,
  run: () => Promise<T>,
): Promise<PartnerCenterStepResult<T>> {
  try {
    return { outcome: 'done', value: await run() };
  } catch (error) {
    if (error instanceof PartnerCenterError) {
      if (error.kind === 'Unavailable') throw error;
      if (error.kind === 'Throttled')
        return { outcome: 'throttled', retryAfterMs: error.retryAfterMs ?? 60_000 };
      log.warn(`${step} refused by Partner Center: ${error.message}`);
      return {
        outcome: 'refused',
        error: {
          code: error.code,
          detail: error.detail,
          ...(error.partnerCenterCode === undefined ? {} : { partnerCenterCode: error.partnerCenterCode }),
        },
      };
    }
    if (error instanceof AppError) {
      return { outcome: 'refused', error: { code: error.code, detail: error.detail } };
    }
    throw error;
  }
}

/**
 * The purchase's steps at Partner Center, part of its one activities factory (`createPurchaseActivities`): thin,
 * each safe to repeat (stable step keys, hence MS-RequestIds).
 */
export function createPartnerCenterSteps({
  customers,
  agreements,
  partnerCenter,
  invitations,
  invitationAcceptance,
  invitationLinks,
}: PartnerCenterStepDependencies) {
  return {
    /**
     * The truth about a waiting purchase's MCA: its invitation accepted or cancelled (the link and the cancel
     * request write it before they wake the workflow), a partner attestation on the customer, or the customer's
     * direct signature at Microsoft. Partner Center being unreachable only means "still waiting" this round.
     */
    async readSignature(input: ReadSignatureInput, log: InvocationContext): Promise<SignatureState> {
      const invitation = await invitations.get(
        invitationIdOf(invitationToken(invitationLinks.tokenSecret, input.purchaseId)),
      );
      if (invitation?.status === 'accepted') {
        // The purchase is the one reading: finish the record (the agreement confirmMca needs), wake nobody.
        if (invitation.acceptanceRecordedAt === undefined)
          await invitationAcceptance.recordAcceptance(invitation);
        return 'accepted';
      }
      if (invitation?.status === 'cancelled') return 'cancelled';
      const customer = await customers.get(input.customerId);
      if (customer?.mca.accepted) return 'accepted';
      if (!customer?.partnerCenterCustomerId) return 'waiting';
      try {
        const signed = await partnerCenter.isDirectlySigned(customer.partnerCenterCustomerId, {
          correlationId: input.correlationId,
        });
        return signed ? 'accepted' : 'waiting';
      } catch (error) {
        if (!(error instanceof PartnerCenterError)) throw error;
        log.warn(
          `readSignature purchaseId=${input.purchaseId}: direct-sign status unknown (${error.message})`,
        );
        return 'waiting';
      }
    },

    /**
     * Makes sure Partner Center holds the customer's MCA before buying: nothing to do when it has an MCA record or
     * the customer signed directly; else the acceptance the service holds (given with the purchase, recorded by
     * the invitation link or an attestation) is attested there. Returns the customer as Partner Center knows it.
     */
    async confirmMca(
      input: ConfirmMcaInput,
      log: InvocationContext,
    ): Promise<PartnerCenterStepResult<ConfirmedCustomer>> {
      return asStep(log, 'confirmMca', async () => {
        const customer = await requireCustomer(customers, input.customerId);
        const pcId = await partnerCenterCustomerIdOf(
          { customers, partnerCenter },
          customer,
          input.correlationId,
        );
        const confirmed = { partnerCenterCustomerId: pcId, country: customer.country };
        const { attested } = await confirmMcaAtPartnerCenter(
          { agreements, partnerCenter },
          {
            customer,
            partnerCenterCustomerId: pcId,
            attestation: input.attestation,
            stepKey: `purchase:${input.purchaseId}:attest`,
            correlationId: input.correlationId,
          },
        );
        if (attested)
          log.log(`confirmMca purchaseId=${input.purchaseId} attested correlationId=${input.correlationId}`);
        return confirmed;
      });
    },

    /** Resolves the Azure plan's availability for the customer's country and puts it in a new cart. */
    async createCart(
      input: CreateCartInput,
      log: InvocationContext,
    ): Promise<PartnerCenterStepResult<CreatedCart>> {
      return asStep(log, 'createCart', async () => {
        const context = { correlationId: input.correlationId };
        const availability = await partnerCenter.getAzurePlanAvailability(input.country, context);
        if (!availability) {
          throw new AppError('CountryNotAvailable', `The Azure plan is not sold in ${input.country}.`);
        }
        const cart = await partnerCenter.createCart(
          input.partnerCenterCustomerId,
          [{ catalogItemId: availability.catalogItemId, quantity: 1, billingCycle: 'one_time' }],
          { ...context, stepKey: `purchase:${input.purchaseId}:cart:${input.attempt}` },
        );
        log.log(
          `createCart purchaseId=${input.purchaseId} cartId=${cart.id} correlationId=${input.correlationId}`,
        );
        return { cartId: cart.id, catalogItemId: availability.catalogItemId };
      });
    },

    /**
     * Checks the cart out: a repeat (lost answer, retry, replay) is the same step on the same cart, never a 2nd order.
     * "Being processed by another request" (800064), "already submitted" (800065) and "in progress" (800060) mean the
     * order is, or is being, placed (§2.2): the answer is read from Partner Center (the plan subscription, the orders
     * list), and is `unsettled` while neither shows it yet, never a refusal.
     */
    async checkout(
      input: CheckoutInput,
      log: InvocationContext,
    ): Promise<PartnerCenterStepResult<CheckoutOutcome>> {
      return asStep(log, 'checkout', async (): Promise<CheckoutOutcome> => {
        const context = { correlationId: input.correlationId };
        let result;
        try {
          result = await partnerCenter.checkout(input.partnerCenterCustomerId, input.cartId, {
            ...context,
            stepKey: `purchase:${input.purchaseId}:checkout:${input.cartId}`,
          });
        } catch (error) {
          const code = error instanceof PartnerCenterError ? error.partnerCenterCode : undefined;
          if (code === undefined || !orderUnderWayCodes.includes(code)) throw error;
          const found = await findAzurePlanAtPartnerCenter(
            partnerCenter,
            input.partnerCenterCustomerId,
            context,
          );
          log.warn(
            `checkout purchaseId=${input.purchaseId} answered ${code}; Partner Center shows ` +
              `${found ? `order ${found.orderId}` : 'no order yet'} correlationId=${input.correlationId}`,
          );
          return found ? { orderId: found.orderId } : { unsettled: code };
        }
        const order = result.orders[0];
        if (!order) {
          throw new PartnerCenterError({
            kind: 'Unavailable',
            httpStatus: 0,
            message: 'the checkout produced no order yet',
            isRetryable: true,
          });
        }
        log.log(
          `checkout purchaseId=${input.purchaseId} orderId=${order.id} correlationId=${input.correlationId}`,
        );
        return { orderId: order.id };
      });
    },

    /** One look at the order: its plan subscription and first Azure subscription once provisioned. */
    async readProvisioning(
      input: ReadProvisioningInput,
      log: InvocationContext,
    ): Promise<PartnerCenterStepResult<Provisioning>> {
      return asStep(log, 'readProvisioning', async () => {
        const context = { correlationId: input.correlationId };
        const order = await partnerCenter.getOrder(input.partnerCenterCustomerId, input.orderId, context);
        if (orderWillNotProvision(order.status)) {
          // Partner Center will not provision it (cancelled, or an error that means "repurchase"): say so now.
          const cancelled = order.status.toLowerCase() === 'cancelled';
          throw new AppError(
            cancelled ? 'OrderCancelled' : 'PartnerCenterRejected',
            `Partner Center reports order ${input.orderId} ${order.status}: nothing was provisioned.`,
          );
        }
        // Any other status (pending, pending review, held for a purchase order…) is waited for, to the deadline.
        const subscriptionId = order.lineItems.find((line) => line.subscriptionId)?.subscriptionId;
        if (!subscriptionId) return { provisioned: false } as const;
        const [first] = await partnerCenter.listAzureEntitlements(
          input.partnerCenterCustomerId,
          subscriptionId,
          context,
        );
        if (!first) return { provisioned: false } as const;
        return { provisioned: true, subscriptionId, entitlementId: first.id } as const;
      });
    },
  };
}

/** Partner Center's answers to a repeated checkout that mean the order is, or is being, placed (§2.2). */
const orderUnderWayCodes: readonly number[] = [800060, 800064, 800065];
