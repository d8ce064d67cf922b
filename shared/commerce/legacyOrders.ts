import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { requireCustomer } from '../customers/requireCustomer';
import { type LegacyOrderRequest, legacyOrderRequestSchema } from '../domain/api/legacyOffer';
import { type CommerceOperationDocument } from '../domain/documents/commerceOperation';
import { legacyAzureOffer } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { assertLegacyOfferPurchasable, legacyOrder } from '../domain/rules/legacyOffer';
import { type CartsPort, type CustomersPort, type OrdersPort } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import {
  type Advance,
  type CommerceOperationStore,
  type InRequestWait,
  saveOperation,
  startOperation,
} from './commerceOperations';
import { type CommerceRepository } from './commerceRepository';

export interface LegacyOrderDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  operations: CommerceOperationStore;
  records: Pick<CommerceRepository, 'readOrder' | 'placeLegacyOrder'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> & CartsPort & Pick<OrdersPort, 'getOrder'>;
  clock: Clock;
  wait: InRequestWait;
}

/**
 * Microsoft Azure (MS-AZR-0145P) orders through a Partner Center cart. Partner Center refuses the line once the
 * customer has an Azure plan (500600); the service refuses it first from its own records, and while a purchase or
 * transition of the customer runs. The order is recorded with Partner Center's ids once it is provisioned.
 */
export function createLegacyOrderUseCases(deps: LegacyOrderDependencies) {
  const { operations, clock, partnerCenter } = deps;

  /** The customer's anchor grows the new subscriptions, conditionally on its ETag (re-read on a lost race). */
  async function record(operation: CommerceOperationDocument, request: LegacyOrderRequest, orderId: string) {
    const lineSubscriptionIds = async () => {
      const correlationId = operation.correlationId ?? operation.id;
      const { partnerCenterCustomerId } = await requirePartnerCenterCustomer(
        deps,
        operation.customerId,
        correlationId,
      );
      const order = await partnerCenter.getOrder(partnerCenterCustomerId, orderId, { correlationId });
      if (order.status.toLowerCase() !== 'completed') return undefined;
      const ids = order.lineItems.map((line) => line.subscriptionId ?? undefined);
      return ids.every((id) => id !== undefined) ? ids : undefined;
    };
    const subscriptionIds = await lineSubscriptionIds();
    if (subscriptionIds === undefined) return false;
    await retryOnConflict(`Customer ${operation.customerId}`, async () => {
      if ((await deps.records.readOrder(operation.customerId, orderId)) !== undefined) return true;
      const customer = await requireCustomer(deps.customers, operation.customerId);
      const placed = legacyOrder({
        customer,
        request,
        orderId,
        lines: subscriptionIds.map((subscriptionId) => ({ subscriptionId })),
        correlationId: operation.correlationId ?? operation.id,
        now: clock.now(),
      });
      const written = await deps.records.placeLegacyOrder({
        ...placed,
        order: { ...placed.order, purchaseId: operation.id },
      });
      return written === 'placed' ? true : lostRace;
    });
    return true;
  }

  const advance: Advance = async (operation) => {
    const request = legacyOrderRequestSchema.parse(operation.request);
    const context = { correlationId: operation.correlationId ?? operation.id };
    if (operation.progress.orderId === undefined) {
      const { partnerCenterCustomerId } = await requirePartnerCenterCustomer(
        deps,
        operation.customerId,
        context.correlationId,
      );
      if (operation.progress.cartId === undefined) {
        const cart = await partnerCenter.createCart(
          partnerCenterCustomerId,
          request.lineItems.map((line) => ({
            catalogItemId: legacyAzureOffer.offerId,
            quantity: line.quantity,
            billingCycle: 'monthly',
            ...(line.friendlyName ? { friendlyName: line.friendlyName } : {}),
          })),
          { ...context, stepKey: `legacyOrder:${operation.id}:cart` },
        );
        operation = await saveOperation(
          operations,
          operation,
          { progress: { ...operation.progress, cartId: cart.id } },
          clock,
        );
      }
      const cartId = operation.progress.cartId;
      if (cartId === undefined) return operation;
      const result = await partnerCenter.checkout(partnerCenterCustomerId, cartId, {
        ...context,
        stepKey: `legacyOrder:${operation.id}:checkout`,
      });
      const orderId = result.orders[0]?.id;
      if (orderId === undefined) throw new AppError('PartnerCenterRejected', 'The checkout placed no order.');
      operation = await saveOperation(
        operations,
        operation,
        { progress: { ...operation.progress, orderId } },
        clock,
      );
    }
    const orderId = operation.progress.orderId;
    if (orderId === undefined || !(await record(operation, request, orderId))) return operation;
    return saveOperation(operations, operation, { status: 'succeeded', result: { orderId } }, clock);
  };

  return {
    advance,

    async start(input: {
      customerId: string;
      request: LegacyOrderRequest;
      operationId: string;
      correlationId: string;
    }): Promise<CommerceOperationDocument> {
      const customer = await requireCustomer(deps.customers, input.customerId);
      assertLegacyOfferPurchasable(customer);
      return startOperation({ operations, clock, wait: deps.wait }, advance, {
        id: input.operationId,
        customerId: input.customerId,
        kind: 'legacyOrder',
        request: input.request,
        correlationId: input.correlationId,
      });
    },
  };
}

export type LegacyOrderUseCases = ReturnType<typeof createLegacyOrderUseCases>;
