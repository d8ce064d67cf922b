import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { type PurchaseActivityDependencies } from '../orchestrations/purchase/purchaseActivities';
import { type StartAzurePlanPurchaseDependencies } from '../orchestrations/purchase/startAzurePlanPurchase';
import { type StartAzurePlanTransitionDependencies } from '../orchestrations/transition/startAzurePlanTransition';
import { type TransitionActivityDependencies } from '../orchestrations/transition/transitionActivities';
import { withMcaMetadataOnce } from '../shared/agreements/mcaTemplate';
import { createCommerceOperationRepository } from '../shared/commerce/commerceOperations';
import { createCommerceServices } from '../shared/commerce/commerceServices';
import { withMcaFromPartnerCenter } from '../shared/customers/withMcaFromPartnerCenter';
import { createMicrosoftGateways } from '../shared/gateways/createMicrosoftGateways';
import { createInvitationAcceptance } from '../shared/invitations/invitationAcceptance';
import { createNotificationSender } from '../shared/notifications/notificationSender';
import { createCallPaceRepositories, createPaceRepository } from '../shared/partnerCenterPace/paceRepository';
import { createPartnerCenterPace, withTurns } from '../shared/partnerCenterPace/partnerCenterPace';
import { systemClock } from '../shared/platform/clock';
import { type AppConfig } from '../shared/platform/config';
import { appContainers, createCosmosClient } from '../shared/platform/cosmos/cosmosClient';
import { workflowClientOver } from '../shared/platform/durable/workflowClient';
import { createFaultInjector } from '../shared/platform/faultInjection';
import { createAuthenticator } from '../shared/platform/http/authenticate';
import { type EdgeDependencies } from '../shared/platform/http/endpoint';
import { loadMarketCatalogue } from '../shared/platform/markets';
import { createQueueServiceClient, encodeQueueMessage, queueNames } from '../shared/platform/queues/queues';
import { instrumentedMicrosoftFetch } from '../shared/platform/telemetry/microsoftFetch';
import { perProcessPartnerCenterPace } from '../shared/purchaseBatches/purchaseStartPacing';
import { createRepositories } from '../shared/repositories';
import { type HealthDependencies } from './health';
import { type PurchaseRequestTriggerDependencies } from './purchaseRequests';
import { type ReconciliationTimerDependencies } from './reconciliation';

/**
 * The composition root: the one place that builds the clients, gateways and repositories, once per process when the
 * app loads, and hands each endpoint, trigger and activity exactly what it uses (functions/index.ts registers
 * them). Building does no I/O: the clients connect on the first request, and the database, containers and queues
 * already exist (provisioned by the deploy template, or by `npm start`: scripts/local-stack/provisionStores.ts).
 */
