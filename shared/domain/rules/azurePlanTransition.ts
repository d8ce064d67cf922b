import { type TransitionLine } from '../api/azurePlanTransition';
import { type CustomerDocument, legacyAzureOffer, type SubscriptionDocument } from '../documents/documents';
import { AppError } from '../errors';
import { orderInProgress } from './azurePlanPurchase';

/** One legacy subscription to move, and the Azure subscription it carries over to the plan. */
export interface TransitionSource {
  sourceSubscriptionId: string;
  azureSubscriptionId: string;
  friendlyName: string;
}

/**
 * Decides whether a customer can transition from Microsoft Azure (0145P) to the Azure plan and what moves. Checked
 * in the order the purchase checks them (market, existing plan, legacy state, running work, MCA), so the same
 * customer gets the same answer from both. `heldBy` is the transition that already holds the customer's work in progress (the
 * orchestration re-checks after claiming it).
 */
export function selectTransitionSources(input: {
  customer: CustomerDocument;
  /** The customer's subscriptions listed in `legacySubscriptionIds` (any that were found). */
  legacySubscriptions: SubscriptionDocument[];
  azurePlanMarkets: ReadonlySet<string>;
  heldBy?: string;
}): TransitionSource[] {
  const { customer } = input;
  if (!input.azurePlanMarkets.has(customer.country)) {
    throw new AppError('CountryNotAvailable', `The Azure plan is not sold in ${customer.country}.`);
  }
  if (customer.azurePlan !== null) {
    throw new AppError(
      'AzurePlanAlreadyExists',
      `Customer ${customer.customerId} already has the Azure plan ${customer.azurePlan.subscriptionId}.`,
    );
  }
  const legacy = input.legacySubscriptions.filter(
    (subscription) => subscription.offerId === legacyAzureOffer.offerId && subscription.status !== 'deleted',
  );
  if (legacy.length === 0) {
    throw new AppError(
      'NoLegacySubscriptions',
      `Customer ${customer.customerId} has no Microsoft Azure (0145P) subscription; buy the Azure plan instead.`,
    );
  }
  const suspended = legacy.filter((subscription) => subscription.status === 'suspended');
  if (suspended.length > 0) {
    throw new AppError(
      'LegacySubscriptionSuspended',
      `Reactivate or delete the suspended subscription(s) ${suspended.map((s) => s.id).join(', ')} first.`,
    );
  }
  if (customer.workInProgress !== null && customer.workInProgress.id !== input.heldBy) {
    throw orderInProgress(customer.customerId, customer.workInProgress);
  }
  if (!customer.mca.accepted) {
    throw new AppError(
      'McaNotAccepted',
      'The customer must accept the Microsoft Customer Agreement before the transition.',
    );
  }
  return legacy.map((subscription) => ({
    sourceSubscriptionId: subscription.id,
    azureSubscriptionId: subscription.azureSubscriptionId ?? subscription.id,
    friendlyName: subscription.friendlyName,
  }));
}

/** The overall outcome once every line has been attempted. */
export function transitionOutcome(lines: TransitionLine[]): 'completed' | 'partiallyCompleted' {
  return lines.every((line) => line.status === 'completed') ? 'completed' : 'partiallyCompleted';
}
