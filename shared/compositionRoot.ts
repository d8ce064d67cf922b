import { type Container } from '@azure/cosmos';

import { type PurchaseRequestTriggerDependencies } from '../functions/purchaseRequests';
import { type ReconciliationTimerDependencies } from '../functions/reconciliation';
import { type PartnerCenterActivityDependencies } from '../orchestrations/azurePlanPurchase/partnerCenterActivities';
import { type PurchaseActivityDependencies } from '../orchestrations/azurePlanPurchase/purchaseActivities';
import { type TransitionActivityDependencies } from '../orchestrations/azurePlanTransition/transitionActivities';
import { createCommerceOperationRepository } from './commerce/commerceOperations';
import { createCommerceServices } from './commerce/commerceServices';
import { createMicrosoftGateways, type MicrosoftGateways } from './gateways/createMicrosoftGateways';
import { createInvitationAcceptance } from './invitations/invitationAcceptance';
import { createNotificationSender } from './notifications/notificationSender';
import { createCallPaceRepositories, createPaceRepository } from './partnerCenterPace/paceRepository';
import { createPartnerCenterPace, withTurns } from './partnerCenterPace/partnerCenterPace';
import { systemClock } from './platform/clock';
import { type AppConfig, loadConfig } from './platform/config';
import {
  containerDefinitions,
  type ContainerName,
  createCosmosClient,
  ensureDatabase,
} from './platform/cosmos/cosmosClient';
import { createFaultInjector } from './platform/faultInjection';
import { createAuthenticator } from './platform/http/authenticate';
import { loadMarketCatalogue } from './platform/markets';
import { createQueueServiceClient, encodeQueueMessage, queueNames } from './platform/queues/queues';
import { instrumentedMicrosoftFetch } from './platform/telemetry/microsoftFetch';
import { perProcessPartnerCenterPace } from './purchaseBatches/purchaseStartPacing';
import { createRepositories } from './repositories';
import { type Services, startPurchaseDependencies } from './services';

/**
 * The composition root: the one place that builds clients and repositories and hands each part its dependencies.
 * Only functions/index.ts imports it (lint checks); everything else is handed what it uses.
 */

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
  const settings = getConfig();
  microsoftGateways ??= createMicrosoftGateways(settings, {
    // Traced and measured per HTTP attempt (spans with MS-RequestId, metrics by route and status).
    fetch: instrumentedMicrosoftFetch((url) =>
      url.startsWith(settings.ARM_ENDPOINT.replace(/\/+$/, '')) ? 'azureResourceManager' : 'partnerCenter',
    ),
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
  const partnerCenterPace =
    appConfig.PARTNER_CENTER_PACE === 'perProcess'
      ? perProcessPartnerCenterPace(systemClock)
      : createPartnerCenterPace({
          store: createPaceRepository(containers.batches),
          // issue 21: the workflows' calls on the Order and Subscription resources take turns too (pacedCalls).
          callStores: createCallPaceRepositories(containers.batches),
          clock: systemClock,
        });
  return {
    config: appConfig,
    clock: systemClock,
    authenticate: createAuthenticator(appConfig),
    markets,
    queues: { purchaseRequests },
    partnerCenterPace,
    repositories,
    notifications: createNotificationSender({
      claims: repositories.notificationClaims,
      queue: notifications,
    }),
    microsoft,
    faults: createFaultInjector(appConfig.FAULT_INJECTION),
    invitationAcceptance: createInvitationAcceptance({ ...repositories, clock: systemClock }),
    commerce: createCommerceServices({
      customers: repositories.customers,
      records: repositories.commerce,
      operations: createCommerceOperationRepository(containers.customers),
      microsoft,
      reservationsUnavailable: markets.reservationsUnavailable,
      clock: systemClock,
      pace: partnerCenterPace,
    }),
  };
}

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
    // issue 21: its looks at the order and the plan's Azure subscriptions wait for their turns during a batch.
    partnerCenter: services.partnerCenterPace.pacedCalls(services.microsoft.partnerCenter),
    invitations: services.repositories.invitations,
    invitationAcceptance: services.invitationAcceptance,
    invitationTokenSecret: services.config.INVITATION_TOKEN_SECRET,
  };
}

/** What the transition's activities use, and nothing else. */
export async function transitionActivityDependencies(): Promise<TransitionActivityDependencies> {
  const services = await getServices();
  const { customers, commerce, azurePlanOrders, agreements } = services.repositories;
  return {
    customers,
    commerce,
    azurePlanOrders,
    agreements,
    azurePlanMarkets: services.markets.azurePlan,
    // The upgrade is the transition's order: it takes its turn in the partner's pace (without waiting for it).
    // issue 21: and its calls on the Order and Subscription resources wait for their turns during a batch.
    partnerCenter: withTurns(
      services.partnerCenterPace.pacedCalls(services.microsoft.partnerCenter),
      services.partnerCenterPace,
      ['createUpgrade'],
    ),
    clock: services.clock,
    faults: services.faults,
  };
}

/** What the purchase-request queue triggers use, and nothing else. */
export async function purchaseRequestTriggerDependencies(): Promise<PurchaseRequestTriggerDependencies> {
  const services = await getServices();
  return {
    batches: services.repositories.batches,
    startPurchase: startPurchaseDependencies(services),
    partnerCenterPace: services.partnerCenterPace,
    clock: services.clock,
  };
}

/** What the reconciliation timer uses, and nothing else. */
export async function reconciliationTimerDependencies(): Promise<ReconciliationTimerDependencies> {
  const services = await getServices();
  const { batches, customers, invitations, azurePlanOrders } = services.repositories;
  return {
    batches,
    customers,
    invitations,
    partnerCenter: services.microsoft.partnerCenter,
    azurePlanOrders,
    invitationAcceptance: services.invitationAcceptance,
    sendPurchaseRequest: async (message) => {
      await services.queues.purchaseRequests.sendMessage(encodeQueueMessage(message));
    },
    clock: services.clock,
    graceMs: services.config.RECONCILE_GRACE_SECONDS * 1000,
    notifications: services.notifications,
  };
}
