import { type Container } from '@azure/cosmos';
import { type QueueClient } from '@azure/storage-queue';

import { type PartnerCenterActivityDependencies } from '../orchestrations/azurePlanPurchase/partnerCenterActivities';
import { type PurchaseActivityDependencies } from '../orchestrations/azurePlanPurchase/purchaseActivities';
import { type TransitionActivityDependencies } from '../orchestrations/azurePlanTransition/transitionActivities';
import { createAgreementRepository } from './agreements/agreementRepository';
import { createAzurePlanOrderRepository } from './commerce/azurePlanOrders';
import { createAzureSubscriptionUseCases } from './commerce/azureSubscriptions';
import { createCommerceOperationReader } from './commerce/commerceOperationReader';
import { createCommerceOperationRepository, defaultInRequestWait } from './commerce/commerceOperations';
import { createCommerceRepository } from './commerce/commerceRepository';
import { createCustomerHoldings } from './commerce/customerHoldings';
import { createLegacyOrderUseCases } from './commerce/legacyOrders';
import { createReservationUseCases } from './commerce/reservationPurchases';
import { createSubscriptionUpdates } from './commerce/subscriptionUpdates';
import { createCustomerRepository } from './customers/customerRepository';
import { withMcaFromPartnerCenter } from './customers/readCustomer';
import { createMicrosoftGateways, type MicrosoftGateways } from './gateways/createMicrosoftGateways';
import { createInvitationAcceptance } from './invitations/invitationAcceptance';
import { createInvitationRepository } from './invitations/invitationRepository';
import { createNotificationClaimRepository } from './notifications/notificationClaimRepository';
import { createNotificationSender, type NotificationSender } from './notifications/notificationSender';
import { type Clock, systemClock } from './platform/clock';
import { type AppConfig, loadConfig } from './platform/config';
import {
  containerDefinitions,
  type ContainerName,
  createCosmosClient,
  ensureDatabase,
} from './platform/cosmos/cosmosClient';
import { createIdempotencyRecordRepository } from './platform/cosmos/idempotencyRecordRepository';
import { createFaultInjector, type FaultInjector } from './platform/faultInjection';
import { type Authenticator, createAuthenticator } from './platform/http/authenticate';
import { type EdgeDependencies } from './platform/http/endpoint';
import { loadMarketCatalogue, type MarketCatalogue } from './platform/markets';
import { createQueueServiceClient, queueNames } from './platform/queues/queues';
import { realSleep } from './platform/retryPolicy';
import { createBatchRepository } from './purchaseBatches/batchRepository';
import { createPurchaseStartPacer, type PurchaseStartPacer } from './purchaseBatches/purchaseStartPacing';
import { type StartAzurePlanPurchaseDependencies } from './purchases/startAzurePlanPurchase';
import { type StartAzurePlanTransitionDependencies } from './transitions/startAzurePlanTransition';

