import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { requireCustomer } from '../customers/requireCustomer';
import { type ReservationRequest, reservationRequestSchema } from '../domain/api/reservation';
import { type CommerceOperationDocument } from '../domain/documents/commerceOperation';
import { AppError } from '../domain/errors';
import { checkReservation, provisioningContextFor, reservationOrder } from '../domain/rules/reservations';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import {
  type CartsPort,
  type CatalogPort,
  type CustomersPort,
  type OrdersPort,
  type RegistrationsPort,
} from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import {
  type Advance,
  type CommerceOperationStore,
  type InRequestWait,
  saveOperation,
  startOperation,
} from './commerceOperations';
import { type CommerceRepository } from './commerceRepository';

export interface ReservationDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  operations: CommerceOperationStore;
  records: Pick<CommerceRepository, 'readOrder' | 'placeReservationOrder'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> &
    RegistrationsPort &
    Pick<CatalogPort, 'getAvailability'> &
    CartsPort &
    Pick<OrdersPort, 'getOrder'>;
  reservationsUnavailable: ReadonlySet<string>;
  clock: Clock;
  wait: InRequestWait;
}

/** Partner Center's code for a catalog availability that is no longer current: the cart is built again. */
const staleAvailability = 400019;

/**
 * Azure reservations bought through Partner Center: the plan is registered for reservations first (asynchronous),
 * then a cart with the reservation line and its `provisioningContext` (shared scope only) is checked out, and the
 * order is recorded once Partner Center has provisioned its subscription.
 */
export function createReservationUseCases(deps: ReservationDependencies) {
  const { operations, clock, partnerCenter } = deps;

  async function placeCart(
    operation: CommerceOperationDocument,
    request: ReservationRequest,
  ): Promise<CommerceOperationDocument | undefined> {
    const context = { correlationId: operation.correlationId ?? operation.id };
    const plan = request.azurePlanSubscriptionId;
    const { customer, partnerCenterCustomerId } = await requirePartnerCenterCustomer(
      deps,
      operation.customerId,
      context.correlationId,
    );
    const registration = await partnerCenter.getRegistrationStatus(partnerCenterCustomerId, plan, context);
    if (registration !== 'registered') {
      if (registration === 'notregistered' && !operation.progress.registrationRequested) {
        await partnerCenter.registerSubscription(partnerCenterCustomerId, plan, {
          ...context,
          stepKey: `reservation:${operation.id}:register`,
        });
        return saveOperation(
          operations,
          operation,
          { progress: { ...operation.progress, registrationRequested: true } },
          clock,
        );
      }
      return undefined;
    }
    const availability = await partnerCenter.getAvailability(
      request.productId,
      request.skuId,
      customer.country,
      context,
      // Bought against the Azure plan: without this scope the catalog item would be a 0145P one (§3.6–3.7).
      { reservationScope: 'AzurePlan' },
    );
    if (availability === undefined) {
      throw new AppError(
        'ReservationNotAvailable',
        `Partner Center sells no ${request.productId}:${request.skuId} in ${customer.country}.`,
      );
    }
    const cart = await partnerCenter.createCart(
      partnerCenterCustomerId,
      [
        {
          catalogItemId: availability.catalogItemId,
          quantity: request.quantity,
          billingCycle: request.billingCycle,
          termDuration: request.termDuration,
          provisioningContext: provisioningContextFor(plan, request.termDuration),
        },
      ],
      // A rebuilt cart (stale availability) is a new step: it must not be answered with the first cart.
      { ...context, stepKey: `reservation:${operation.id}:cart:${availability.catalogItemId}` },
    );
    // The cart id is written BEFORE checkout: it is what makes the purchase happen at most once.
    return saveOperation(
      operations,
      operation,
      { progress: { ...operation.progress, cartId: cart.id } },
      clock,
    );
  }

  const advance: Advance = async (operation) => {
    const request = reservationRequestSchema.parse(operation.request);
    const context = { correlationId: operation.correlationId ?? operation.id };
    const partnerCenterCustomerId = async () =>
      (await requirePartnerCenterCustomer(deps, operation.customerId, context.correlationId))
        .partnerCenterCustomerId;
    if (operation.progress.orderId === undefined) {
      if (operation.progress.cartId === undefined) {
        const withCart = await placeCart(operation, request);
        if (withCart === undefined) return operation;
        operation = withCart;
        if (operation.progress.cartId === undefined) return operation;
      }
      const cartId = operation.progress.cartId;
      let result;
      try {
        result = await partnerCenter.checkout(await partnerCenterCustomerId(), cartId, {
          ...context,
          stepKey: `reservation:${operation.id}:checkout:${cartId}`,
        });
      } catch (error) {
        if (error instanceof PartnerCenterError && error.partnerCenterCode === staleAvailability) {
          const { cartId: _stale, ...progress } = operation.progress;
          return saveOperation(operations, operation, { progress }, clock);
        }
        throw error;
      }
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
    if (orderId === undefined) return operation;
    const order = await partnerCenter.getOrder(await partnerCenterCustomerId(), orderId, context);
    const subscriptionId = order.lineItems[0]?.subscriptionId;
    if (order.status.toLowerCase() !== 'completed' || !subscriptionId) return operation;
    if ((await deps.records.readOrder(operation.customerId, orderId)) === undefined) {
      const { order: orderRecord, subscription } = reservationOrder({
        customerId: operation.customerId,
        request,
        orderId,
        reservationSubscriptionId: subscriptionId,
        correlationId: operation.correlationId ?? operation.id,
        now: clock.now(),
      });
      await deps.records.placeReservationOrder({ ...orderRecord, purchaseId: operation.id }, subscription);
    }
    return saveOperation(operations, operation, { status: 'succeeded', result: { orderId } }, clock);
  };

  return {
    advance,

    async start(input: {
      customerId: string;
      request: ReservationRequest;
      operationId: string;
      correlationId: string;
    }): Promise<CommerceOperationDocument> {
      const customer = await requireCustomer(deps.customers, input.customerId);
      checkReservation({
        customer,
        request: input.request,
        reservationsUnavailable: deps.reservationsUnavailable,
      });
      return startOperation({ operations, clock, wait: deps.wait }, advance, {
        id: input.operationId,
        customerId: input.customerId,
        kind: 'reservation',
        request: input.request,
        correlationId: input.correlationId,
      });
    },
  };
}

export type ReservationUseCases = ReturnType<typeof createReservationUseCases>;