export function createCompositionRoot(config: AppConfig) {
  const clock = systemClock;
  const cosmos = createCosmosClient(config);
  const storage = createQueueServiceClient(config);
  const database = cosmos.database(config.COSMOS_DATABASE);
  const containers = appContainers(database);
  const queues = {
    notifications: storage.getQueueClient(queueNames.notifications),
    purchaseRequests: storage.getQueueClient(queueNames.purchaseRequests),
  };
  const repositories = createRepositories(containers);
  const markets = loadMarketCatalogue(config.AZURE_PLAN_MARKETS_FILE);

  // The gateways to Microsoft, one per process: one token cache and one rotation of the refresh token (two token
  // sources rotating the same refresh token would invalidate each other's).
  const microsoft = createMicrosoftGateways(config, {
    // Traced and measured per HTTP attempt (spans with MS-RequestId, metrics by route and status).
    fetch: instrumentedMicrosoftFetch((url) =>
      url.startsWith(config.ARM_ENDPOINT.replace(/\/+$/, '')) ? 'azureResourceManager' : 'partnerCenter',
    ),
    log: (entry) => {
      if (entry.error) {
        console.warn(
          `${entry.service} ${entry.method} ${entry.path} → ${entry.status} attempt=${entry.attempt} requestId=${entry.requestId} correlationId=${entry.correlationId} error=${entry.error}`,
        );
      }
    },
  });
  // The MCA template changes rarely: one metadata read per process, not one per attestation.
  const partnerCenter = withMcaMetadataOnce(microsoft.partnerCenter);
  const partnerCenterPace =
    config.PARTNER_CENTER_PACE === 'perProcess'
      ? perProcessPartnerCenterPace(clock)
      : createPartnerCenterPace({
          store: createPaceRepository(containers.batches),
          // The workflows' calls on the Order and Subscription resources take turns too (pacedCalls, docs/batches.md).
          callStores: createCallPaceRepositories(containers.batches),
          clock,
        });
  const faults = createFaultInjector(config.FAULT_INJECTION);
  const notifications = createNotificationSender({
    claims: repositories.notificationClaims,
    queue: queues.notifications,
  });
  const invitationAcceptance = createInvitationAcceptance({ ...repositories, clock });
  const commerce = createCommerceServices({
    customers: repositories.customers,
    records: repositories.commerce,
    operations: createCommerceOperationRepository(containers.customers),
    microsoft,
    reservationsUnavailable: markets.reservationsUnavailable,
    clock,
    pace: partnerCenterPace,
  });
  const { customers, agreements, invitations, azurePlanOrders, batches } = repositories;

  const edge: EdgeDependencies = {
    authenticate: createAuthenticator(config),
    idempotencyRecords: repositories.idempotencyRecords,
    clock,
    workflowsOf: (context: InvocationContext) => workflowClientOver(df.getClient(context)),
  };

  const mcaSources = {
    customers,
    agreements,
    partnerCenter,
    clock,
    // A warning that the MCA could not be checked at Partner Center; the start goes on with our record.
    log: { warn: (message: string) => console.warn(message) },
  };
  /** Starting a purchase: the HTTP start and the purchase-request queue alike. */
  const startPurchase: StartAzurePlanPurchaseDependencies = {
    customers,
    clock,
    azurePlanMarkets: markets.azurePlan,
    withMcaFromPartnerCenter: (customer, correlationId) =>
      withMcaFromPartnerCenter(mcaSources, customer, correlationId),
  };
  const startTransition: StartAzurePlanTransitionDependencies = {
    customers,
    commerce: repositories.commerce,
    clock,
    azurePlanMarkets: markets.azurePlan,
  };

  const health: HealthDependencies = {
    cosmos,
    databaseId: config.COSMOS_DATABASE,
    storage,
    microsoft,
    pace: partnerCenterPace,
  };

  const purchaseActivities: PurchaseActivityDependencies = {
    customers,
    invitations,
    azurePlanOrders,
    agreements,
    // Its looks at the order and the plan's Azure subscriptions wait for their turns during a batch.
    partnerCenter: partnerCenterPace.pacedCalls(partnerCenter),
    invitationAcceptance,
    notifications,
    clock,
    faults,
    invitationLinks: { tokenSecret: config.INVITATION_TOKEN_SECRET, publicBaseUrl: config.PUBLIC_BASE_URL },
  };
  const transitionActivities: TransitionActivityDependencies = {
    customers,
    commerce: repositories.commerce,
    azurePlanOrders,
    agreements,
    azurePlanMarkets: markets.azurePlan,
    // The upgrade is the transition's order: it takes its turn in the partner's pace (without waiting for it).
    // And its calls on the Order and Subscription resources wait for their turns during a batch.
    partnerCenter: withTurns(partnerCenterPace.pacedCalls(partnerCenter), partnerCenterPace, [
      'createUpgrade',
    ]),
    clock,
    faults,
  };
  const purchaseRequestTriggers: PurchaseRequestTriggerDependencies = {
    batches,
    startPurchase,
    partnerCenterPace,
    clock,
  };
  const reconciliationTimer: ReconciliationTimerDependencies = {
    batches,
    customers,
    invitations,
    partnerCenter,
    azurePlanOrders,
    invitationAcceptance,
    sendPurchaseRequest: async (message) => {
      await queues.purchaseRequests.sendMessage(encodeQueueMessage(message));
    },
    clock,
    graceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    notifications,
  };

  return {
    config,
    clock,
    edge,
    repositories,
    queues,
    partnerCenter,
    commerce,
    invitationAcceptance,
    startPurchase,
    startTransition,
    health,
    purchaseActivities,
    transitionActivities,
    purchaseRequestTriggers,
    reconciliationTimer,
  };
}

export type CompositionRoot = ReturnType<typeof createCompositionRoot>;
