import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { type AzureEntitlement } from '../domain/api/azureEntitlement';
import { type Collection, toCollection } from '../domain/api/collection';
import { type Order, toOrder } from '../domain/api/order';
import { type Subscription } from '../domain/api/subscription';
import { azurePlanProduct } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import {
  type AzureEntitlementsPort,
  type CustomersPort,
  type OrdersPort,
  type SubscriptionsPort,
} from '../gateways/partnerCenter/ports';
import { type CommerceRepository } from './commerceRepository';
import { toApiAzureEntitlement, toApiOrder, toApiSubscription } from './commerceViews';

export interface CustomerHoldingsDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  records: Pick<CommerceRepository, 'listSubscriptions' | 'listOrders' | 'readOrder' | 'listEntitlements'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> &
    Pick<SubscriptionsPort, 'listSubscriptions' | 'getSubscription'> &
    Pick<OrdersPort, 'listOrders' | 'getOrder'> &
    Pick<AzureEntitlementsPort, 'listAzureEntitlements'>;
}

const byCreation = (a: { creationDate: string; id: string }, b: { creationDate: string; id: string }) =>
  a.creationDate.localeCompare(b.creationDate) || a.id.localeCompare(b.id);

/** True when the subscription is an Azure plan (its offer id is the plan's catalog id of some country). */
export function isAzurePlanOffer(offerId: string): boolean {
  return offerId.toUpperCase().startsWith(`${azurePlanProduct.productId}:`);
}

/**
 * What a customer has, read from Partner Center (the truth of state and ids) and joined with the service's records
 * of the purchases that produced it.
 */
export function createCustomerHoldings(deps: CustomerHoldingsDependencies) {
  const { records, partnerCenter } = deps;
  /** Partner Center's id of the customer (the path id is only ours). */
  const partnerCenterIdOf = async (customerId: string, correlationId: string) =>
    (await requirePartnerCenterCustomer(deps, customerId, correlationId)).partnerCenterCustomerId;

  async function orderFromPartnerCenter(pcCustomerId: string, orderId: string, correlationId: string) {
    try {
      return await partnerCenter.getOrder(pcCustomerId, orderId, { correlationId });
    } catch (error) {
      if (error instanceof PartnerCenterError && error.httpStatus === 404) return undefined;
      throw error;
    }
  }

  return {
    async listSubscriptions(customerId: string, correlationId: string): Promise<Collection<Subscription>> {
      const pcCustomerId = await partnerCenterIdOf(customerId, correlationId);
      const [held, recorded] = await Promise.all([
        partnerCenter.listSubscriptions(pcCustomerId, { correlationId }),
        records.listSubscriptions(customerId),
      ]);
      const recordById = new Map(recorded.map((record) => [record.id, record]));
      const items = held.map((subscription) =>
        toApiSubscription(subscription, recordById.get(subscription.id)),
      );
      return toCollection(items.sort(byCreation));
    },

    async listAzureEntitlements(
      customerId: string,
      planSubscriptionId: string,
      correlationId: string,
    ): Promise<Collection<AzureEntitlement>> {
      const pcCustomerId = await partnerCenterIdOf(customerId, correlationId);
      const plan = await partnerCenter.getSubscription(pcCustomerId, planSubscriptionId, { correlationId });
      if (plan === undefined || !isAzurePlanOffer(plan.offerId)) {
        throw new AppError(
          'SubscriptionNotFound',
          `Customer ${customerId} has no Azure plan subscription ${planSubscriptionId}; only an Azure plan has Azure subscriptions under it.`,
        );
      }
      const [held, recorded] = await Promise.all([
        partnerCenter.listAzureEntitlements(pcCustomerId, planSubscriptionId, { correlationId }),
        records.listEntitlements(customerId, planSubscriptionId),
      ]);
      const recordById = new Map(recorded.map((record) => [record.id, record]));
      const items = held.map((entitlement) =>
        toApiAzureEntitlement(entitlement, planSubscriptionId, recordById.get(entitlement.id)),
      );
      return toCollection(
        items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
      );
    },

    /**
     * Partner Center's order list omits orders younger than about 15 minutes; the service's own records fill the
     * gap (each read back from Partner Center by id, which is not delayed).
     */
    async listOrders(customerId: string, correlationId: string): Promise<Collection<Order>> {
      const pcCustomerId = await partnerCenterIdOf(customerId, correlationId);
      const [listed, recorded] = await Promise.all([
        partnerCenter.listOrders(pcCustomerId, { correlationId }),
        records.listOrders(customerId),
      ]);
      const recordById = new Map(recorded.map((record) => [record.id, record]));
      const listedIds = new Set(listed.map((order) => order.id));
      const missing = await Promise.all(
        recorded
          .filter((record) => !listedIds.has(record.id))
          .map(async (record) => {
            const order = await orderFromPartnerCenter(pcCustomerId, record.id, correlationId);
            return order === undefined ? toOrder(record) : toApiOrder(order, record);
          }),
      );
      const items = [...listed.map((order) => toApiOrder(order, recordById.get(order.id))), ...missing];
      return toCollection(items.sort(byCreation));
    },

    async getOrder(customerId: string, orderId: string, correlationId: string): Promise<Order> {
      const pcCustomerId = await partnerCenterIdOf(customerId, correlationId);
      const [order, record] = await Promise.all([
        orderFromPartnerCenter(pcCustomerId, orderId, correlationId),
        records.readOrder(customerId, orderId),
      ]);
      if (order === undefined) {
        throw new AppError('NotFound', `Customer ${customerId} has no order ${orderId}.`);
      }
      return toApiOrder(order, record);
    },
  };
}

export type CustomerHoldings = ReturnType<typeof createCustomerHoldings>;
