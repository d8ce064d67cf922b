import { type CustomerRepository } from '../customers/customerRepository';
import { type MicrosoftGateways } from '../gateways/createMicrosoftGateways';
import { type Clock } from '../platform/clock';
import { realSleep } from '../platform/retryPolicy';
import { createAzureSubscriptionUseCases } from './azureSubscriptions';
import { createCommerceOperationReader } from './commerceOperationReader';
import { type createCommerceOperationRepository, defaultInRequestWait } from './commerceOperations';
import { type CommerceRepository } from './commerceRepository';
import { createCustomerHoldings } from './customerHoldings';
import { createLegacyOrderUseCases } from './legacyOrders';
import { createReservationUseCases } from './reservationPurchases';
import { createSubscriptionUpdates } from './subscriptionUpdates';

/** The commerce use cases, each handed only the ports it calls. */
export function createCommerceServices(parts: {
  customers: CustomerRepository;
  records: CommerceRepository;
  operations: ReturnType<typeof createCommerceOperationRepository>;
  microsoft: MicrosoftGateways;
  reservationsUnavailable: ReadonlySet<string>;
  clock: Clock;
}) {
  const { customers, records, operations, clock } = parts;
  const partnerCenter = parts.microsoft.partnerCenter;
  const wait = defaultInRequestWait(realSleep);
  const azureSubscriptions = createAzureSubscriptionUseCases({
    customers,
    operations,
    records,
    partnerCenter,
    subscriptionAliases: parts.microsoft.azureResourceManager,
    clock,
    wait,
  });
  const reservations = createReservationUseCases({
    customers,
    operations,
    records,
    partnerCenter,
    reservationsUnavailable: parts.reservationsUnavailable,
    clock,
    wait,
  });
  const legacyOrders = createLegacyOrderUseCases({
    customers,
    operations,
    records,
    partnerCenter,
    clock,
    wait,
  });
  return {
    holdings: createCustomerHoldings({ customers, records, partnerCenter }),
    azureSubscriptions,
    reservations,
    legacyOrders,
    subscriptionUpdates: createSubscriptionUpdates({ customers, records, partnerCenter }),
    operations: createCommerceOperationReader({
      customers,
      operations,
      records,
      partnerCenter,
      advances: {
        azureSubscription: azureSubscriptions.advance,
        reservation: reservations.advance,
        legacyOrder: legacyOrders.advance,
      },
      clock,
    }),
  };
}

export type CommerceServices = ReturnType<typeof createCommerceServices>;
