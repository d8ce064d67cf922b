import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { toAzureEntitlement } from '../domain/api/azureEntitlement';
import { type CommerceOperation } from '../domain/api/commerceOperation';
import { type CommerceOperationDocument } from '../domain/documents/commerceOperation';
import { AppError } from '../domain/errors';
import { type CustomersPort, type OrdersPort } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { type Advance, advanceGuarded, type CommerceOperationStore } from './commerceOperations';
import { type CommerceRepository } from './commerceRepository';
import { toApiOrder } from './commerceViews';

export interface CommerceOperationReaderDependencies {
  operations: CommerceOperationStore;
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  records: Pick<CommerceRepository, 'readEntitlement' | 'readOrder'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> & Pick<OrdersPort, 'getOrder'>;
  /** How each kind of operation takes its next step. */
  advances: Record<CommerceOperationDocument['kind'], Advance>;
  clock: Clock;
}

/** Seconds a caller should wait before polling a running operation again. */
export const operationPollSeconds = 5;

/**
 * Shows an operation, and first takes its next step if it is still running: polling the `Location` is what moves a
 * purchase that outlasted its request forward (no background worker is needed; Microsoft's state is the clock).
 */
export function createCommerceOperationReader(deps: CommerceOperationReaderDependencies) {
  async function view(
    operation: CommerceOperationDocument,
    correlationId: string,
  ): Promise<CommerceOperation> {
    const base: CommerceOperation = {
      id: operation.id,
      kind: operation.kind,
      status: operation.status,
      createdAt: operation.createdAt,
      updatedAt: operation.updatedAt,
      ...(operation.error ? { error: operation.error } : {}),
    };
    const { entitlementId, orderId } = operation.result ?? {};
    if (operation.status === 'succeeded' && entitlementId) {
      const entitlement = await deps.records.readEntitlement(operation.customerId, entitlementId);
      if (entitlement) base.azureEntitlement = toAzureEntitlement(entitlement);
    }
    if (operation.status === 'succeeded' && orderId) {
      const { partnerCenterCustomerId } = await requirePartnerCenterCustomer(
        deps,
        operation.customerId,
        correlationId,
      );
      const [order, record] = await Promise.all([
        deps.partnerCenter.getOrder(partnerCenterCustomerId, orderId, { correlationId }),
        deps.records.readOrder(operation.customerId, orderId),
      ]);
      base.order = toApiOrder(order, record);
    }
    return base;
  }

  return {
    view,

    async read(customerId: string, operationId: string, correlationId: string): Promise<CommerceOperation> {
      const stored = await deps.operations.get(customerId, operationId);
      if (stored === undefined) {
        throw new AppError('NotFound', `Customer ${customerId} has no operation ${operationId}.`);
      }
      let operation = stored;
      try {
        operation = await advanceGuarded(deps.operations, stored, deps.advances[stored.kind], deps.clock);
      } catch {
        // Microsoft is briefly unreachable or throttling: show the operation as it stands; the next poll continues.
      }
      return view(operation, correlationId);
    },
  };
}

export type CommerceOperationReader = ReturnType<typeof createCommerceOperationReader>;
