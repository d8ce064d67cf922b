import { randomBytes, randomUUID } from 'node:crypto';

import type { z } from 'zod';

import {
  camelCaseKeys,
  cancelEntitlementBody,
  type CartBody,
  cartBody,
  createAgreementBody,
  createCustomerBody,
  describeZodError,
  lowerCaseKeys,
  productUpgradeBody,
  subscriptionPatchBody,
} from './bodies';
import {
  availabilityId,
  availabilityView,
  AZURE_PLAN_PRODUCT_ID,
  findProduct,
  LEGACY_AZURE_OFFER_ID,
  parseCatalogItemId,
  products,
  productView,
  reservationScopeFrom,
  skuView,
} from './catalog';
import { type FaultDice } from './faults';
import {
  collection,
  errorA,
  errorB,
  invalidInput,
  json,
  link,
  notFound,
  type SimResponse,
} from './responses';
import type {
  Agreement,
  Cart,
  CartLine,
  CartLineError,
  Customer,
  Entitlement,
  Order,
  SimulatorState,
  Subscription,
  Upgrade,
} from './state';
import {
  agreementView,
  cartView,
  customerView,
  entitlementView,
  etag,
  orderView,
  subscriptionView,
} from './views';

export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';
export const CLOUD_AGREEMENT_TEMPLATE_ID = '998b88de-aa99-4388-a42c-1b3517d49490';
const MCA = 'MicrosoftCustomerAgreement';
const CLOUD_AGREEMENT = 'MicrosoftCloudAgreement';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MCA_MISSING =
  'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can complete this purchase';

export interface PartnerCenterBehaviour {
  /** Checkout → order `completed` with subscription ids. Undocumented in the docs; 30 s by default. */
  provisioningDelayMs: number;
  /** How long a new order stays out of the order list (GET by id is not delayed). Docs: "up to 15 minutes". */
  orderListDelayMs: number;
  /** Cancelled Azure entitlement `active` → `inactive`. Docs: "about 10 mins". */
  entitlementCancelDelayMs: number;
  registrationDelayMs: number;
  upgradeDelayMs: number;
  /** After a checkout commits, further checkouts of that cart get 409 800064 for this long. */
  checkoutInProgressMs: number;
  cartLifetimeMs: number;
  /** Where 13605 (no MCA) surfaces: a 403 error body, or an `orderErrors` entry in a 201. */
  mcaMissingAs: 'error' | 'orderErrors';
  /** A second checkout of an ordered cart: re-iterate the first result (current docs) or legacy 400 800065. */
  checkoutReplay: 'reiterate' | 'legacy800065';
  /** Integration-sandbox limits (§6): 10 Azure plans per partner, 3 Azure subscriptions per plan. */
  sandbox: boolean;
  entitlementPageSize: number;
  /**
   * When the partner enrolled in CSP. Partners enrolled on or after 21 July 2021 can't add Microsoft Azure
   * (MS-AZR-0145P) at all (mission-anchors §2.1, "0145P eligibility"): the cart line gets 500600. The other half of
   * that rule (older partners, customers enrolled after that date) is not modelled: simulated customers carry no
   * enrolment date.
   */
  partnerEnrolledAt: string;
}

/** The day from which newly enrolled partners can no longer add 0145P (mission-anchors §2.1). */
export const LEGACY_OFFER_CUTOFF = '2021-07-21T00:00:00Z';

export const defaultBehaviour: PartnerCenterBehaviour = {
  provisioningDelayMs: 30_000,
  orderListDelayMs: 15 * 60_000,
  entitlementCancelDelayMs: 10 * 60_000,
  registrationDelayMs: 60_000,
  upgradeDelayMs: 60_000,
  checkoutInProgressMs: 0,
  cartLifetimeMs: 7 * 24 * 3_600_000,
  mcaMissingAs: 'error',
  checkoutReplay: 'reiterate',
  sandbox: false,
  entitlementPageSize: 50,
  partnerEnrolledAt: '2019-01-01T00:00:00Z',
};

export interface CallContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** `oid` of an App+User token; undefined for app-only. */
  userId: string | undefined;
  now: Date;
}

export interface Route {
  method: string;
  template: string;
  /** Tag the throttling rules refer to. */
  resource: string;
  appUserOnly?: boolean;
  /**
   * The operation reads nothing from its body, so one that is not JSON is ignored rather than refused (the
   * reference's own product-upgrade status example sends a malformed body, §3.13).
   */
  bodyIgnored?: boolean;
  handle(call: CallContext): SimResponse;
}

export interface PartnerCenterModel {
  routes: Route[];
  /** Applies every timed transition that is due at `now` (provisioning, cancellation, registration, upgrades). */
  settle(now: Date): void;
  seedCustomer(input: SeedCustomer, now: Date): Customer;
  customerView(customer: Customer): Record<string, unknown>;
  setDirectSigned(customerId: string, isSigned: boolean): boolean;
  /** Marks the current availability of a product in a country stale; a new id replaces it (→ 400019). */
  rotateAvailability(country: string): void;
  addAzureEntitlement(
    customerId: string,
    input: { id?: string; friendlyName?: string },
    now: Date,
  ): { ok: true; entitlement: Record<string, unknown> } | { ok: false; response: SimResponse };
  findAzurePlan(customerId: string): { subscriptionId: string; status: string } | undefined;
  seedLegacySubscription(
    customerId: string,
    input: { azureSubscriptionId?: string; azureSubscriptionStatus?: 'active' | 'suspended' },
    now: Date,
  ): Record<string, unknown> | undefined;
}

/** A customer Partner Center already has; the simulator assigns its id (its tenant id), as Partner Center does. */
export interface SeedCustomer {
  country: string;
  companyName?: string;
  domain?: string;
  directSigned?: boolean;
  /** How the partner is licensed for the customer: one of `relationshipsToPartner` (default `reseller`). */
  relationshipToPartner?: RelationshipToPartner;
  /** The indirect reseller the customer buys through (what an indirect provider sets). */
  associatedPartnerId?: string;
}

/** The values of `relationshipToPartner` Partner Center documents (PCD `customer-resources.md`), and no others. */
export const relationshipsToPartner = [
  'none',
  'reseller',
  'advisor',
  'syndication',
  'microsoft_support',
] as const;
export type RelationshipToPartner = (typeof relationshipsToPartner)[number];

/**
 * Where `organizationRegistrationNumber` is required (PCD `customer-resources.md`; `error-codes.md` lists the first
 * twelve for 600049 and 600002) and where the address needs a phone number (600051).
 */
const REGISTRATION_NUMBER_COUNTRIES = new Set([
  'AM', 'AZ', 'BY', 'HU', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA', 'IN',
  'BR', 'ZA', 'PL', 'AE', 'SA', 'TR', 'TH', 'VN', 'MM', 'IQ', 'SS', 'VE',
]); // prettier-ignore
const PHONE_NUMBER_COUNTRIES = new Set([
  'AM', 'AZ', 'BY', 'HU', 'IN', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA',
]); // prettier-ignore

/** The new tenant's first admin password, like the docs' example (`=;;n.=s9Z`): shown once, in the 201. */
function newAdminPassword(): string {
  return randomBytes(12).toString('base64url');
}

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; value: z.infer<T> } | SimResponse {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : invalidInput(describeZodError(result.error));
}

