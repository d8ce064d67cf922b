import { z } from 'zod';

/** Request bodies Partner Center accepts, as far as the simulator reads them (unknown fields are ignored). */

export const createCustomerBody = z.object({
  companyProfile: z.object({ domain: z.string().min(1) }),
  billingProfile: z.object({
    email: z.string().min(1),
    culture: z.string().default('en-US'),
    language: z.string().default('en'),
    companyName: z.string().min(1),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    defaultAddress: z
      .object({ country: z.string().regex(/^[A-Za-z]{2}$/) })
      .catchall(z.string())
      .transform((address) => ({ ...address, country: address.country.toUpperCase() })),
  }),
});

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
