import { type CommerceOperationStore, type InRequestWait } from '../../../shared/commerce/commerceOperations';
import { type CommerceRepository } from '../../../shared/commerce/commerceRepository';
import { type CommerceOperationDocument } from '../../../shared/domain/documents/commerceOperation';
import {
  type CustomerDocument,
  type EntitlementDocument,
  type OrderDocument,
  type SubscriptionDocument,
} from '../../../shared/domain/documents/documents';
import { type Clock } from '../../../shared/platform/clock';

/** In-memory stand-ins for the stores the commerce use cases write, with ETags like Cosmos's. */

export const fixedClock: Clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

/** No waiting: the in-request wait takes `attempts` steps back to back (tests move Microsoft in between). */
export function noWait(attempts = 1, between?: () => void): InRequestWait {
  return {
    attempts,
    intervalMs: 0,
    sleep: () => {
      between?.();
      return Promise.resolve();
    },
  };
}

export function operationStore(): CommerceOperationStore & { all(): CommerceOperationDocument[] } {
  const byId = new Map<string, CommerceOperationDocument>();
  let version = 0;
  const stamp = (operation: CommerceOperationDocument) => {
    version += 1;
    const stored = { ...operation, _etag: `"${version}"` };
    byId.set(operation.id, stored);
    return structuredClone(stored);
  };
  return {
    all: () => [...byId.values()],
    createOrGet(operation) {
      const existing = byId.get(operation.id);
      return Promise.resolve(existing ? structuredClone(existing) : stamp(operation));
    },
    get(_customerId, operationId) {
      const found = byId.get(operationId);
      return Promise.resolve(found ? structuredClone(found) : undefined);
    },
    replace(operation) {
      const current = byId.get(operation.id);
      if (current?._etag !== operation._etag) return Promise.resolve('changed' as const);
      return Promise.resolve(stamp(operation));
    },
  };
}

export function customerStore(...customers: CustomerDocument[]) {
  const byId = new Map(customers.map((customer) => [customer.customerId, { ...customer, _etag: '"c1"' }]));
  return {
    byId,
    get: (customerId: string) => Promise.resolve(byId.get(customerId)),
    update: (customerId: string, change: (customer: CustomerDocument) => CustomerDocument | undefined) => {
      const current = byId.get(customerId);
      const next = current && change(current);
      if (next) byId.set(customerId, { ...next, _etag: `"${Math.random()}"` });
      return Promise.resolve(byId.get(customerId));
    },
  };
}

/** The records of orders, subscriptions and entitlements (the parts of the repository the use cases call). */
export function commerceRecords(initial: { subscriptions?: SubscriptionDocument[] } = {}) {
  const orders = new Map<string, OrderDocument>();
  const subscriptions = new Map<string, SubscriptionDocument>(
    (initial.subscriptions ?? []).map((s) => [s.id, { ...s, _etag: '"s1"' }]),
  );
  const entitlements = new Map<string, EntitlementDocument>();
  const records = {
    orders,
    subscriptions,
    entitlements,
    listSubscriptions: () => Promise.resolve([...subscriptions.values()]),
    listOrders: () => Promise.resolve([...orders.values()]),
    readOrder: (_customerId: string, id: string) => Promise.resolve(orders.get(id)),
    listEntitlements: (_customerId: string, plan: string) =>
      Promise.resolve([...entitlements.values()].filter((e) => e.subscriptionId === plan)),
    readEntitlement: (_customerId: string, id: string) => Promise.resolve(entitlements.get(id)),
    recordEntitlement: (entitlement: EntitlementDocument) => {
      if (!entitlements.has(entitlement.id)) entitlements.set(entitlement.id, entitlement);
      return Promise.resolve(entitlements.get(entitlement.id)!);
    },
    readSubscription: (_customerId: string, id: string) => Promise.resolve(subscriptions.get(id)),
    replaceSubscription: (subscription: SubscriptionDocument) => {
      const current = subscriptions.get(subscription.id);
      if (current?._etag !== subscription._etag) return Promise.resolve('changed' as const);
      const written = { ...subscription, _etag: `"${Math.random()}"` };
      subscriptions.set(subscription.id, written);
      return Promise.resolve(written);
    },
    placeReservationOrder: (order: OrderDocument, subscription: SubscriptionDocument) => {
      orders.set(order.id, order);
      subscriptions.set(subscription.id, subscription);
      return Promise.resolve();
    },
    placeLegacyOrder: (input: {
      customer: CustomerDocument;
      order: OrderDocument;
      subscriptions: SubscriptionDocument[];
    }) => {
      orders.set(input.order.id, input.order);
      for (const subscription of input.subscriptions) subscriptions.set(subscription.id, subscription);
      return Promise.resolve('placed' as const);
    },
  } satisfies Partial<Record<keyof CommerceRepository, unknown>> & Record<string, unknown>;
  return records;
}
