import {
  azurePlanProduct,
  type CustomerDocument,
  legacyAzureOffer,
  type SubscriptionDocument,
} from '../../shared/domain/documents/documents';

/** Documents of a customer's partition, as tests need them; override what the test is about. */

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
    primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' },
    createdAt: created,
    updatedAt: created,
    mca: { accepted: true, agreementId: 'agreement-1', dateAgreed: created },
    azurePlan: null,
    legacySubscriptionIds: [],
    activePurchase: null,
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