/** Every repository, built over the app's containers (one factory each): the only code that touches a container. */
export function createRepositories(containers: Record<ContainerName, Container>) {
  return {
    batches: createBatchRepository(containers.batches),
    customers: createCustomerRepository(containers.customers),
    commerce: createCommerceRepository(containers.customers),
    agreements: createAgreementRepository(containers.customers),
    invitations: createInvitationRepository(containers.invitations),
    azurePlanOrders: createAzurePlanOrderRepository(containers.customers),
    notificationClaims: createNotificationClaimRepository(containers.customers),
    idempotencyRecords: createIdempotencyRecordRepository(containers.idempotency),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/** Everything the functions need, wired once per process. */
export interface Services {
  config: AppConfig;
  clock: Clock;
  authenticate: Authenticator;
  markets: MarketCatalogue;
  queues: { purchaseRequests: QueueClient };
  /** Batch lines start their purchases through it, at the rate Partner Center lets purchases finish. */
  purchaseStartPacer: PurchaseStartPacer;
  repositories: Repositories;
  notifications: NotificationSender;
  /** Partner Center and ARM: every call to Microsoft goes through these. */
  microsoft: MicrosoftGateways;
  /** Injected failures for tests (no-op unless FAULT_INJECTION is set). */
  faults: FaultInjector;
  /** What a customer has and buys at Microsoft besides the Azure plan (reads, Azure subscriptions, reservations…). */
  commerce: CommerceServices;
}

let config: AppConfig | undefined;
let services: Promise<Services> | undefined;
let microsoftGateways: MicrosoftGateways | undefined;

/** The configuration, parsed once; throws listing every missing or bad key. */
export function getConfig(): AppConfig {
  config ??= loadConfig();
  return config;
}

/**
 * The gateways to Microsoft, one per process: one token cache and one rotation of the refresh token (two token
 * sources rotating the same refresh token would invalidate each other's). Built from the configuration alone, so
 * health can report on Microsoft when the stores are down.
 */
export function getMicrosoftGateways(): MicrosoftGateways {
  microsoftGateways ??= createMicrosoftGateways(getConfig(), {
    log: (entry) => {
      if (entry.error) {
        console.warn(
          `${entry.service} ${entry.method} ${entry.path} → ${entry.status} attempt=${entry.attempt} requestId=${entry.requestId} correlationId=${entry.correlationId} error=${entry.error}`,
        );
      }
    },
  });
  return microsoftGateways;
}

/**
 * The composition root. The first call creates the clients and makes sure the database, containers and queues
 * exist; a failure is not cached, so the next request tries again (a store that was down may be back).
 */
export function getServices(): Promise<Services> {
  services ??= buildServices().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

async function buildServices(): Promise<Services> {
  const appConfig = getConfig();
  const [client, queueService] = await Promise.all([
    createCosmosClient(appConfig),
    createQueueServiceClient(appConfig),
  ]);
  const notifications = queueService.getQueueClient(queueNames.notifications);
  const purchaseRequests = queueService.getQueueClient(queueNames.purchaseRequests);
  const [database] = await Promise.all([
    ensureDatabase(client, appConfig.COSMOS_DATABASE),
    notifications.createIfNotExists(),
    purchaseRequests.createIfNotExists(),
  ]);
  const containers = Object.fromEntries(
    Object.values(containerDefinitions).map((definition) => [
      definition.id,
      database.container(definition.id),
    ]),
  ) as Record<ContainerName, Container>;
  const repositories = createRepositories(containers);
  const markets = loadMarketCatalogue(appConfig.AZURE_PLAN_MARKETS_FILE);
  const microsoft = getMicrosoftGateways();
  return {
    config: appConfig,
    clock: systemClock,
    authenticate: createAuthenticator(appConfig),
    markets,
    queues: { purchaseRequests },
    purchaseStartPacer: createPurchaseStartPacer(),
    repositories,
    notifications: createNotificationSender({
      claims: repositories.notificationClaims,
      queue: notifications,
    }),
    microsoft,
    faults: createFaultInjector(appConfig.FAULT_INJECTION),
    commerce: buildCommerce({
      customers: repositories.customers,
      records: repositories.commerce,
      operations: createCommerceOperationRepository(containers.customers),
      microsoft,
      reservationsUnavailable: markets.reservationsUnavailable,
      clock: systemClock,
    }),
  };
}

/** The commerce use cases, each handed only the ports it calls. */
function buildCommerce(parts: {
  customers: Repositories['customers'];
  records: Repositories['commerce'];
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

export type CommerceServices = ReturnType<typeof buildCommerce>;

/** What the purchase's activities use, and nothing else. */
export async function purchaseActivityDependencies(): Promise<PurchaseActivityDependencies> {
  const services = await getServices();
  const { customers, invitations, azurePlanOrders } = services.repositories;
  return {
    customers,
    invitations,
    azurePlanOrders,
    notifications: services.notifications,
    clock: services.clock,
    faults: services.faults,
    invitationLinks: {
      tokenSecret: services.config.INVITATION_TOKEN_SECRET,
      publicBaseUrl: services.config.PUBLIC_BASE_URL,
    },
  };
}

/** What the purchase's Partner Center steps use, and nothing else. */
export async function partnerCenterActivityDependencies(): Promise<PartnerCenterActivityDependencies> {
  const services = await getServices();
  return {
    customers: services.repositories.customers,
    agreements: services.repositories.agreements,
    partnerCenter: services.microsoft.partnerCenter,
    invitations: services.repositories.invitations,
    invitationAcceptance: createInvitationAcceptance({ ...services.repositories, clock: services.clock }),
    invitationTokenSecret: services.config.INVITATION_TOKEN_SECRET,
  };
}

/** What the transition's activities use, and nothing else. */
export async function transitionActivityDependencies(): Promise<TransitionActivityDependencies> {
  const services = await getServices();
  const { customers, commerce, azurePlanOrders } = services.repositories;
  return {
    customers,
    commerce,
    azurePlanOrders,
    azurePlanMarkets: services.markets.azurePlan,
    partnerCenter: services.microsoft.partnerCenter,
    clock: services.clock,
    faults: services.faults,
  };
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
