import { randomUUID } from 'node:crypto';

import type { PartnerCenterBehaviour } from '../behaviour';
import { availabilityId, AZURE_PLAN_PRODUCT_ID, findProduct } from '../catalog';
import type { FaultDice } from '../faults';
import { errorA, notFound, type SimResponse } from '../responses';
import type { Customer, Entitlement, Order, SimulatorState, Subscription, Upgrade } from '../state';
import { addMs, type CallContext, GUID, MCA } from './route';

/**
 * What the route files share: the state, the behaviour and the fault dice, the lookups, the customer guard written
 * once (`forCustomer`: a route under `/v1/customers/{customerId}` answers 400 900118 for an id that is not a GUID
 * and 404 600008 for an unknown or deleted customer before it does anything else), and fulfilment: the timed
 * transitions (provisioning, cancellation, registration, upgrades) that `settle` applies when they are due.
 */
export interface Simulation {
  readonly state: SimulatorState;
  readonly behaviour: PartnerCenterBehaviour;
  readonly dice: FaultDice;
  customerOr404: (id: string | undefined) => Customer | SimResponse;
  isCustomer: (value: Customer | SimResponse) => value is Customer;
  /** The route's handler, called only for a customer that exists (the guard above). */
  forCustomer: (
    handle: (call: CallContext, customer: Customer) => SimResponse,
  ) => (call: CallContext) => SimResponse;
  /** `forCustomer`, then 404 800001 unless `{subscriptionId}` is one of that customer's subscriptions. */
  withSubscription: (
    call: CallContext,
    then: (customer: Customer, subscription: Subscription) => SimResponse,
  ) => SimResponse;
  subscriptionOf: (customerId: string, id: string | undefined) => Subscription | undefined;
  generation: (country: string) => number;
  liveSubscriptions: (customerId: string, kind: Subscription['kind']) => Subscription[];
  pendingOrdersWith: (customerId: string | undefined, kind: Subscription['kind']) => Order[];
  hasAzurePlan: (customerId: string) => boolean;
  hasMca: (customer: Customer) => boolean;
  newSubscription: (
    customerId: string,
    kind: Subscription['kind'],
    offerId: string,
    orderId: string,
    now: Date,
    overrides?: Partial<Subscription>,
  ) => Subscription;
  newEntitlement: (
    customerId: string,
    planId: string,
    now: Date,
    id?: string,
    friendlyName?: string,
  ) => Entitlement;
  /** Applies every timed transition that is due at `now`. */
  settle: (now: Date) => void;
}

export function createSimulation(
  state: SimulatorState,
  behaviour: PartnerCenterBehaviour,
  dice: FaultDice,
): Simulation {
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

  function forCustomer(
    handle: (call: CallContext, customer: Customer) => SimResponse,
  ): (call: CallContext) => SimResponse {
    return (call) => {
      const customer = customerOr404(call.params.customerId);
      return isCustomer(customer) ? handle(call, customer) : customer;
    };
  }

  function withSubscription(
    call: CallContext,
    then: (customer: Customer, subscription: Subscription) => SimResponse,
  ): SimResponse {
    return forCustomer((_call, customer) => {
      const subscription = subscriptionOf(customer.id, call.params.subscriptionId);
      if (!subscription) return notFound(800001, `Subscription ${call.params.subscriptionId} was not found.`);
      return then(customer, subscription);
    })(call);
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

  return {
    state,
    behaviour,
    dice,
    customerOr404,
    isCustomer,
    forCustomer,
    withSubscription,
    subscriptionOf,
    generation,
    liveSubscriptions,
    pendingOrdersWith,
    hasAzurePlan,
    hasMca,
    newSubscription,
    newEntitlement,
    settle,
  };
}