function isParsed<T>(value: { ok: true; value: T } | SimResponse): value is { ok: true; value: T } {
  return 'ok' in value;
}

function newOrderId(): string {
  return randomBytes(25).toString('base64url').slice(0, 33);
}

function addMs(date: Date, ms: number): string {
  return new Date(date.getTime() + ms).toISOString();
}

export function createPartnerCenterModel(
  state: SimulatorState,
  behaviour: PartnerCenterBehaviour,
  dice: FaultDice,
): PartnerCenterModel {
  // ---- lookups -----------------------------------------------------------------------------------------------

  function customerOr404(id: string | undefined): Customer | SimResponse {
    if (!id || !GUID.test(id)) return errorA(400, 900118, 'Invalid customer ID.');
    const customer = state.get('customers', id.toLowerCase());
    return customer && !customer.deletedAt ? customer : notFound(600008, `Customer ${id} was not found.`);
  }

  function isCustomer(value: Customer | SimResponse): value is Customer {
    return 'commerceId' in value;
  }

  function subscriptionOf(customerId: string, id: string | undefined): Subscription | undefined {
    const subscription = id ? state.get('subscriptions', id.toLowerCase()) : undefined;
    return subscription?.customerId === customerId ? subscription : undefined;
  }

  function generation(country: string): number {
    return state.get('catalogGenerations', country)?.generation ?? 0;
  }

  const liveSubscriptions = (customerId: string, kind: Subscription['kind']) =>
    state
      .all('subscriptions')
      .filter((s) => s.customerId === customerId && s.kind === kind && s.status !== 'deleted');

  const pendingOrdersWith = (customerId: string | undefined, kind: Subscription['kind']) =>
    state
      .all('orders')
      .filter(
        (order) =>
          (customerId === undefined || order.customerId === customerId) &&
          order.status === 'pending' &&
          order.lineItems.some((line) => line.kind === kind),
      );

  const hasAzurePlan = (customerId: string) =>
    liveSubscriptions(customerId, 'azurePlan').length > 0 ||
    pendingOrdersWith(customerId, 'azurePlan').length > 0;

  const hasMca = (customer: Customer) =>
    customer.directSigned ||
    state
      .all('agreements')
      .some((agreement) => agreement.customerId === customer.id && agreement.type === MCA);

  // ---- carts -------------------------------------------------------------------------------------------------

  /** Validates one line against the catalog and the customer's holdings; the error goes inside the 201/200. */
  function lineError(
    customer: Customer,
    line: CartBody['lineItems'][number],
    cartLines: CartBody['lineItems'],
  ) {
    const item = parseCatalogItemId(line.catalogItemId);
    const fail = (errorCode: number, errorDescription: string): CartLineError => ({
      errorCode,
      errorDescription,
    });
    if (!item) return fail(10010, `Catalog item ${line.catalogItemId} is not valid (InvalidInput).`);
    if (
      item.kind === 'legacyAzure' &&
      Date.parse(behaviour.partnerEnrolledAt) >= Date.parse(LEGACY_OFFER_CUTOFF)
    ) {
      // The wording is ours: Microsoft documents the rule and the code (SDK CartErrorCode 500600), not the text.
      return fail(
        500600,
        'LegacyOfferNotEligibleForPurchase: partners enrolled on or after 21 July 2021 cannot add Microsoft Azure (MS-AZR-0145P); buy the Azure plan instead.',
      );
    }
    if (item.kind === 'legacyAzure' && hasAzurePlan(customer.id)) {
      return fail(500600, 'LegacyOfferNotEligibleForPurchase: the customer has an Azure plan.');
    }
    if (item.kind === 'azurePlan') {
      if (liveSubscriptions(customer.id, 'legacyAzure').some((s) => s.status === 'active')) {
        return fail(
          400072,
          "This item isn't available: the customer has a Microsoft Azure (MS-AZR-0145P) subscription; transition it to the Azure plan instead.",
        );
      }
      if (
        cartLines.filter((other) => parseCatalogItemId(other.catalogItemId)?.kind === 'azurePlan').length > 1
      ) {
        return fail(10006, 'UnableToProcessCartLineItem: a customer can have only one Azure plan.');
      }
    }
    return undefined;
  }

  function buildLines(customer: Customer, body: CartBody): CartLine[] {
    const groupOf = new Map<string, string>();
    return body.lineItems.map((line) => {
      const item = parseCatalogItemId(line.catalogItemId);
      const kind = item?.kind ?? 'unknown';
      if (!groupOf.has(kind)) {
        groupOf.set(
          kind,
          kind === 'legacyAzure'
            ? 'OMS-0'
            : String([...groupOf.keys()].filter((k) => k !== 'legacyAzure').length),
        );
      }
      const error = lineError(customer, line, body.lineItems);
      const provisioningContext = line.provisioningContext ?? (item?.kind === 'azurePlan' ? {} : undefined);
      return {
        id: line.id,
        catalogItemId: line.catalogItemId,
        quantity: line.quantity,
        currencyCode: customer.country === 'GB' ? 'GBP' : 'USD',
        billingCycle: line.billingCycle,
        ...(line.termDuration ? { termDuration: line.termDuration } : {}),
        ...(provisioningContext ? { provisioningContext } : {}),
        ...(line.friendlyName ? { friendlyName: line.friendlyName } : {}),
        ...(line.renewsTo ? { renewsTo: line.renewsTo } : {}),
        ...(line.customTermEndDate ? { customTermEndDate: line.customTermEndDate } : {}),
        ...(line.participants ? { participants: line.participants } : {}),
        orderGroup: groupOf.get(kind)!,
        ...(error ? { error } : {}),
      };
    });
  }

  function createCart(call: CallContext): SimResponse {
    const customer = customerOr404(call.params.customerId);
    if (!isCustomer(customer)) return customer;
    const body = parse(cartBody, call.body);
    if (!isParsed(body)) return body;
    const now = call.now.toISOString();
    const cart: Cart = {
      id: randomUUID(),
      customerId: customer.id,
      creationTimestamp: now,
      lastModifiedTimestamp: now,
      expirationTimestamp: addMs(call.now, behaviour.cartLifetimeMs),
      lastModifiedUser: call.userId ?? '00000000-0000-0000-0000-000000000000',
      status: 'Active',
      lineItems: buildLines(customer, body.value),
    };
    state.put('carts', cart);
    return json(201, cartView(cart));
  }

  function cartOr404(call: CallContext): { customer: Customer; cart: Cart } | SimResponse {
    const customer = customerOr404(call.params.customerId);
    if (!isCustomer(customer)) return customer;
    const cart = state.get('carts', (call.params.cartId ?? '').toLowerCase());
    if (!cart || cart.customerId !== customer.id)
      return notFound(800008, `Cart ${call.params.cartId} can't be retrieved.`);
    return { customer, cart };
  }

  function updateCart(call: CallContext): SimResponse {
    const found = cartOr404(call);
    if (!('cart' in found)) return found;
    const { customer, cart } = found;
    if (cart.status !== 'Active')
      return errorA(400, 800065, `Can't check out or change an already submitted cart ${cart.id}.`);
    if (Date.parse(cart.expirationTimestamp) <= call.now.getTime()) {
      return notFound(800008, `Cart ${cart.id} can't be retrieved: it expired.`);
    }
    const body = parse(cartBody, call.body);
    if (!isParsed(body)) return body;
    const updated: Cart = {
      ...cart,
      lastModifiedTimestamp: call.now.toISOString(),
      lastModifiedUser: call.userId ?? cart.lastModifiedUser,
      lineItems: buildLines(customer, body.value),
    };
    state.put('carts', updated);
    return json(200, cartView(updated));
  }

  /** Checks that make the whole checkout fail with an error body (HTTP statuses from PCD `error-codes.md`). */
  function checkoutRefusal(customer: Customer, cart: Cart): SimResponse | undefined {
    if (cart.lineItems.some((line) => line.error)) return errorA(400, 800009, 'Error in cart items.');
    const generationNow = generation(customer.country);
    for (const line of cart.lineItems) {
      const item = parseCatalogItemId(line.catalogItemId);
      if (!item) return errorA(400, 800004, `Invalid offer ID ${line.catalogItemId}.`);
      if (
        item.availabilityId &&
        item.availabilityId !== availabilityId(item.productId!, customer.country, generationNow) &&
        item.availabilityId !==
          availabilityId(item.productId!, customer.country, generationNow, 'MicrosoftAzure')
      ) {
        return notFound(
          400019,
          `Availability not found: ${line.catalogItemId}. Get the current availability and retry.`,
        );
      }
      const recheck = lineError(customer, line, cart.lineItems);
      if (recheck) return errorA(400, 800009, `Error in cart items: ${recheck.errorDescription}`);
      if (item.kind === 'azurePlan') {
        if (hasAzurePlan(customer.id)) {
          return errorA(
            403,
            800089,
            'The requested number of 1 asset/s exceeded the remaining limit of 0 assets allowed per customer',
          );
        }
        const plans = state.all('subscriptions').filter((s) => s.kind === 'azurePlan').length;
        if (behaviour.sandbox && plans + pendingOrdersWith(undefined, 'azurePlan').length >= 10) {
          return errorA(
            400,
            900116,
            "Unable to create order. There's a limit to how many Azure plans can be created under sandbox accounts",
          );
        }
      }
      if (item.kind === 'reservation') {
        const contextEntries = Object.entries(line.provisioningContext ?? {});
        const planId = contextEntries.find(([key]) => key.toLowerCase() === 'subscriptionid')?.[1];
        // An availability read without reservationScope=AzurePlan is for 0145P subscriptions (§3.6). The docs do
        // not say how Partner Center refuses one bought against an Azure plan; this refuses it as an availability
        // that does not exist for the plan (400019), which fails safe: nothing is bought.
        if (
          item.availabilityId ===
          availabilityId(item.productId!, customer.country, generationNow, 'MicrosoftAzure')
        ) {
          return notFound(
            400019,
            `Availability not found: ${line.catalogItemId} is an availability for Microsoft Azure (MS-AZR-0145P) subscriptions; an Azure plan needs one read with reservationScope=AzurePlan.`,
          );
        }
        if (!planId) {
          return errorA(
            400,
            900317,
            'Subscription ID (Azure plan ID) in the provisioning context is required for the transaction.',
          );
        }
        const plan = subscriptionOf(customer.id, planId);
        if (!plan || plan.kind !== 'azurePlan') {
          return errorA(
            400,
            900318,
            `Azure plan ${planId} not found, or it has no active Azure subscription.`,
          );
        }
        if (plan.registrationStatus !== 'registered') {
          return errorA(400, 800030, `Subscription ${plan.id} is not registered for reserved instances.`);
        }
        const active = state
          .all('entitlements')
          .some((e) => e.subscriptionId === plan.id && e.status === 'active');
        if (!active) return errorA(400, 900318, `Azure plan ${plan.id} has no active Azure subscription.`);
      }
    }
    return undefined;
  }

  function checkout(call: CallContext): SimResponse {
    const found = cartOr404(call);
    if (!('cart' in found)) return found;
    const { customer, cart } = found;
    if (cart.checkout) {
      const inProgressMs = dice.on('checkoutInProgress')
        ? Math.max(behaviour.checkoutInProgressMs, dice.settings().inProgressMs)
        : behaviour.checkoutInProgressMs;
      if (call.now.getTime() < Date.parse(cart.checkout.committedAt) + inProgressMs) {
        return errorA(409, 800064, `Cart ${cart.id} is being processed by another request.`);
      }
      if (behaviour.checkoutReplay === 'legacy800065' || dice.on('checkoutAlreadySubmitted')) {
        return errorA(400, 800065, `Can't check out an already submitted cart ${cart.id}.`);
      }
      return json(cart.checkout.status, cart.checkout.body);
    }
    if (Date.parse(cart.expirationTimestamp) <= call.now.getTime()) {
      return notFound(800008, `Cart ${cart.id} can't be retrieved: it expired.`);
    }
    const refusal = checkoutRefusal(customer, cart);
    if (refusal) return refusal;

    const groups = new Map<string, CartLine[]>();
    for (const line of cart.lineItems)
      groups.set(line.orderGroup, [...(groups.get(line.orderGroup) ?? []), line]);
    const orderErrors: { orderGroupId: string; code: number; description: string }[] = [];
    const orders: Order[] = [];
    for (const [group, lines] of groups) {
      const needsMca = lines.some((line) => parseCatalogItemId(line.catalogItemId)?.kind === 'azurePlan');
      if (needsMca && !hasMca(customer)) {
        if (behaviour.mcaMissingAs === 'error') return errorA(403, 13605, MCA_MISSING);
        orderErrors.push({ orderGroupId: group, code: 13605, description: MCA_MISSING });
        continue;
      }
      const legacy = lines.every((line) => parseCatalogItemId(line.catalogItemId)?.kind === 'legacyAzure');
      const faults = dice.settings();
      // 0145P orders complete at once (§3.8); the others may be held in review or end cancelled (fault switches).
      const heldMs = !legacy && dice.hit('provisioningHeld', faults.heldShare) ? faults.heldMs : 0;
      const cancelled = !legacy && dice.hit('orderCancelled', faults.cancelledShare);
      const id = newOrderId();
      orders.push({
        id,
        alternateId: id.slice(0, 12),
        customerId: customer.id,
        cartId: cart.id,
        orderGroup: group,
        billingCycle: lines[0]!.billingCycle,
        currencyCode: lines[0]!.currencyCode,
        creationDate: call.now.toISOString(),
        readyAt: addMs(call.now, legacy ? 0 : behaviour.provisioningDelayMs + heldMs),
        status: 'pending',
        ...(cancelled ? { endsAs: 'cancelled' as const } : {}),
        lineItems: lines.map((line, index) => {
          const item = parseCatalogItemId(line.catalogItemId)!;
          return {
            lineItemNumber: index,
            offerId: item.offerId,
            kind: item.kind,
            ...(line.termDuration ? { termDuration: line.termDuration } : {}),
            // The cart's friendly name is not applied to a plan (Partner-Center-PowerShell#316).
            friendlyName: item.friendlyName,
            quantity: line.quantity,
            ...(line.provisioningContext ? { provisioningContext: line.provisioningContext } : {}),
          };
        }),
      });
    }
    for (const order of orders) state.put('orders', order);
    settle(call.now);
    const body = {
      orders: orders.map((order) => orderView(state.get('orders', order.id)!)),
      ...(orderErrors.length > 0 ? { orderErrors } : {}),
      attributes: { objectType: 'CartCheckoutResult' },
    };
    if (orders.length > 0) {
      state.put('carts', {
        ...cart,
        status: 'Ordered',
        lastModifiedTimestamp: call.now.toISOString(),
        checkout: { status: 201, body, committedAt: call.now.toISOString() },
      });
    }
    return json(201, body);
  }

  // ---- fulfilment ------------------------------------------------------------------------------------------

  function newSubscription(
    customerId: string,
    kind: Subscription['kind'],
    offerId: string,
    orderId: string,
    now: Date,
    overrides: Partial<Subscription> = {},
  ): Subscription {
    const at = now.toISOString();
    const common = {
      id: randomUUID(),
      customerId,
      kind,
      offerId,
      quantity: 1,
      status: 'active' as const,
      creationDate: at,
      effectiveStartDate: `${at.slice(0, 10)}T00:00:00Z`,
      autoRenewEnabled: false,
      orderId,
      version: 1,
      registrationStatus: 'notregistered' as const,
    };
    const byKind = {
      azurePlan: {
        offerName: 'Azure plan',
        friendlyName: 'Azure plan',
        unitType: 'Usage-based',
        billingType: 'usage',
        billingCycle: 'one_time',
        termDuration: '',
        commitmentEndDate: '9999-12-31T00:00:00Z',
      },
      legacyAzure: {
        offerName: 'Microsoft Azure',
        friendlyName: 'Microsoft Azure',
        unitType: 'Usage-based',
        billingType: 'usage',
        billingCycle: 'monthly',
        termDuration: '',
        commitmentEndDate: '9999-12-10T00:00:00Z',
        legacyAzureSubscriptionId: randomUUID(),
        legacyAzureSubscriptionStatus: 'active' as const,
      },
      reservation: {
        offerName: findProduct(offerId.split(':')[0] ?? '')?.title ?? 'Reservation',
        friendlyName: findProduct(offerId.split(':')[0] ?? '')?.title ?? 'Reservation',
        unitType: 'Licenses',
        billingType: 'license',
        billingCycle: 'one_time',
        termDuration: 'P1Y',
        commitmentEndDate: addMs(now, 365 * 24 * 3_600_000),
      },
    }[kind];
    return { ...common, ...byKind, ...overrides };
  }

  function newEntitlement(
    customerId: string,
    planId: string,
    now: Date,
    id?: string,
    friendlyName?: string,
  ): Entitlement {
    return {
      id: id ?? randomUUID(),
      customerId,
      subscriptionId: planId,
      friendlyName: friendlyName ?? 'Microsoft Azure',
      status: 'active',
      createdAt: now.toISOString(),
    };
  }

  function completeOrder(order: Order, now: Date): void {
    const lineItems = order.lineItems.map((line) => {
      const subscription = newSubscription(order.customerId, line.kind, line.offerId, order.id, now, {
        ...(line.termDuration ? { termDuration: line.termDuration } : {}),
        quantity: line.quantity,
      });
      state.put('subscriptions', subscription);
      // The plan comes with its first Azure subscription (PCD `create-azure-plan.md`).
      if (line.kind === 'azurePlan')
        state.put('entitlements', newEntitlement(order.customerId, subscription.id, now));
      return { ...line, subscriptionId: subscription.id };
    });
    state.put('orders', { ...order, status: 'completed', lineItems });
  }

  function completeUpgrade(upgrade: Upgrade, now: Date): void {
    let plan = liveSubscriptions(upgrade.customerId, 'azurePlan')[0];
    if (!plan) {
      const customer = state.get('customers', upgrade.customerId)!;
      const offerId = `${AZURE_PLAN_PRODUCT_ID}:0001:${availabilityId(AZURE_PLAN_PRODUCT_ID, customer.country, generation(customer.country))}`;
      plan = newSubscription(upgrade.customerId, 'azurePlan', offerId, upgrade.id, now);
      state.put('subscriptions', plan);
    }
    // The upgrade moves every active 0145P subscription of the customer (each bills one Azure subscription).
    const sources = [
      upgrade.sourceSubscriptionId,
      ...liveSubscriptions(upgrade.customerId, 'legacyAzure')
        .filter((s) => s.status === 'active' && s.id !== upgrade.sourceSubscriptionId)
        .map((s) => s.id),
    ];
    for (const sourceId of sources) {
      const legacy = state.get('subscriptions', sourceId);
      if (!legacy) continue;
      // The legacy subscription's Azure subscription moves under the plan with the same id.
      if (legacy.legacyAzureSubscriptionId && !state.get('entitlements', legacy.legacyAzureSubscriptionId)) {
        state.put(
          'entitlements',
          newEntitlement(upgrade.customerId, plan.id, now, legacy.legacyAzureSubscriptionId),
        );
      }
      state.put('subscriptions', { ...legacy, status: 'suspended', version: legacy.version + 1 });
    }
    state.put('upgrades', {
      ...upgrade,
      movedSubscriptionIds: sources,
      status: 'Completed',
      targetSubscriptionId: plan.id,
      upgradedDate: now.toISOString(),
    });
  }

  function settle(now: Date): void {
    const at = now.getTime();
    for (const order of state.all('orders')) {
      if (order.status !== 'pending' || Date.parse(order.readyAt) > at) continue;
      if (order.endsAs === 'cancelled') state.put('orders', { ...order, status: 'cancelled' });
      else completeOrder(order, now);
    }
    for (const entitlement of state.all('entitlements')) {
      if (
        entitlement.status === 'active' &&
        entitlement.inactiveAt &&
        Date.parse(entitlement.inactiveAt) <= at
      ) {
        state.put('entitlements', { ...entitlement, status: 'inactive' });
      }
    }
    for (const subscription of state.all('subscriptions')) {
      if (
        subscription.registrationStatus === 'registering' &&
        subscription.registeredAt &&
        Date.parse(subscription.registeredAt) <= at
      ) {
        state.put('subscriptions', {
          ...subscription,
          registrationStatus: 'registered',
          version: subscription.version + 1,
        });
      }
    }
    for (const upgrade of state.all('upgrades')) {
      if (upgrade.status === 'InProgress' && Date.parse(upgrade.readyAt) <= at) completeUpgrade(upgrade, now);
    }
  }

  // ---- agreements ------------------------------------------------------------------------------------------

  function agreementMetadata(call: CallContext): SimResponse {
    const type = call.query.get('agreementType') ?? CLOUD_AGREEMENT;
    const items =
      type.toLowerCase() === MCA.toLowerCase()
        ? [
            {
              templateId: MCA_TEMPLATE_ID,
              agreementType: MCA,
              agreementLink: 'https://aka.ms/customeragreement',
              versionRank: 0,
            },
          ]
        : type.toLowerCase() === CLOUD_AGREEMENT.toLowerCase()
          ? [
              {
                templateId: CLOUD_AGREEMENT_TEMPLATE_ID,
                agreementType: CLOUD_AGREEMENT,
                agreementLink: 'https://learn.microsoft.com/partner-center/agreements',
                versionRank: 0,
              },
            ]
          : [];
    return json(200, collection(items, { links: { self: link('/agreements') } }));
  }

  function createAgreement(call: CallContext): SimResponse {
    const customer = customerOr404(call.params.customerId);
    if (!isCustomer(customer)) return customer;
    const body = parse(createAgreementBody, call.body);
    if (!isParsed(body)) return body;
    const input = body.value;
    if (Date.parse(input.dateAgreed) > call.now.getTime()) {
      return errorB(
        400,
        600002,
        'InvalidDateAgreed',
        'Date of agreement cannot be greater than the current date.',
      );
    }
    const template = input.templateId.toLowerCase();
    if (template !== MCA_TEMPLATE_ID && template !== CLOUD_AGREEMENT_TEMPLATE_ID) {
      return errorA(
        400,
        800002,
        `Invalid request input. Template ID '${input.templateId}' is not a known agreement template.`,
      );
    }
    // A Cloud Agreement template with type MCA is stored as a Cloud Agreement without user (Partner-Center-Java#86).
    const isMca = template === MCA_TEMPLATE_ID && input.type === MCA;
    const type = isMca ? MCA : CLOUD_AGREEMENT;
    const duplicate = state
      .all('agreements')
      .some(
        (agreement) =>
          agreement.customerId === customer.id &&
          agreement.type === type &&
          JSON.stringify(agreement.primaryContact) === JSON.stringify(input.primaryContact),
      );
    if (duplicate) {
      return errorB(
        409,
        600061,
        'PartnerConfirmedAgreementAlreadyExists',
        'A partner confirmed agreement already exists for the customer.',
      );
    }
    const agreement: Agreement = {
      id: randomUUID(),
      customerId: customer.id,
      userId: isMca ? (call.userId ?? null) : null,
      primaryContact: input.primaryContact,
      templateId: isMca ? MCA_TEMPLATE_ID : CLOUD_AGREEMENT_TEMPLATE_ID,
      dateAgreed: new Date(input.dateAgreed).toISOString(),
      type,
    };
    state.put('agreements', agreement);
    return json(201, agreementView(agreement, true));
  }

  function listAgreements(call: CallContext): SimResponse {
    const customer = customerOr404(call.params.customerId);
    if (!isCustomer(customer)) return customer;
    // Without agreementType Partner Center returns Cloud Agreements only (Partner-Center-PowerShell#253).
    const type = (call.query.get('agreementType') ?? CLOUD_AGREEMENT).toLowerCase();
    const items = state
      .all('agreements')
      .filter(
        (agreement) =>
          agreement.customerId === customer.id && (type === 'all' || agreement.type.toLowerCase() === type),
      )
      .map((agreement) => agreementView(agreement, false));
    return json(200, collection(items));
  }

  // ---- subscriptions, entitlements, registrations, upgrades ---------------------------------------------------

  function withSubscription(
    call: CallContext,
    then: (customer: Customer, subscription: Subscription) => SimResponse,
  ): SimResponse {
    const customer = customerOr404(call.params.customerId);
    if (!isCustomer(customer)) return customer;
    const subscription = subscriptionOf(customer.id, call.params.subscriptionId);
    if (!subscription) return notFound(800001, `Subscription ${call.params.subscriptionId} was not found.`);
    return then(customer, subscription);
  }

  function listEntitlements(call: CallContext): SimResponse {
    return withSubscription(call, (customer, subscription) => {
      const all = state.all('entitlements').filter((e) => e.subscriptionId === subscription.id);
      const token = String(
        call.headers['ms-continuationtoken'] ?? call.query.get('continuationToken') ?? '0',
      );
      const start = Number.parseInt(token, 10) || 0;
      const page = all.slice(start, start + behaviour.entitlementPageSize);
      const next = start + page.length;
      const self = `/customers/${customer.id}/subscriptions/${subscription.id}/azureEntitlements`;
      return json(
        200,
        collection(page.map(entitlementView), {
          links: {
            self: link(self),
            ...(next < all.length
              ? {
                  next: {
                    uri: `${self}?continuationToken=${next}`,
                    method: 'GET',
                    headers: [{ key: 'MS-ContinuationToken', value: String(next) }],
                  },
                }
              : {}),
          },
        }),
      );
    });
  }

  function entitlementOr404(call: CallContext, subscription: Subscription): Entitlement | SimResponse {
    const entitlement = state.get('entitlements', (call.params.entitlementId ?? '').toLowerCase());
    if (!entitlement || entitlement.subscriptionId !== subscription.id) {
      return notFound(800111, `Azure entitlement with ID ${call.params.entitlementId} isn't found.`);
    }
    return entitlement;
  }

  function patchSubscription(call: CallContext): SimResponse {
    return withSubscription(call, (_customer, subscription) => {
      // The ETag comes in If-Match, or — as in the docs' second suspend example, which sends no If-Match — in the
      // full resource's `attributes.etag` (reference §3.14). Either way it must be the current one.
      const bodyAttributes = lowerCaseKeys(
        (lowerCaseKeys(call.body) as { attributes?: unknown } | undefined)?.attributes,
      ) as { etag?: unknown } | undefined;
      const header = call.headers['if-match'];
      const bodyEtag = typeof bodyAttributes?.etag === 'string' ? bodyAttributes.etag : '';
      const ifMatch = (typeof header === 'string' ? header : bodyEtag).replace(/^W\//, '').replace(/"/g, '');
      if (ifMatch !== etag(subscription)) {
        return errorA(
          412,
          800002,
          'The ETag in If-Match does not match the current subscription; GET it again.',
        );
      }
      const body = parse(subscriptionPatchBody, lowerCaseKeys(call.body));
      if (!isParsed(body)) return body;
      const status = body.value.status.toLowerCase();
      if (status !== 'active' && status !== 'suspended')
        return invalidInput(`Status '${body.value.status}' is not allowed.`);
      if (
        status === 'suspended' &&
        subscription.status !== 'suspended' &&
        subscription.kind === 'azurePlan'
      ) {
        const active = state
          .all('entitlements')
          .some((e) => e.subscriptionId === subscription.id && e.status === 'active');
        if (active) {
          return errorA(
            403,
            900115,
            'The Azure plan cannot be suspended while it has active Azure subscriptions or reservations.',
          );
        }
      }
      const updated: Subscription = {
        ...subscription,
        status,
        friendlyName: body.value.friendlyname ?? subscription.friendlyName,
        version: subscription.version + 1,
      };
      state.put('subscriptions', updated);
      return json(200, subscriptionView(updated));
    });
  }

  function eligibility(customerId: string): {
    isEligible: boolean;
    upgradeId?: string;
    reason?: string;
    blocked?: SimResponse;
  } {
    const running = state
      .all('upgrades')
      .find((u) => u.customerId === customerId && u.status === 'InProgress');
    if (running)
      return {
        isEligible: false,
        upgradeId: running.id,
        reason: 'A product upgrade is already in progress.',
      };
    const legacy = liveSubscriptions(customerId, 'legacyAzure').filter((s) => s.status === 'active');
    if (legacy.length === 0)
      return {
        isEligible: false,
        reason: 'The customer has no Microsoft Azure (MS-AZR-0145P) subscription to upgrade.',
      };
    if (legacy.some((s) => s.legacyAzureSubscriptionStatus === 'suspended')) {
      return {
        isEligible: false,
        reason: 'Suspended Azure subscriptions cannot be transitioned.',
        blocked: errorA(
          403,
          900105,
          'Suspended Azure subscriptions cannot be transitioned to the Azure plan.',
        ),
      };
    }
    return { isEligible: true };
  }

  const upgradeCustomer = (call: CallContext): { customer: Customer; family: string } | SimResponse => {
    const body = parse(productUpgradeBody, call.body);
    if (!isParsed(body)) return body;
    if (body.value.productFamily.toLowerCase() !== 'azure')
      return invalidInput('productFamily must be "azure".');
    const customer = customerOr404(body.value.customerId);
    return isCustomer(customer) ? { customer, family: body.value.productFamily } : customer;
  };

  /** The partner's id in the invitation link; the token's tenant is not passed to handlers, so a fixed one. */
  const partnerIdOf = (_call: CallContext) => '3b33e682-00c3-41ee-9dd2-a548adf56438';

  // ---- routes ------------------------------------------------------------------------------------------------

  const routes: Route[] = [
    {
      method: 'POST',
      template: '/v1/customers',
      resource: 'customers',
      handle(call) {
        const body = parse(createCustomerBody, camelCaseKeys(call.body));
        if (!isParsed(body)) return body;
        const { companyProfile, billingProfile, associatedPartnerId } = body.value;
        // Create customer is documented as idempotent: the same domain gives the same customer. Whether the repeat
        // shows the admin credentials again is not documented: it does not (the password is shown once).
        const existing = state
          .all('customers')
          .find((c) => c.domain.toLowerCase() === companyProfile.domain.toLowerCase());
        if (existing) return json(201, customerView(existing));
        const { country, ...address } = billingProfile.defaultAddress;
        const registrationNumber = companyProfile.organizationRegistrationNumber;
        if (REGISTRATION_NUMBER_COUNTRIES.has(country) && !registrationNumber) {
          return errorA(400, 600049, 'Organization registration ID information is missing.');
        }
        if (!REGISTRATION_NUMBER_COUNTRIES.has(country) && registrationNumber) {
          return errorA(400, 600002, "Organization registration ID value isn't supported.");
        }
        if (PHONE_NUMBER_COUNTRIES.has(country) && !(address as Record<string, string>).phoneNumber) {
          return errorA(400, 600051, 'Customer phone number is missing.');
        }
        const customer = seedCustomer(
          {
            country,
            companyName: billingProfile.companyName,
            domain: companyProfile.domain,
            ...(associatedPartnerId ? { associatedPartnerId } : {}),
          },
          call.now,
          {
            email: billingProfile.email,
            culture: billingProfile.culture,
            language: billingProfile.language,
            address,
            firstName: billingProfile.firstName ?? '',
            lastName: billingProfile.lastName ?? '',
            ...(registrationNumber ? { organizationRegistrationNumber: registrationNumber } : {}),
          },
        );
        return json(201, {
          ...customerView(customer),
          userCredentials: { userName: 'admin', password: newAdminPassword() },
        });
      },
    },
    {
      // The invitation link a customer follows to accept a reseller relationship (PCD
      // `request-reseller-relationship.md`, reference §3.5). Listed before `/v1/customers/{customerId}`.
      method: 'GET',
      template: '/v1/customers/relationshiprequests',
      resource: 'customers',
      appUserOnly: true,
      handle(call) {
        return json(200, {
          url: `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${partnerIdOf(call)}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`,
          attributes: { objectType: 'RelationshipRequest' },
        });
      },
    },
    {
      // Integration sandbox only (PCD `delete-a-customer-account-from-the-integration-sandbox.md`, §3.15): frees the
      // quota once nothing active remains. Partner Center refused a customer holding an Azure plan with a message
      // naming reserved instances (reference §5, issue 7; no code documented: 400 with code 0 here).
      method: 'DELETE',
      template: '/v1/customers/{customerId}',
      resource: 'customers',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        if (!behaviour.sandbox) {
          return errorA(403, 800019, 'Only integration sandbox customers can be deleted.');
        }
        const live = state
          .all('subscriptions')
          .filter(
            (subscription) => subscription.customerId === customer.id && subscription.status === 'active',
          );
        if (live.length > 0) {
          const orders = [...new Set(live.map((subscription) => subscription.orderId))].join(', ');
          return errorA(
            400,
            0,
            `Customer relationship cannot be removed due to active Azure reserved instances.Please cancel the following orders: ${orders}`,
          );
        }
        state.put('customers', { ...customer, deletedAt: call.now.toISOString() });
        return { status: 204, body: undefined };
      },
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}',
      resource: 'customers',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        return isCustomer(customer) ? json(200, customerView(customer)) : customer;
      },
    },
    {
      method: 'GET',
      template: '/v1/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: agreementMetadata,
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: createAgreement,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: listAgreements,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/directSignedMicrosoftCustomerAgreementStatus',
      resource: 'agreements',
      appUserOnly: true,
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        return isCustomer(customer) ? json(200, { isSigned: customer.directSigned }) : customer;
      },
    },
    ...catalogRoutes(),
    { method: 'POST', template: '/v1/customers/{customerId}/carts', resource: 'carts', handle: createCart },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/carts/{cartId}',
      resource: 'carts',
      handle(call) {
        const found = cartOr404(call);
        if (!('cart' in found)) return found;
        if (
          found.cart.status === 'Active' &&
          Date.parse(found.cart.expirationTimestamp) <= call.now.getTime()
        ) {
          return notFound(800008, `Cart ${found.cart.id} can't be retrieved: it expired.`);
        }
        return json(200, cartView(found.cart));
      },
    },
    {
      method: 'PUT',
      template: '/v1/customers/{customerId}/carts/{cartId}',
      resource: 'carts',
      handle: updateCart,
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/carts/{cartId}/checkout',
      resource: 'carts',
      handle: checkout,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders',
      resource: 'orders',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        const lagMs = dice.on('orderListLag') ? dice.settings().listLagMs : behaviour.orderListDelayMs;
        const visibleBefore = call.now.getTime() - lagMs;
        const items = state
          .all('orders')
          .filter(
            (order) => order.customerId === customer.id && Date.parse(order.creationDate) <= visibleBefore,
          )
          .map(orderView);
        return json(200, collection(items));
      },
    },
    {
      // Integration sandbox only (PCD `cancel-an-order-from-the-integration-sandbox.md`, reference §3.15, §6):
      // reservations, software and marketplace orders; an Azure plan is not cancelled by its order; orders older
      // than 60 days cannot be cancelled. The docs name no code for the last two refusals: 400 with code 0.
      method: 'PATCH',
      template: '/v1/customers/{customerId}/orders/{orderId}',
      resource: 'orders',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        const order = state.get('orders', call.params.orderId ?? '');
        if (order?.customerId !== customer.id) {
          return notFound(800006, `Order ${call.params.orderId} was not found.`);
        }
        const body = lowerCaseKeys(call.body) as { status?: unknown } | undefined;
        if (typeof body?.status !== 'string' || body.status.toLowerCase() !== 'cancelled') {
          return invalidInput('Only { "status": "cancelled" } is accepted on an order.');
        }
        if (!behaviour.sandbox) {
          return errorA(
            403,
            800019,
            "Non-Sandbox tenants aren't allowed to cancel purchases other than software subscriptions and perpetual software",
          );
        }
        const kinds = order.lineItems.map((line) => parseCatalogItemId(line.offerId)?.kind);
        if (kinds.some((kind) => kind === 'azurePlan' || kind === 'legacyAzure')) {
          return errorA(
            400,
            0,
            `Order ${order.id} buys an Azure plan: cancel it by updating its subscription.`,
          );
        }
        if (call.now.getTime() - Date.parse(order.creationDate) > 60 * 86_400_000) {
          return errorA(400, 0, `Order ${order.id} is older than 60 days and cannot be cancelled.`);
        }
        state.atomically(() => {
          state.put('orders', { ...order, status: 'cancelled' });
          for (const subscription of state.all('subscriptions')) {
            if (subscription.orderId === order.id)
              state.put('subscriptions', { ...subscription, status: 'deleted' });
          }
        });
        return json(200, orderView(state.get('orders', order.id)!));
      },
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders/{orderId}',
      resource: 'orders',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        const order = state.get('orders', call.params.orderId ?? '');
        return order?.customerId === customer.id
          ? json(200, orderView(order))
          : notFound(800006, `Order ${call.params.orderId} was not found.`);
      },
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders/{orderId}/provisioningstatus',
      resource: 'orders',
      appUserOnly: true,
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        const order = state.get('orders', call.params.orderId ?? '');
        if (order?.customerId !== customer.id)
          return notFound(800006, `Order ${call.params.orderId} was not found.`);
        const status =
          order.status === 'completed'
            ? 'fulfilled'
            : order.status === 'cancelled'
              ? 'Unfulfilled'
              : 'PrefulfillmentPending';
        const items = order.lineItems.map((line) => ({
          orderLineItemId: line.lineItemNumber,
          lineItemNumber: line.lineItemNumber,
          status,
          quantityProvisioningInformation: [{ quantity: line.quantity, status }],
        }));
        return json(200, collection(items));
      },
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions',
      resource: 'subscriptions',
      handle(call) {
        const customer = customerOr404(call.params.customerId);
        if (!isCustomer(customer)) return customer;
        const orderId = call.query.get('order_id');
        const items = state
          .all('subscriptions')
          .filter((s) => s.customerId === customer.id && (orderId === null || s.orderId === orderId))
          .map(subscriptionView);
        return json(200, collection(items));
      },
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => json(200, subscriptionView(subscription))),
    },
    {
      method: 'PATCH',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}',
      resource: 'subscriptions',
      handle: patchSubscription,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
      resource: 'subscriptions',
      handle: listEntitlements,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements/{entitlementId}',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => {
          const entitlement = entitlementOr404(call, subscription);
          return 'status' in entitlement && 'subscriptionId' in entitlement
            ? json(200, entitlementView(entitlement))
            : entitlement;
        }),
    },
    {
      method: 'POST',
      template:
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements/{entitlementId}/cancel',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => {
          const entitlement = entitlementOr404(call, subscription);
          if (!('subscriptionId' in entitlement)) return entitlement;
          const body = parse(cancelEntitlementBody, call.body);
          if (!isParsed(body))
            return errorA(400, 800002, 'The Azure entitlement cancellation request content is required.');
          if (!['compromise', 'dispute', 'other'].includes(body.value.cancellationReason.toLowerCase())) {
            return errorA(400, 900307, `Cancellation reason '${body.value.cancellationReason} is invalid.`);
          }
          const updated = entitlement.inactiveAt
            ? entitlement
            : { ...entitlement, inactiveAt: addMs(call.now, behaviour.entitlementCancelDelayMs) };
          state.put('entitlements', updated);
          return json(200, entitlementView(updated));
        }),
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/registrations',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (customer, subscription) => {
          if (subscription.registrationStatus === 'notregistered') {
            state.put('subscriptions', {
              ...subscription,
              registrationStatus: 'registering',
              registeredAt: addMs(call.now, behaviour.registrationDelayMs),
              version: subscription.version + 1,
            });
          }
          return {
            status: 202,
            headers: {
              Location: `/customers/${customer.id}/subscriptions/${subscription.id}/registrationstatus`,
            },
          };
        }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/registrationstatus',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) =>
          json(200, {
            subscriptionId: subscription.id,
            status: subscription.registrationStatus,
            attributes: { objectType: 'SubscriptionRegistrationStatus' },
          }),
        ),
    },
    {
      method: 'POST',
      template: '/v1/productUpgrades/eligibility',
      resource: 'productUpgrades',
      appUserOnly: true,
      handle(call) {
        const found = upgradeCustomer(call);
        if (!('customer' in found)) return found;
        const { blocked: _blocked, ...result } = eligibility(found.customer.id);
        return json(200, { customerId: found.customer.id, productFamily: found.family, ...result });
      },
    },
    {
      method: 'POST',
      template: '/v1/productUpgrades',
      resource: 'productUpgrades',
      appUserOnly: true,
      handle(call) {
        const found = upgradeCustomer(call);
        if (!('customer' in found)) return found;
        const result = eligibility(found.customer.id);
        if (result.upgradeId)
          return { status: 202, headers: { Location: `productUpgrades/${result.upgradeId}` } };
        if (result.blocked) return result.blocked;
        if (!result.isEligible) return errorA(400, 800002, `Invalid request input. ${result.reason}`);
        // The transition needs the MCA at Partner Center (mission-anchors §2.4 "Prerequisites"). Which code Partner
        // Center answers is not documented; the checkout's 13605 is the one it uses for a missing MCA.
        if (!hasMca(found.customer)) return errorA(403, 13605, MCA_MISSING);
        const source = liveSubscriptions(found.customer.id, 'legacyAzure').find(
          (s) => s.status === 'active',
        )!;
        const upgrade: Upgrade = {
          id: randomUUID(),
          customerId: found.customer.id,
          productFamily: 'Azure',
          sourceSubscriptionId: source.id,
          createdAt: call.now.toISOString(),
          readyAt: addMs(call.now, behaviour.upgradeDelayMs),
          status: 'InProgress',
        };
        state.put('upgrades', upgrade);
        return { status: 202, headers: { Location: `productUpgrades/${upgrade.id}` } };
      },
    },
    {
      method: 'POST',
      template: '/v1/productUpgrades/{upgradeId}/status',
      resource: 'productUpgrades',
      appUserOnly: true,
      bodyIgnored: true,
      handle(call) {
        const upgrade = state.get('upgrades', (call.params.upgradeId ?? '').toLowerCase());
        if (!upgrade) return notFound(800002, `Product upgrade ${call.params.upgradeId} was not found.`);
        return json(200, {
          id: upgrade.id,
          status: upgrade.status,
          productFamily: upgrade.productFamily,
          lineItems: (upgrade.movedSubscriptionIds ?? [upgrade.sourceSubscriptionId]).map((sourceId) => {
            const source = state.get('subscriptions', sourceId);
            return {
              sourceProduct: { id: source?.legacyAzureSubscriptionId ?? sourceId, name: 'AzureSubscription' },
              targetProduct: { id: upgrade.targetSubscriptionId ?? '', name: 'Microsoft Azure plan' },
              ...(upgrade.upgradedDate ? { upgradedDate: upgrade.upgradedDate } : {}),
              status: upgrade.status,
            };
          }),
        });
      },
    },
  ];

  function catalogRoutes(): Route[] {
    const countryOf = (call: CallContext): string | SimResponse => {
      if (call.params.customerId !== undefined) {
        const customer = customerOr404(call.params.customerId);
        return isCustomer(customer) ? customer.country : customer;
      }
      const country = call.query.get('country');
      return country && /^[A-Za-z]{2}$/.test(country)
        ? country.toUpperCase()
        : invalidInput('country is required.');
    };
    const productFor = (call: CallContext) => findProduct(call.params.productId ?? '');
    const productMissing = (call: CallContext) =>
      notFound(800004, `Product ${call.params.productId} was not found.`);
    const withCountry = (call: CallContext, then: (country: string) => SimResponse) => {
      const country = countryOf(call);
      return typeof country === 'string' ? then(country) : country;
    };
    const scoped = (template: string) => [template, `/v1/customers/{customerId}${template.slice(3)}`];

    return [
      ...scoped('/v1/products').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const view = call.query.get('targetView');
            const items = products
              .filter((p) => !view || p.targetView.toLowerCase() === view.toLowerCase())
              .map((p) => productView(p, country));
            return json(200, collection(items));
          }),
      })),
      ...scoped('/v1/products/{productId}').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const product = productFor(call);
            return product ? json(200, productView(product, country)) : productMissing(call);
          }),
      })),
      ...scoped('/v1/products/{productId}/skus').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const product = productFor(call);
            return product ? json(200, collection([skuView(product, country)])) : productMissing(call);
          }),
      })),
      ...scoped('/v1/products/{productId}/skus/{skuId}').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const product = productFor(call);
            return product && call.params.skuId === '0001'
              ? json(200, skuView(product, country))
              : productMissing(call);
          }),
      })),
      ...scoped('/v1/products/{productId}/skus/{skuId}/availabilities').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const product = productFor(call);
            if (!product || call.params.skuId !== '0001') return productMissing(call);
            const scope = reservationScopeFrom(call.query.get('reservationScope'));
            const id = availabilityId(product.productId, country, generation(country), scope);
            return json(
              200,
              collection([availabilityView(product, country, id)], {
                links: {
                  self: link(
                    `/products/${product.productId}/skus/0001/availabilities?country=${country}&targetSegment=commercial`,
                  ),
                },
              }),
            );
          }),
      })),
      ...scoped('/v1/products/{productId}/skus/{skuId}/availabilities/{availabilityId}').map((template) => ({
        method: 'GET',
        template,
        resource: 'catalog',
        handle: (call: CallContext) =>
          withCountry(call, (country) => {
            const product = productFor(call);
            const ids = product
              ? [
                  availabilityId(product.productId, country, generation(country)),
                  availabilityId(product.productId, country, generation(country), 'MicrosoftAzure'),
                ]
              : [];
            const id = ids.find((candidate) => candidate === call.params.availabilityId);
            if (!product || !id) {
              return notFound(400019, `Availability ${call.params.availabilityId} not found.`);
            }
            return json(200, availabilityView(product, country, id));
          }),
      })),
    ];
  }

  function seedCustomer(
    input: SeedCustomer,
    _now: Date,
    profile: Partial<
      Pick<
        Customer,
        | 'email'
        | 'culture'
        | 'language'
        | 'address'
        | 'firstName'
        | 'lastName'
        | 'organizationRegistrationNumber'
      >
    > = {},
  ): Customer {
    // Partner Center assigns the id: a caller never chooses it (the service's own ids are not Partner Center's).
    const id = randomUUID();
    const domain = input.domain ?? `customer${id.slice(0, 8)}.onmicrosoft.com`;
    const customer: Customer = {
      id,
      commerceId: randomUUID(),
      companyName: input.companyName ?? `Customer ${id.slice(0, 8)}`,
      domain,
      email: profile.email ?? `admin@${domain}`,
      country: input.country.toUpperCase(),
      address: profile.address ?? {},
      billingProfileId: randomUUID(),
      firstName: profile.firstName ?? '',
      lastName: profile.lastName ?? '',
      culture: profile.culture ?? 'en-US',
      language: profile.language ?? 'en',
      relationshipToPartner: input.relationshipToPartner ?? 'reseller',
      directSigned: input.directSigned ?? false,
      ...(input.associatedPartnerId ? { associatedPartnerId: input.associatedPartnerId } : {}),
      ...(profile.organizationRegistrationNumber
        ? { organizationRegistrationNumber: profile.organizationRegistrationNumber }
        : {}),
    };
    state.put('customers', customer);
    return customer;
  }

  return {
    routes,
    settle,
    seedCustomer: (input, now) => seedCustomer(input, now),
    customerView,
    setDirectSigned(customerId, isSigned) {
      const customer = state.get('customers', customerId.toLowerCase());
      if (!customer) return false;
      state.put('customers', { ...customer, directSigned: isSigned });
      return true;
    },
    rotateAvailability(country) {
      const id = country.toUpperCase();
      state.put('catalogGenerations', { id, generation: generation(id) + 1 });
    },
    addAzureEntitlement(customerId, input, now) {
      const plan = liveSubscriptions(customerId.toLowerCase(), 'azurePlan')[0];
      if (!plan)
        return { ok: false, response: notFound(900318, `Customer ${customerId} has no Azure plan.`) };
      // Callers (the ARM simulator) may report the same Azure subscription more than once.
      const known = input.id ? state.get('entitlements', input.id.toLowerCase()) : undefined;
      if (known?.subscriptionId === plan.id) return { ok: true, entitlement: entitlementView(known) };
      const count = state.all('entitlements').filter((e) => e.subscriptionId === plan.id).length;
      if (behaviour.sandbox && count >= 3) {
        return {
          ok: false,
          response: errorA(
            400,
            900116,
            'The sandbox limit of 3 Azure subscriptions per Azure plan has been met.',
          ),
        };
      }
      const entitlement = newEntitlement(
        plan.customerId,
        plan.id,
        now,
        input.id?.toLowerCase(),
        input.friendlyName,
      );
      state.put('entitlements', entitlement);
      return { ok: true, entitlement: entitlementView(entitlement) };
    },
    findAzurePlan(customerId) {
      const plan = liveSubscriptions(customerId.toLowerCase(), 'azurePlan')[0];
      return plan ? { subscriptionId: plan.id, status: plan.status } : undefined;
    },
    seedLegacySubscription(customerId, input, now) {
      const customer = state.get('customers', customerId.toLowerCase());
      if (!customer) return undefined;
      const subscription = newSubscription(
        customer.id,
        'legacyAzure',
        LEGACY_AZURE_OFFER_ID,
        newOrderId(),
        now,
        {
          ...(input.azureSubscriptionId
            ? { legacyAzureSubscriptionId: input.azureSubscriptionId.toLowerCase() }
            : {}),
          legacyAzureSubscriptionStatus: input.azureSubscriptionStatus ?? 'active',
        },
      );
      state.put('subscriptions', subscription);
      return subscriptionView(subscription);
    },
  };
}
