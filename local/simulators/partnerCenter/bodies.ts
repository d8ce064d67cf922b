import { z } from 'zod';

/** Request bodies Partner Center accepts, as far as the simulator reads them (unknown fields are ignored). */

/**
 * Create customer (PCD `create-a-customer.md`): the docs' example sends PascalCase (`CompanyProfile`,
 * `DefaultAddress`), the SDKs camelCase; keys are read case-insensitively (`camelCaseKeys`). The address must be a
 * real one: line 1, city, postal code and country (the docs require "a valid physical address"; which fields
 * Partner Center checks, and with which code it refuses, is not documented: 800002 "Invalid request input").
 */
export const createCustomerBody = z.object({
  companyProfile: z.object({
    domain: z.string().min(1),
    organizationRegistrationNumber: z.string().min(1).optional(),
  }),
  billingProfile: z.object({
    email: z.string().min(1),
    culture: z.string().default('en-US'),
    language: z.string().default('en'),
    companyName: z.string().min(1),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    defaultAddress: z
      .object({
        country: z.string().regex(/^[A-Za-z]{2}$/),
        addressLine1: z.string().trim().min(1),
        city: z.string().trim().min(1),
        postalCode: z.string().trim().min(1),
      })
      .catchall(z.string())
      .transform((address) => ({ ...address, country: address.country.toUpperCase() })),
  }),
  associatedPartnerId: z.string().min(1).optional(),
});

/** Object keys with a lower-case first letter, all the way down (Partner Center binds JSON names case-insensitively). */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.charAt(0).toLowerCase() + key.slice(1),
      camelCaseKeys(inner),
    ]),
  );
}

export const createAgreementBody = z.object({
  primaryContact: z.object({
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    email: z.string().min(1),
    phoneNumber: z.string().optional(),
  }),
  templateId: z.string().min(1),
  dateAgreed: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'dateAgreed must be a date'),
  type: z.string().default('MicrosoftCloudAgreement'),
});

const cartLineBody = z.object({
  id: z.number().int().nonnegative(),
  catalogItemId: z.string().min(1),
  quantity: z.number().int().positive(),
  billingCycle: z.string().min(1),
  termDuration: z.string().nullish(),
  friendlyName: z.string().nullish(),
  provisioningContext: z.record(z.string(), z.string()).nullish(),
  renewsTo: z.record(z.string(), z.unknown()).nullish(),
  customTermEndDate: z.string().nullish(),
  participants: z.array(z.object({ key: z.string(), value: z.string() })).nullish(),
});

export const cartBody = z.object({ lineItems: z.array(cartLineBody).min(1) });
export type CartBody = z.infer<typeof cartBody>;

export const cancelEntitlementBody = z.object({ cancellationReason: z.string() });

export const productUpgradeBody = z.object({
  customerId: z.string().min(1),
  productFamily: z.string().min(1),
});

/** Full Subscription resource; the docs send PascalCase, SDKs camelCase: keys are read case-insensitively. */
export const subscriptionPatchBody = z.object({
  id: z.string().optional(),
  status: z.string(),
  friendlyname: z.string().optional(),
  quantity: z.number().optional(),
});

export function lowerCaseKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.toLowerCase(), inner]));
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}
