import { z } from 'zod';

import { type SubscriptionDocument, subscriptionDocumentSchema } from '../documents/documents';

const stored = subscriptionDocumentSchema.shape;

/**
 * A subscription as the API shows it (Partner Center's Subscription): the Azure plan (usage-based), Microsoft Azure
 * (0145P) subscriptions with the Azure subscription each bills, and reservations with the order that bought them.
 */
export const subscriptionSchema = z
  .object({
    id: z.string(),
    offerId: z.string(),
    offerName: z.string(),
    friendlyName: z.string(),
    quantity: z.number().int(),
    unitType: z.string(),
    billingType: stored.billingType,
    status: stored.status,
    orderId: z.string(),
    creationDate: z.string(),
    termDuration: z.string().optional(),
    billingCycle: stored.billingCycle,
    azureSubscriptionId: stored.azureSubscriptionId,
    reservation: stored.reservation,
    transitionedToEntitlementId: stored.transitionedToEntitlementId,
  })
  .meta({ id: 'Subscription' });
export type Subscription = z.infer<typeof subscriptionSchema>;

export function toSubscription(document: SubscriptionDocument): Subscription {
  return subscriptionSchema.parse(document);
}
