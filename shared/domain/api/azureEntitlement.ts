import { z } from 'zod';

import { type EntitlementDocument, entitlementDocumentSchema } from '../documents/documents';

/** An Azure subscription under the Azure plan (Partner Center's azureEntitlement); `id` is the Azure subscription id. */
export const azureEntitlementSchema = z
  .object({
    id: z.string(),
    friendlyName: z.string(),
    status: entitlementDocumentSchema.shape.status,
    subscriptionId: z.string().meta({ description: 'The Azure plan subscription it belongs to.' }),
    createdAt: z.string(),
    movedFromSubscriptionId: z
      .string()
      .optional()
      .meta({ description: 'The Microsoft Azure (0145P) subscription it was moved from by the transition.' }),
  })
  .meta({ id: 'AzureEntitlement' });
export type AzureEntitlement = z.infer<typeof azureEntitlementSchema>;

/** `POST …/subscriptions/{subscriptionId}/azureEntitlements`. */
export const azureEntitlementRequestSchema = z
  .strictObject({
    friendlyName: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .meta({ description: 'Display name of the new Azure subscription.', example: 'Contoso production' }),
    resellerId: z.string().trim().min(1).max(64).optional().meta({
      description:
        "Indirect providers: the Partner Center id of the reseller the Azure subscription is sold through (the `resellerId` of ARM's `GET …/billingAccounts/{account}/customers/{customer}?$expand=resellers`); passed to ARM with the subscription alias.",
      example: '5357564',
    }),
  })
  .meta({ id: 'AzureEntitlementRequest' });
export type AzureEntitlementRequest = z.infer<typeof azureEntitlementRequestSchema>;

export function toAzureEntitlement(document: EntitlementDocument): AzureEntitlement {
  return azureEntitlementSchema.parse(document);
}

export function newAzureEntitlement(input: {
  customerId: string;
  planSubscriptionId: string;
  azureSubscriptionId: string;
  friendlyName: string;
  correlationId: string;
  now: Date;
}): EntitlementDocument {
  return {
    id: input.azureSubscriptionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    docType: 'azureEntitlement',
    friendlyName: input.friendlyName,
    status: 'active',
    subscriptionId: input.planSubscriptionId,
    createdAt: input.now.toISOString(),
  };
}
