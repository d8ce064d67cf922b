import { type CustomerDocument } from '../documents/documents';
import { AppError } from '../errors';

/**
 * Products bought against a plan (reservations, Azure subscriptions) need this customer's Azure plan, active
 * (Partner Center 900318 otherwise). The customer anchor's summary is the truth: it changes in the same batch as
 * the plan's documents.
 */
export function assertActiveAzurePlan(customer: CustomerDocument, subscriptionId: string): void {
  const plan = customer.azurePlan;
  if (plan === null || plan.subscriptionId !== subscriptionId) {
    throw new AppError(
      'AzurePlanNotActive',
      `Subscription ${subscriptionId} is not an Azure plan of customer ${customer.customerId}.`,
    );
  }
  if (plan.status !== 'active') {
    throw new AppError('AzurePlanNotActive', `The Azure plan ${subscriptionId} is ${plan.status}.`);
  }
}
