import type { PartnerCenterBehaviour } from './behaviour';
import { LEGACY_AZURE_OFFER_ID } from './catalog';
import type { FaultDice } from './faults';
import { errorA, notFound, type SimResponse } from './responses';
import { agreementRoutes } from './routes/agreements';
import { cartRoutes } from './routes/carts';
import { catalogRoutes } from './routes/catalog';
import { customerRoutes, type SeedCustomer, seedCustomer } from './routes/customers';
import { orderRoutes } from './routes/orders';
import { productUpgradeRoutes } from './routes/productUpgrades';
import { newOrderId, type Route } from './routes/route';
import { createSimulation } from './routes/simulation';
import { subscriptionRoutes } from './routes/subscriptions';
import type { Customer, SimulatorState } from './state';
import { customerView, entitlementView, subscriptionView } from './views';

export { defaultBehaviour, LEGACY_OFFER_CUTOFF, type PartnerCenterBehaviour } from './behaviour';
export { relationshipsToPartner, type RelationshipToPartner, type SeedCustomer } from './routes/customers';
export { type CallContext, CLOUD_AGREEMENT_TEMPLATE_ID, MCA_TEMPLATE_ID, type Route } from './routes/route';

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

/**
 * The simulated Partner Center: its routes (one file per area of the reference under routes/, in the order they are
 * matched) over one state, and what the simulator's controls and the ARM simulator call beside the HTTP API.
 */
export function createPartnerCenterModel(
  state: SimulatorState,
  behaviour: PartnerCenterBehaviour,
  dice: FaultDice,
): PartnerCenterModel {
  const simulation = createSimulation(state, behaviour, dice);
  const { generation, liveSubscriptions, newEntitlement, newSubscription, settle } = simulation;
  // `/v1/customers/relationshiprequests` (customers) comes before `/v1/customers/{customerId}`: order matters.
  const routes: Route[] = [
    ...customerRoutes(simulation),
    ...agreementRoutes(simulation),
    ...catalogRoutes(simulation),
    ...cartRoutes(simulation),
    ...orderRoutes(simulation),
    ...subscriptionRoutes(simulation),
    ...productUpgradeRoutes(simulation),
  ];

  return {
    routes,
    settle,
    seedCustomer: (input) => seedCustomer(state, input),
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
