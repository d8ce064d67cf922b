import { type CustomerRepository } from '../customers/customerRepository';
import { type MicrosoftGateways } from '../gateways/createMicrosoftGateways';
import { type PartnerCenterPace, withTurns } from '../partnerCenterPace/partnerCenterPace';
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
  /** The partner's pace at Partner Center: each order placed here takes its turn (without waiting for it). */
  pace?: Pick<PartnerCenterPace, 'reserveTurn'>;
}) {
  const { customers, records, operations, clock, pace } = parts;
  const partnerCenter = parts.microsoft.partnerCenter;
  // A checkout places an order (a reservation, a 0145P order): it counts in the partner's pace.
  const pacedPartnerCenter = pace ? withTurns(partnerCenter, pace, ['checkout']) : partnerCenter;
  const wait = defaultInRequestWait(realSleep);
  const azureSubscriptions = createAzureSubscriptionUseCases({
    customers,
    operations,
    records,
    // A new Azure subscription under the plan is read at Partner Center's Subscription resource: it takes a turn.
    partnerCenter: pace ? withTurns(partnerCenter, pace, ['getSubscription']) : partnerCenter,
    subscriptionAliases: parts.microsoft.azureResourceManager,
    clock,
    wait,
  });
  const reservations = createReservationUseCases({
    customers,
    operations,
    records,
    partnerCenter: pacedPartnerCenter,
    reservationsUnavailable: parts.reservationsUnavailable,
    clock,
    wait,
  });
  const legacyOrders = createLegacyOrderUseCases({
    customers,
    operations,
    records,
    partnerCenter: pacedPartnerCenter,
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
