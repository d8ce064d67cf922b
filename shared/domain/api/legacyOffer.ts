import { z } from 'zod';

import { legacyAzureOffer } from '../documents/documents';

/** The most 0145P subscriptions one order may create; each bills one Azure subscription. */
export const maxLegacyLineItems = 10;

/** `POST /api/customers/{customerId}/orders`: this service sells only the legacy offer through orders. */
export const legacyOrderRequestSchema = z
  .strictObject({
    lineItems: z
      .array(
        z.strictObject({
          offerId: z.literal(legacyAzureOffer.offerId).meta({
            description:
              'Only Microsoft Azure (0145P); the Azure plan is bought through `azure-plan/purchases`.',
          }),
          quantity: z.literal(1).meta({ description: 'One 0145P subscription per line.' }),
          friendlyName: z.string().trim().min(1).max(64).optional(),
        }),
      )
      .min(1)
      .max(maxLegacyLineItems),
  })
  .meta({ id: 'LegacyOrderRequest' });
export type LegacyOrderRequest = z.infer<typeof legacyOrderRequestSchema>;

/** `PATCH …/subscriptions/{subscriptionId}` of a 0145P subscription: suspend or reactivate it, rename it. */
export const legacySubscriptionUpdateSchema = z
  .strictObject({
    status: z.enum(['active', 'suspended']).optional(),
    friendlyName: z.string().trim().min(1).max(64).optional(),
  })
  .refine((update) => update.status !== undefined || update.friendlyName !== undefined, {
    message: 'give a status or a friendlyName',
  })
  .meta({
    id: 'SubscriptionUpdate',
    description: 'At least one of `status` and `friendlyName` (an empty object is 400 `InvalidRequest`).',
    minProperties: 1,
  });
export type LegacySubscriptionUpdate = z.infer<typeof legacySubscriptionUpdateSchema>;
