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
    tenantId: z
      .uuid()
      .optional()
      .meta({
        description:
          "The customer's Entra ID tenant, which is its id at Partner Center: links the customer Partner Center " +
          'already has (it must accept your reseller relationship first). Without it, a GUID path id Partner Center ' +
          'knows links; otherwise Partner Center creates the customer from `billingAddress`.',
      }),
    domain: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name, e.g. contoso.onmicrosoft.com')
      .optional()
      .meta({
        description:
          "The new tenant's domain when Partner Center creates the customer (default: the path id's letters and " +
          'digits + `.onmicrosoft.com`); a repeat with the same domain is the same customer.',
      }),
    billingAddress: z
      .strictObject({
        addressLine1: z.string().trim().min(1).max(256),
        city: z.string().trim().min(1).max(128),
        postalCode: z.string().trim().min(1).max(32),
        state: z.string().trim().min(1).max(64).optional(),
        country: countryCodeSchema,
      })
      .optional()
      .meta({
        description:
          "The customer's registered (billing) address, sent to Partner Center as it is when it creates the " +
          'customer; required then (Partner Center needs a valid physical address), ignored when a customer is linked.',
      }),
    organizationRegistrationNumber: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .meta({
        description:
          'The organisation registration (INN) number, required by Partner Center to create a customer in AM, AZ, BY, ' +
          'HU, KZ, KG, MD, RU, TJ, UZ, UA, IN, BR, ZA, PL, AE, SA, TR, TH, VN, MM, IQ, SS and VE, and refused elsewhere.',
      }),
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
      .meta({
        description:
          "The customer's id at Partner Center (its tenant id), which every call to Partner Center uses, whatever " +
          'the path id. Absent only on customers registered before the service linked them.',
      }),
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

/** The answer to a PUT that created the customer: the customer, and the new tenant's one-time admin sign-in. */
export const registeredCustomerSchema = customerSchema
  .extend({
    userCredentials: z
      .object({ userName: z.string(), password: z.string() })
      .optional()
      .meta({
        description:
          'Only in the answer to the request that made Partner Center create the customer (its 201, or a 200 when a ' +
          "concurrent registration stored the customer first): the new tenant's first " +
          'admin sign-in, as Partner Center returns it, once. The service does not store it (a repeat of the request, ' +
          'with or without its Idempotency-Key, does not show it): hand it to the customer now, or reset the ' +
          'password in the Microsoft 365 admin center.',
      }),
  })
  .meta({ id: 'RegisteredCustomer' });
export type RegisteredCustomerView = z.infer<typeof registeredCustomerSchema>;

export function purchaseStatusUrl(purchaseId: string): string {
  return `/api/purchases/${purchaseId}`;
}

export function toCustomer(document: CustomerDocument): Customer {
  const held = document.workInProgress;
  const workInProgress = held
    ? {
        kind: held.kind,
        id: held.id,
        statusUrl: held.kind === 'transition' ? `/api/transitions/${held.id}` : purchaseStatusUrl(held.id),
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
