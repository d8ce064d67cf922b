import { lowerCaseKeys } from '../bodies';
import { parseCatalogItemId } from '../catalog';
import { collection, errorA, invalidInput, json, notFound } from '../responses';
import { orderView } from '../views';
import type { Route } from './route';
import type { Simulation } from './simulation';

/** Orders: list, read, provisioning status (reference §3.9), cancel in the sandbox (§3.15). */
export function orderRoutes(sim: Simulation): Route[] {
  const { state, behaviour, dice, forCustomer } = sim;

  return [
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders',
      resource: 'orders',
      handle: forCustomer((call, customer) => {
        const lagMs = dice.on('orderListLag') ? dice.settings().listLagMs : behaviour.orderListDelayMs;
        const visibleBefore = call.now.getTime() - lagMs;
        const items = state
          .all('orders')
          .filter(
            (order) => order.customerId === customer.id && Date.parse(order.creationDate) <= visibleBefore,
          )
          .map(orderView);
        return json(200, collection(items));
      }),
    },
    {
      // Integration sandbox only (PCD `cancel-an-order-from-the-integration-sandbox.md`, reference §3.15, §6):
      // reservations, software and marketplace orders; an Azure plan is not cancelled by its order; orders older
      // than 60 days cannot be cancelled. The docs name no code for the last two refusals: 400 with code 0.
      method: 'PATCH',
      template: '/v1/customers/{customerId}/orders/{orderId}',
      resource: 'orders',
      handle: forCustomer((call, customer) => {
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
      }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders/{orderId}',
      resource: 'orders',
      handle: forCustomer((call, customer) => {
        const order = state.get('orders', call.params.orderId ?? '');
        return order?.customerId === customer.id
          ? json(200, orderView(order))
          : notFound(800006, `Order ${call.params.orderId} was not found.`);
      }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/orders/{orderId}/provisioningstatus',
      resource: 'orders',
      appUserOnly: true,
      handle: forCustomer((call, customer) => {
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
      }),
    },
  ];
}
