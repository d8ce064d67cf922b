import { link } from './responses';
import type { Agreement, Cart, Customer, Entitlement, Order, Subscription } from './state';

/** Partner Center's JSON for each resource, from the verbatim examples of the reference doc (§3). */

const MCA = 'MicrosoftCustomerAgreement';

export function etag(subscription: Subscription): string {
  return Buffer.from(JSON.stringify({ id: subscription.id, version: subscription.version })).toString(
    'base64',
  );
}

export function customerView(customer: Customer): Record<string, unknown> {
  return {
    id: customer.id,
    commerceId: customer.commerceId,
    companyProfile: {
      tenantId: customer.id,
      domain: customer.domain,
      companyName: customer.companyName,
      address: { ...customer.address, country: customer.country },
      email: customer.email,
      ...(customer.organizationRegistrationNumber
        ? { organizationRegistrationNumber: customer.organizationRegistrationNumber }
        : {}),
      links: { self: link(`/customers/${customer.id}/profiles/company`) },
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    billingProfile: {
      id: customer.billingProfileId,
      firstName: customer.firstName,
      lastName: customer.lastName,
      email: customer.email,
      culture: customer.culture,
      language: customer.language,
      companyName: customer.companyName,
      defaultAddress: { ...customer.address, country: customer.country },
      links: { self: link(`/customers/${customer.id}/profiles/billing`) },
      attributes: { etag: String(customer.commerceId.length), objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: customer.relationshipToPartner,
    ...(customer.associatedPartnerId ? { associatedPartnerId: customer.associatedPartnerId } : {}),
    allowDelegatedAccess: true,
    customDomains: [customer.domain],
    links: { self: link(`/customers/${customer.id}`) },
    attributes: { objectType: 'Customer' },
  };
}

export function agreementView(agreement: Agreement, withUserId: boolean): Record<string, unknown> {
  return {
    ...(withUserId ? { userId: agreement.userId } : {}),
    primaryContact: agreement.primaryContact,
    templateId: agreement.templateId,
    dateAgreed: agreement.dateAgreed,
    type: agreement.type,
    agreementLink:
      agreement.type === MCA ? 'https://aka.ms/customeragreement' : 'https://aka.ms/microsoftcloudagreement',
  };
}

export function cartView(cart: Cart): Record<string, unknown> {
  return {
    id: cart.id,
    creationTimestamp: cart.creationTimestamp,
    lastModifiedTimestamp: cart.lastModifiedTimestamp,
    expirationTimestamp: cart.expirationTimestamp,
    lastModifiedUser: cart.lastModifiedUser,
    status: cart.status,
    lineItems: cart.lineItems,
    links: { self: link(`/customers/${cart.customerId}/carts/${cart.id}`) },
    attributes: { objectType: 'Cart' },
  };
}

export function orderView(order: Order): Record<string, unknown> {
  const base = `/customers/${order.customerId}/orders/${order.id}`;
  return {
    id: order.id,
    alternateId: order.alternateId,
    referenceCustomerId: order.customerId,
    billingCycle: order.billingCycle,
    currencyCode: order.currencyCode,
    currencySymbol: order.currencyCode === 'GBP' ? '£' : '$',
    lineItems: order.lineItems.map((line) => ({
      lineItemNumber: line.lineItemNumber,
      offerId: line.offerId,
      ...(line.subscriptionId ? { subscriptionId: line.subscriptionId } : {}),
      ...(line.termDuration ? { termDuration: line.termDuration } : {}),
      transactionType: 'New',
      friendlyName: line.friendlyName,
      quantity: line.quantity,
      ...(line.provisioningContext ? { provisioningContext: line.provisioningContext } : {}),
      // The product SKU the line bought (PCD `get-an-order-by-id.md`); the legacy offer is not a product.
      links: skuLinkOf(line.offerId),
    })),
    creationDate: order.creationDate,
    status: order.status,
    transactionType: 'UserPurchase',
    links: { provisioningStatus: link(`${base}/provisioningstatus`), self: link(base) },
    attributes: { objectType: 'Order' },
  };
}

function skuLinkOf(offerId: string): Record<string, unknown> {
  const [productId, skuId, availability] = offerId.split(':');
  return productId && skuId && availability
    ? { sku: link(`/products/${productId}/skus/${skuId}?country=US`) }
    : {};
}

export function subscriptionView(subscription: Subscription): Record<string, unknown> {
  const base = `/customers/${subscription.customerId}/subscriptions/${subscription.id}`;
  return {
    id: subscription.id,
    // A Microsoft Azure (0145P) subscription names the Azure subscription it bills (PCD
    // `get-a-subscription-by-id.md`); the Azure plan's are its azureEntitlements.
    ...(subscription.kind === 'legacyAzure' && subscription.legacyAzureSubscriptionId
      ? { entitlementId: subscription.legacyAzureSubscriptionId }
      : {}),
    offerId: subscription.offerId,
    offerName: subscription.offerName,
    friendlyName: subscription.friendlyName,
    quantity: subscription.quantity,
    unitType: subscription.unitType,
    creationDate: subscription.creationDate,
    effectiveStartDate: subscription.effectiveStartDate,
    commitmentEndDate: subscription.commitmentEndDate,
    status: subscription.status,
    autoRenewEnabled: subscription.autoRenewEnabled,
    billingType: subscription.billingType,
    billingCycle: subscription.billingCycle,
    termDuration: subscription.termDuration,
    contractType: 'subscription',
    orderId: subscription.orderId,
    links: {
      ...(subscription.kind === 'legacyAzure'
        ? { offer: link(`/offers/${subscription.offerId}?country=US`) }
        : {}),
      self: link(base),
      ...(subscription.kind === 'azurePlan' ? { azureEntitlements: link(`${base}/azureEntitlements`) } : {}),
    },
    attributes: { etag: etag(subscription), objectType: 'Subscription' },
  };
}

export function entitlementView(entitlement: Entitlement): Record<string, unknown> {
  return {
    id: entitlement.id,
    friendlyName: entitlement.friendlyName,
    status: entitlement.status,
    subscriptionId: entitlement.subscriptionId,
    links: {
      self: link(
        `/customers/${entitlement.customerId}/subscriptions/${entitlement.subscriptionId}/azureEntitlements/${entitlement.id}`,
      ),
    },
  };
}
