import { type QueueClient } from '@azure/storage-queue';

import { type StartAzurePlanPurchaseDependencies } from '../orchestrations/purchase/startAzurePlanPurchase';
import { type StartAzurePlanTransitionDependencies } from '../orchestrations/transition/startAzurePlanTransition';
import { type CommerceServices } from './commerce/commerceServices';
import { withMcaFromPartnerCenter } from './customers/readCustomer';
import { type MicrosoftGateways } from './gateways/createMicrosoftGateways';
import { type InvitationAcceptance } from './invitations/invitationAcceptance';
import { type NotificationSender } from './notifications/notificationSender';
import { type PartnerCenterPace } from './partnerCenterPace/partnerCenterPace';
import { type Clock } from './platform/clock';
import { type AppConfig } from './platform/config';
import { type FaultInjector } from './platform/faultInjection';
import { type Authenticator } from './platform/http/authenticate';
import { type EdgeDependencies } from './platform/http/endpoint';
import { type MarketCatalogue } from './platform/markets';
import { type Repositories } from './repositories';

/**
 * The shape of what the composition root (compositionRoot.ts) builds, and the selectors that pick a part's
 * dependencies out of it. Feature modules declare what they use against this shape; only functions/index.ts
 * reaches the root itself.
 */

/** Everything the functions need, wired once per process. */
export interface Services {
  config: AppConfig;
  clock: Clock;
  authenticate: Authenticator;
  markets: MarketCatalogue;
  queues: { purchaseRequests: QueueClient };
  /** Partner Center's pace for the partner, one for every instance: batch lines wait their turn in it. */
  partnerCenterPace: PartnerCenterPace;
  repositories: Repositories;
  notifications: NotificationSender;
  /** Partner Center and ARM: every call to Microsoft goes through these. */
  microsoft: MicrosoftGateways;
  /** Injected failures for tests (no-op unless FAULT_INJECTION is set). */
  faults: FaultInjector;
  /** The customer's acceptance through an invitation link, and the finishing of one a crash cut short. */
  invitationAcceptance: InvitationAcceptance;
  /** What a customer has and buys at Microsoft besides the Azure plan (reads, Azure subscriptions, reservations…). */
  commerce: CommerceServices;
}

/** What the HTTP edge uses on every request: authentication, the idempotency records, the clock. */
export function edgeDependencies(services: Services): EdgeDependencies {
  return {
    authenticate: services.authenticate,
    idempotencyRecords: services.repositories.idempotencyRecords,
    clock: services.clock,
  };
}

/** What starting a purchase uses (HTTP start and the purchase-request queue alike). */
export function startPurchaseDependencies(services: Services): StartAzurePlanPurchaseDependencies {
  const { customers, agreements } = services.repositories;
  const mcaSources = {
    customers,
    agreements,
    partnerCenter: services.microsoft.partnerCenter,
    clock: services.clock,
    // A warning that the MCA could not be checked at Partner Center; the start goes on with our record.
    log: { warn: (message: string) => console.warn(message) },
  };
  return {
    customers,
    clock: services.clock,
    azurePlanMarkets: services.markets.azurePlan,
    withMcaFromPartnerCenter: (customer, correlationId) =>
      withMcaFromPartnerCenter(mcaSources, customer, correlationId),
  };
}

/** What starting a transition uses. */
export function startTransitionDependencies(services: Services): StartAzurePlanTransitionDependencies {
  const { customers, commerce } = services.repositories;
  return { customers, commerce, clock: services.clock, azurePlanMarkets: services.markets.azurePlan };
}
