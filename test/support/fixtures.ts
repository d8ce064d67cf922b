import {
  azurePlanProduct,
  type CustomerDocument,
  legacyAzureOffer,
  type SubscriptionDocument,
} from '../../shared/domain/documents/documents';
import { type InvitationDocument } from '../../shared/domain/documents/invitation';
import { type Role } from '../../shared/domain/rules/roles';
import { invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';

/**
 * The one vocabulary of test fixtures, as nouns: who calls (`salesAgent`), who the customer is (`aContact`,
 * `aCustomerRequest` for the API, `aCustomer` for the stored document), how the MCA is accepted (`anAttestation`,
 * `anInvitation`), and the documents of a customer's partition. Override what the test is about.
 */

/** Callers, as tests sign them in. */
export const salesAgent: { roles: Role[]; userId: string } = { roles: ['SalesAgent'], userId: 'sally' };
export const adminAgent: { roles: Role[]; userId: string } = { roles: ['AdminAgent'], userId: 'adam' };
export const globalAdmin: { roles: Role[]; userId: string } = { roles: ['GlobalAdmin'], userId: 'gloria' };

/** The customer's primary contact, who also accepts the MCA. */
export const aContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' };

/** A real address in `country`, as Partner Center needs one to create a customer. */
export function aBillingAddress(country = 'DE'): Record<string, string> {
  return { addressLine1: 'Friedrichstraße 123', city: 'Berlin', postalCode: '10117', country };
}

/**
 * The body of `PUT /api/customers/{id}`: a customer Partner Center creates (with its billing address in the
 * customer's country). Give `tenantId` (and `billingAddress: undefined`) to link one Partner Center has.
 */
export function aCustomerRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const country =
    typeof overrides.country === 'string' && /^[a-z]{2}$/i.test(overrides.country)
      ? overrides.country.toUpperCase()
      : 'DE';
  return {
    companyName: 'Contoso Ltd',
    country: 'DE',
    segment: 'commercial',
    relationship: 'direct',
    primaryContact: aContact,
    billingAddress: aBillingAddress(country),
    ...overrides,
  };
}

/** The `mca` of a purchase whose partner confirms the customer's acceptance. */
export function anAttestation(contact: Record<string, unknown> = aContact): Record<string, unknown> {
  return { method: 'attest', primaryContact: contact, dateAgreed: '2026-01-05T09:00:00Z' };
}

/** The `mca` of a purchase that invites the customer to sign. */
export function anInvitation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { method: 'invite', reminderEveryHours: 24, expiresInDays: 30, ...overrides };
}

/** Documents of a customer's partition. */

const created = '2026-01-05T09:00:00.000Z';

export function aCustomer(overrides: Partial<CustomerDocument> = {}): CustomerDocument {
  const customerId = overrides.customerId ?? 'contoso';
  return {
    id: customerId,
    customerId,
    docType: 'customer',
    companyName: 'Contoso Ltd',
    country: 'DE',
    segment: 'commercial',
    relationship: 'direct',
    primaryContact: aContact,
    createdAt: created,
    updatedAt: created,
    mca: { accepted: true, agreementId: 'agreement-1', dateAgreed: created },
    azurePlan: null,
    legacySubscriptionIds: [],
    workInProgress: null,
    ...overrides,
  };
}

export function aLegacySubscription(overrides: Partial<SubscriptionDocument> = {}): SubscriptionDocument {
  return {
    id: 'legacy-1',
    customerId: 'contoso',
    docType: 'subscription',
    offerId: legacyAzureOffer.offerId,
    offerName: legacyAzureOffer.title,
    friendlyName: 'Production',
    quantity: 1,
    unitType: 'Usage-based',
    billingType: 'usage',
    status: 'active',
    orderId: 'legacy-order-1',
    creationDate: created,
    azureSubscriptionId: '11111111-1111-4111-8111-111111111111',
    ...overrides,
  };
}

export function anAzurePlanSubscription(overrides: Partial<SubscriptionDocument> = {}): SubscriptionDocument {
  return {
    id: 'plan-1',
    customerId: 'contoso',
    docType: 'subscription',
    offerId: azurePlanProduct.offerId,
    offerName: azurePlanProduct.title,
    friendlyName: 'Azure plan',
    quantity: 1,
    unitType: 'Usage-based',
    billingType: 'usage',
    status: 'active',
    orderId: 'plan-order-1',
    creationDate: created,
    ...overrides,
  };
}

/** The stored invitation of `purchaseId` for contoso, pending until the end of March 2026 (its link's token from `secret`). */
export function aStoredInvitation(
  secret: string,
  overrides: Partial<InvitationDocument> & { purchaseId?: string } = {},
): InvitationDocument {
  const purchaseId = overrides.purchaseId ?? 'purchase-1';
  return {
    id: invitationIdOf(invitationToken(secret, purchaseId)),
    docType: 'mcaInvitation',
    customerId: 'contoso',
    purchaseId,
    email: aContact.email,
    createdAt: '2026-03-01T09:00:00.000Z',
    expiresAt: '2026-03-31T09:00:00.000Z',
    status: 'pending',
    ...overrides,
  };
}
