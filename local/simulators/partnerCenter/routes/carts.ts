import { randomUUID } from 'node:crypto';

import { LEGACY_OFFER_CUTOFF } from '../behaviour';
import { type CartBody, cartBody } from '../bodies';
import { availabilityId, parseCatalogItemId } from '../catalog';
import { errorA, json, notFound, type SimResponse } from '../responses';
import type { Cart, CartLine, CartLineError, Customer, Order } from '../state';
import { cartView, orderView } from '../views';
import { addMs, type CallContext, isParsed, MCA_MISSING, newOrderId, parse, type Route } from './route';
import type { Simulation } from './simulation';

/** Carts and checkout (reference §3.7 create cart, §3.8 checkout). */
export function cartRoutes(sim: Simulation): Route[] {
  const {
    state,
    behaviour,
    dice,
    forCustomer,
    subscriptionOf,
    generation,
    liveSubscriptions,
    pendingOrdersWith,
    hasAzurePlan,
    hasMca,
    settle,
  } = sim;

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

  function createCart(call: CallContext, customer: Customer): SimResponse {
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

  function cartOr404(call: CallContext, customer: Customer): { cart: Cart } | SimResponse {
    const cart = state.get('carts', (call.params.cartId ?? '').toLowerCase());
    if (!cart || cart.customerId !== customer.id)
      return notFound(800008, `Cart ${call.params.cartId} can't be retrieved.`);
    return { cart };
  }

  function updateCart(call: CallContext, customer: Customer): SimResponse {
    const found = cartOr404(call, customer);
    if (!('cart' in found)) return found;
    const { cart } = found;
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

  function checkout(call: CallContext, customer: Customer): SimResponse {
    const found = cartOr404(call, customer);
    if (!('cart' in found)) return found;
    const { cart } = found;
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
  return [
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/carts',
      resource: 'carts',
      handle: forCustomer(createCart),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/carts/{cartId}',
      resource: 'carts',
      handle: forCustomer((call, customer) => {
        const found = cartOr404(call, customer);
        if (!('cart' in found)) return found;
        if (
          found.cart.status === 'Active' &&
          Date.parse(found.cart.expirationTimestamp) <= call.now.getTime()
        ) {
          return notFound(800008, `Cart ${found.cart.id} can't be retrieved: it expired.`);
        }
        return json(200, cartView(found.cart));
      }),
    },
    {
      method: 'PUT',
      template: '/v1/customers/{customerId}/carts/{cartId}',
      resource: 'carts',
      handle: forCustomer(updateCart),
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/carts/{cartId}/checkout',
      resource: 'carts',
      handle: forCustomer(checkout),
    },
  ];
}
