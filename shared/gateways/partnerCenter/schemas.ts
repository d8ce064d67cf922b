import { z } from 'zod';

// Partner Center's responses, parsed at the boundary. Objects keep unknown fields (`looseObject`): Microsoft adds
// fields without notice and they must not break a purchase. Enums it documents loosely (statuses in varying case,
// "Expired" that crashed PowerShell) are plain strings; callers compare case-insensitively.

const link = z.looseObject({ uri: z.string(), method: z.string().optional() });
const links = z.record(z.string(), z.unknown()).optional();
const attributes = z
  .looseObject({ etag: z.string().optional(), objectType: z.string().optional() })
  .optional();

/** A collection page; `links.next` carries the continuation when there are more items. */
export const collectionOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    totalCount: z.number().optional(),
    items: z.array(item),
    links: z
      .looseObject({ next: link.extend({ headers: z.array(z.unknown()).optional() }).optional() })
      .optional(),
  });

const address = z.looseObject({
  country: z.string().optional(),
  region: z.string().optional(),
  state: z.string().optional(),
  city: z.string().optional(),
  addressLine1: z.string().optional(),
  postalCode: z.string().optional(),
});

export const customerSchema = z.looseObject({
  id: z.string(),
  commerceId: z.string().optional(),
  companyProfile: z
    .looseObject({
      tenantId: z.string().optional(),
      domain: z.string().optional(),
      companyName: z.string().optional(),
      address: address.optional(),
      organizationRegistrationNumber: z.string().optional(),
    })
    .optional(),
  billingProfile: z
    .looseObject({
      email: z.string().optional(),
      companyName: z.string().optional(),
      defaultAddress: address.optional(),
    })
    .optional(),
  /** `none`, `reseller`, `advisor`, `syndication` or `microsoft_support` (PCD `customer-resources.md`). */
  relationshipToPartner: z.string().optional(),
  /** The indirect reseller associated with the customer (set only by indirect providers). */
  associatedPartnerId: z.string().nullish(),
  /** The new tenant's admin sign-in: only in the answer to the creation, once. */
  userCredentials: z.looseObject({ userName: z.string(), password: z.string() }).optional(),
  links,
  attributes,
});
export type PartnerCenterCustomer = z.infer<typeof customerSchema>;

export const agreementMetadataSchema = z.looseObject({
  templateId: z.string(),
  agreementType: z.string(),
  agreementLink: z.string().optional(),
  versionRank: z.number().optional(),
});
export type AgreementMetadata = z.infer<typeof agreementMetadataSchema>;

export const agreementContactSchema = z.looseObject({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string().optional(),
});

export const agreementSchema = z.looseObject({
  userId: z.string().nullish(),
  primaryContact: agreementContactSchema,
  templateId: z.string(),
  dateAgreed: z.string(),
  type: z.string(),
  agreementLink: z.string().optional(),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const directSignStatusSchema = z.looseObject({ isSigned: z.boolean() });

export const availabilitySchema = z.looseObject({
  id: z.string(),
  productId: z.string(),
  skuId: z.string(),
  catalogItemId: z.string(),
  country: z.string().optional(),
  segment: z.string().optional(),
  isPurchasable: z.boolean().optional(),
});
export type Availability = z.infer<typeof availabilitySchema>;

/** An error inside a 200: a cart line Partner Center could not accept (reference §2.4). */
const cartLineError = z.looseObject({
  errorCode: z.union([z.number(), z.string()]),
  errorDescription: z.string().optional(),
});

export const cartLineItemSchema = z.looseObject({
  id: z.number(),
  catalogItemId: z.string(),
  quantity: z.number(),
  billingCycle: z.string().optional(),
  termDuration: z.string().optional(),
  provisioningContext: z.record(z.string(), z.unknown()).optional(),
  orderGroup: z.string().optional(),
  error: cartLineError.nullish(),
});

export const cartSchema = z.looseObject({
  id: z.string(),
  creationTimestamp: z.string().optional(),
  expirationTimestamp: z.string().optional(),
  status: z.string().optional(),
  lineItems: z.array(cartLineItemSchema),
});
export type Cart = z.infer<typeof cartSchema>;

export const orderLineItemSchema = z.looseObject({
  lineItemNumber: z.number(),
  offerId: z.string(),
  subscriptionId: z.string().nullish(),
  friendlyName: z.string().optional(),
  quantity: z.number().optional(),
  termDuration: z.string().optional(),
  transactionType: z.string().optional(),
});

export const orderSchema = z.looseObject({
  id: z.string(),
  alternateId: z.string().optional(),
  referenceCustomerId: z.string().optional(),
  billingCycle: z.string().optional(),
  lineItems: z.array(orderLineItemSchema),
  creationDate: z.string().optional(),
  /** `pending`, `completed`, `cancelled`… */
  status: z.string(),
  links,
  attributes,
});
export type Order = z.infer<typeof orderSchema>;

/** An error inside a 201 checkout: an order group Partner Center refused (e.g. 13605 without an MCA). */
export const orderErrorSchema = z.looseObject({
  orderGroupId: z.string().optional(),
  code: z.union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ]),
  description: z.string().optional(),
});

export const checkoutResultSchema = z.looseObject({
  orders: z.array(orderSchema).default([]),
  orderErrors: z.array(orderErrorSchema).default([]),
});
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

export const provisioningStatusSchema = collectionOf(
  z.looseObject({
    lineItemNumber: z.number(),
    /** `PrefulfillmentPending`, `Fulfilled`, `Unfulfilled` (the example uses lowercase). */
    status: z.string(),
  }),
);

export const subscriptionSchema = z.looseObject({
  id: z.string(),
  entitlementId: z.string().optional(),
  offerId: z.string(),
  offerName: z.string().optional(),
  friendlyName: z.string().optional(),
  quantity: z.number().optional(),
  unitType: z.string().optional(),
  status: z.string(),
  billingType: z.string().optional(),
  billingCycle: z.string().optional(),
  orderId: z.string().optional(),
  creationDate: z.string().optional(),
  links,
  attributes,
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const azureEntitlementSchema = z.looseObject({
  /** The Azure subscription id (what ARM's alias returns as `subscriptionId`). */
  id: z.string(),
  friendlyName: z.string().optional(),
  /** `active`, `inactive`… */
  status: z.string(),
  /** The Azure plan's Partner Center subscription id the entitlement belongs to. */
  subscriptionId: z.string().optional(),
});
export type AzureEntitlement = z.infer<typeof azureEntitlementSchema>;

export const registrationStatusSchema = z.looseObject({
  subscriptionId: z.string().optional(),
  /** `registered`, `registering`, `notregistered` (any case). */
  status: z.string(),
});

export const upgradeEligibilitySchema = z.looseObject({
  customerId: z.string().optional(),
  productFamily: z.string().optional(),
  isEligible: z.boolean(),
  upgradeId: z.string().nullish(),
  reason: z.string().nullish(),
});
export type UpgradeEligibility = z.infer<typeof upgradeEligibilitySchema>;

export const upgradeStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  productFamily: z.string().optional(),
  lineItems: z
    .array(
      z.looseObject({
        sourceProduct: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
        targetProduct: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
        upgradedDate: z.string().nullish(),
        status: z.string().optional(),
        errorDetails: z.unknown().optional(),
      }),
    )
    .default([]),
});
export type UpgradeStatus = z.infer<typeof upgradeStatusSchema>;
