import { z } from 'zod';

import {
  contactSchema,
  type CustomerDocument,
  relationshipSchema,
  segmentSchema,
} from '../documents/documents';
import { countryCodeSchema } from '../rules/countryCode';

/** The body of `PUT /api/customers/{customerId}`. */
export const customerRequestSchema = z
  .strictObject({
    companyName: z.string().trim().min(1).max(200),
    country: countryCodeSchema,
    segment: segmentSchema.default('commercial'),
    relationship: relationshipSchema
      .default('direct')
      .meta({ description: 'How the partner sells to this customer; `direct` when omitted.' }),
    primaryContact: contactSchema,
    tenantId: z.uuid().optional().meta({ description: "The customer's Entra ID tenant." }),
    domain: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name, e.g. contoso.onmicrosoft.com')
      .optional()
      .meta({
        description:
          "The customer's domain, used when Partner Center does not know the customer yet and it is created there " +
          '(default `<customerId>.onmicrosoft.com`).',
      }),
    billingAddress: z
      .strictObject({
        addressLine1: z.string().trim().min(1),
        city: z.string().trim().min(1),
        postalCode: z.string().trim().min(1),
        state: z.string().trim().min(1).optional(),
        country: countryCodeSchema,
      })
      .optional()
      .meta({ description: 'Billing address for a customer created in Partner Center.' }),
  })
  .meta({ id: 'CustomerRequest' });
export type CustomerRequest = z.infer<typeof customerRequestSchema>;

/** A customer as the API shows it: what was registered, plus whether it can buy and what it has. */
export const customerSchema = z
  .object({
    id: z.string(),
    /** The same as `id`, under the name the URL and every other document use. */
    customerId: z.string(),
    companyName: z.string(),
    country: z.string(),
    segment: segmentSchema,
    relationship: relationshipSchema,
    primaryContact: contactSchema,
    tenantId: z.string().optional(),
    partnerCenterCustomerId: z
      .string()
      .optional()
      .meta({ description: "The customer's id in Partner Center (equal to `customerId` when it is one)." }),
    mcaAccepted: z.boolean(),
    azurePlan: z.object({ subscriptionId: z.string(), status: z.enum(['active', 'suspended']) }).nullable(),
    activePurchase: z
      .object({ purchaseId: z.string(), statusUrl: z.string() })
      .nullable()
      .meta({
        deprecated: true,
        description:
          'Deprecated: read `workInProgress`, which also shows a running 0145P transition. Kept for existing ' +
          'clients: the Azure plan purchase of this customer that is running, if any, and where to follow it; null ' +
          'while a transition runs.',
      }),
    workInProgress: z
      .object({
        kind: z.enum(['purchase', 'transition']),
        id: z.string().meta({ description: 'The purchase id or the transition id.' }),
        statusUrl: z.string(),
      })
      .nullable()
      .meta({
        description:
          "What holds the customer's one-at-a-time slot: a running purchase or 0145P transition, if any, and " +
          'where to follow it.',
      }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof customerSchema>;

export function purchaseStatusUrl(purchaseId: string): string {
  return `/api/purchases/${purchaseId}`;
}

export function toCustomer(document: CustomerDocument): Customer {
  const slot = document.workInProgress;
  const workInProgress = slot
    ? {
        kind: slot.kind,
        id: slot.id,
        statusUrl: slot.kind === 'transition' ? `/api/transitions/${slot.id}` : purchaseStatusUrl(slot.id),
      }
    : null;
  return {
    id: document.id,
    customerId: document.customerId,
    companyName: document.companyName,
    country: document.country,
    segment: document.segment,
    relationship: document.relationship,
    primaryContact: document.primaryContact,
    ...(document.tenantId ? { tenantId: document.tenantId } : {}),
    ...(document.partnerCenterCustomerId
      ? { partnerCenterCustomerId: document.partnerCenterCustomerId }
      : {}),
    mcaAccepted: document.mca.accepted,
    azurePlan: document.azurePlan
      ? { subscriptionId: document.azurePlan.subscriptionId, status: document.azurePlan.status }
      : null,
    activePurchase:
      workInProgress?.kind === 'purchase'
        ? { purchaseId: workInProgress.id, statusUrl: workInProgress.statusUrl }
        : null,
    workInProgress,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
