import { type CallContext, type StepContext } from '../microsoftHttp/microsoftHttpClient';
import {
  type Agreement,
  type AgreementMetadata,
  type Availability,
  type AzureEntitlement,
  type Cart,
  type CheckoutResult,
  type Order,
  type PartnerCenterCustomer,
  type Subscription,
  type UpgradeEligibility,
  type UpgradeStatus,
} from './schemas';

// The Partner Center capabilities the service uses, one small port each, so that a use case receives only what it
// calls. Every method throws `PartnerCenterError` on failure (see partnerCenterError.ts for the four kinds);
// methods that change something take a `StepContext` whose `stepKey` makes repeats safe (same MS-RequestId).

export type { CallContext, StepContext };

export interface NewCustomer {
  domain: string;
  /** Only where Partner Center requires it (`customerCreationProblems`). */
  organizationRegistrationNumber?: string;
  companyName: string;
  email: string;
  culture?: string;
  language?: string;
  address: {
    addressLine1: string;
    city: string;
    postalCode: string;
    state?: string;
    country: string;
    firstName?: string;
    lastName?: string;
    phoneNumber?: string;
  };
}

/** Customers (`/v1/customers`). */
export interface CustomersPort {
  /** The customer, or `undefined` when Partner Center does not know it (404). */
  getCustomer(customerId: string, context: CallContext): Promise<PartnerCenterCustomer | undefined>;
  /** Creates a customer tenant (Partner Center documents the call as idempotent). */
  createCustomer(customer: NewCustomer, context: StepContext): Promise<PartnerCenterCustomer>;
}

export interface AttestationInput {
  templateId: string;
  /** A past date (midnight UTC of the acceptance day): Partner Center rejects future ones with 600002. */
  dateAgreed: string;
  primaryContact: { firstName: string; lastName: string; email: string; phoneNumber?: string };
}

/** Microsoft Customer Agreement (all App+User only). */
export interface McaPort {
  /** The current MCA template (the metadata filtered by `agreementType=MicrosoftCustomerAgreement`). */
  getMcaMetadata(context: CallContext): Promise<AgreementMetadata>;
  /** The customer's MCA records (always filtered: without the filter only Cloud Agreements come back). */
  listMcaAgreements(customerId: string, context: CallContext): Promise<Agreement[]>;
  /**
   * Posts the partner's attestation. If an in-call retry of this same step meets 600061, the first attempt
   * succeeded and its record is returned; a 600061 on the first attempt is thrown (`AgreementAlreadyExists`).
   */
  createAttestation(customerId: string, input: AttestationInput, context: StepContext): Promise<Agreement>;
  /** True when the customer accepted the MCA directly with Microsoft (partner attestations do not count). */
  isDirectlySigned(customerId: string, context: CallContext): Promise<boolean>;
}

/** Catalog: where the Azure plan is sold and under which country-specific catalog item id. */
export interface CatalogPort {
  /** The purchasable Azure plan availability for an ISO country, or `undefined` when it is not sold there. */
  getAzurePlanAvailability(country: string, context: CallContext): Promise<Availability | undefined>;
  /** The purchasable availability of any product sku (e.g. a reservation) for an ISO country. */
  getAvailability(
    productId: string,
    skuId: string,
    country: string,
    context: CallContext,
  ): Promise<Availability | undefined>;
}

export interface CartLine {
  catalogItemId: string;
  quantity: number;
  billingCycle: string;
  termDuration?: string;
  provisioningContext?: Record<string, string>;
  friendlyName?: string;
}

/** Carts and checkout. */
export interface CartsPort {
  /** Creates a cart. A line Partner Center refused inside the 201 is thrown as a `Rejected` error with its code. */
  createCart(customerId: string, lines: CartLine[], context: StepContext): Promise<Cart>;
  /**
   * Checks the cart out. Safe to call again with the same cart and step (e.g. after a lost response): Partner
   * Center answers a repeat with the first result; if it says the cart was already submitted (800065) the orders
   * are read back instead. Refused order groups (`orderErrors`, e.g. 13605) are thrown when no order was placed.
   * Persist the cart id BEFORE calling this: the cart id is what makes the purchase happen at most once.
   */
  checkout(customerId: string, cartId: string, context: StepContext): Promise<CheckoutResult>;
}

export interface ProvisioningLine {
  lineItemNumber: number;
  status: string;
}

/** Orders and their asynchronous provisioning. */
export interface OrdersPort {
  getOrder(customerId: string, orderId: string, context: CallContext): Promise<Order>;
  listOrders(customerId: string, context: CallContext): Promise<Order[]>;
  /** Per line: `PrefulfillmentPending` → `Fulfilled` / `Unfulfilled` (App+User only). */
  getProvisioningStatus(
    customerId: string,
    orderId: string,
    context: CallContext,
  ): Promise<ProvisioningLine[]>;
}

/** Subscriptions, including suspend / reactivate. */
export interface SubscriptionsPort {
  listSubscriptions(customerId: string, context: CallContext): Promise<Subscription[]>;
  /** The subscription, or `undefined` on 404. `attributes.etag` is the value to pass to `updateSubscription`. */
  getSubscription(
    customerId: string,
    subscriptionId: string,
    context: CallContext,
  ): Promise<Subscription | undefined>;
  listSubscriptionsByOrder(
    customerId: string,
    orderId: string,
    context: CallContext,
  ): Promise<Subscription[]>;
  /**
   * PATCHes the full subscription (as read, with the change applied) with `If-Match: <etag>`. A stale ETag is a
   * `Rejected` error with `httpStatus` 412: read again and repeat.
   */
  updateSubscription(
    customerId: string,
    subscription: Subscription,
    context: StepContext,
  ): Promise<Subscription>;
}

/** Azure subscriptions under a plan, as Partner Center lists them. */
export interface AzureEntitlementsPort {
  /** Every entitlement, following continuation pages (the list was once cut at 50). */
  listAzureEntitlements(
    customerId: string,
    planSubscriptionId: string,
    context: CallContext,
  ): Promise<AzureEntitlement[]>;
}

/** Registration of the Azure plan for reservations. */
export interface RegistrationsPort {
  /** Starts the registration (202). */
  registerSubscription(customerId: string, subscriptionId: string, context: StepContext): Promise<void>;
  /** `registered`, `registering` or `notregistered` (lowercased). */
  getRegistrationStatus(customerId: string, subscriptionId: string, context: CallContext): Promise<string>;
}

/** The 0145P → Azure plan transition (App+User only). */
export interface ProductUpgradesPort {
  getUpgradeEligibility(customerId: string, context: CallContext): Promise<UpgradeEligibility>;
  /** Starts the upgrade and returns its id (from `Location: productUpgrades/{id}`). */
  createUpgrade(customerId: string, context: StepContext): Promise<string>;
  getUpgradeStatus(customerId: string, upgradeId: string, context: CallContext): Promise<UpgradeStatus>;
}

export interface Reachability {
  /** Partner Center answered (any HTTP status) and a token could be had. */
  reachable: boolean;
  /** Why not, for the operator (no secrets). */
  detail?: string;
}

/** Everything, for the composition root, which hands each use case only the ports it uses. */
export interface PartnerCenterGateway
  extends
    CustomersPort,
    McaPort,
    CatalogPort,
    CartsPort,
    OrdersPort,
    SubscriptionsPort,
    AzureEntitlementsPort,
    RegistrationsPort,
    ProductUpgradesPort {
  /** For `GET /api/health` `checks.partnerCenter`. */
  checkReachability(): Promise<Reachability>;
}
