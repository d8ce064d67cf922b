/**
 * The app's entry point (package.json `main` after the build) and the one place where functions are registered:
 * every endpoint, queue trigger, timer, orchestrator and activity, each built over what it uses from the
 * composition root (compositionRoot.ts, imported only here). The configuration is parsed first, so a missing or
 * bad setting stops start-up with a list of what is wrong; the root is then built at once, without I/O, and
 * registration is synchronous, at import, as the Functions worker requires.
 */
import { registerAzurePlanPurchaseOrchestrator } from '../orchestrations/purchase/azurePlanPurchaseOrchestrator';
import { registerPurchaseActivities } from '../orchestrations/purchase/purchaseActivities';
import { registerAzurePlanTransitionOrchestrator } from '../orchestrations/transition/azurePlanTransitionOrchestrator';
import { registerTransitionActivities } from '../orchestrations/transition/transitionActivities';
import { loadConfig } from '../shared/platform/config';
import { registerEndpoint } from '../shared/platform/http/endpoint';
import { instrumentInvocations } from '../shared/platform/telemetry/functionsInstrumentation';
import { startTelemetry } from '../shared/platform/telemetry/startTelemetry';
import { attestAgreementEndpoint, listAgreementsEndpoint } from './agreements';
import { getAzurePlanTransitionEndpoint, startAzurePlanTransitionEndpoint } from './azurePlanTransition';
import { getCommerceOperationEndpoint } from './commerceOperations';
import { createCompositionRoot } from './compositionRoot';
import { getCustomerEndpoint, listCustomersEndpoint, putCustomerEndpoint } from './customers';
import { registerUnmatchedRoute } from './fallback';
import { healthEndpoint } from './health';
import { acceptInvitationEndpoint } from './invitations';
import { openApiEndpoint } from './openApi';
import { getOrderEndpoint, listOrdersEndpoint, placeLegacyOrderEndpoint } from './orders';
import { getPurchaseBatchEndpoint, submitPurchaseBatchEndpoint } from './purchaseBatches';
import { registerPurchaseRequestTriggers } from './purchaseRequests';
import { cancelPurchaseEndpoint, getPurchaseEndpoint, startAzurePlanPurchaseEndpoint } from './purchases';
import { registerReconciliationTimer } from './reconciliation';
import { buyReservationEndpoint } from './reservations';
import {
  addAzureEntitlementEndpoint,
  listAzureEntitlementsEndpoint,
  listSubscriptionsEndpoint,
  updateSubscriptionEndpoint,
} from './subscriptions';

const config = loadConfig();
// OpenTelemetry: the SDK loads only when APPLICATIONINSIGHTS_CONNECTION_STRING or OTEL_EXPORTER_OTLP_ENDPOINT is set.
void startTelemetry();
instrumentInvocations();

const root = createCompositionRoot(config);
const { customers, agreements, commerce: commerceRecords, batches, invitations } = root.repositories;
const { partnerCenter, commerce, clock } = root;

// In this order: the OpenAPI document lists the operations as they register (by feature, then by name).
for (const endpoint of [
  attestAgreementEndpoint({ customers, agreements, partnerCenter, clock }),
  listAgreementsEndpoint({ customers, agreements, partnerCenter }),
  getCommerceOperationEndpoint({ operations: commerce.operations }),
  getCustomerEndpoint({ customers, agreements, partnerCenter, clock }),
  listCustomersEndpoint({ customers }),
  putCustomerEndpoint({ customers, partnerCenter, clock }),
  healthEndpoint(root.health),
  acceptInvitationEndpoint({ acceptance: root.invitationAcceptance }),
  openApiEndpoint({ publicBaseUrl: config.PUBLIC_BASE_URL }),
  getPurchaseBatchEndpoint({ batches, clock }),
  submitPurchaseBatchEndpoint({ batches, purchaseRequests: root.queues.purchaseRequests, clock }),
  addAzureEntitlementEndpoint({
    azureSubscriptions: commerce.azureSubscriptions,
    operations: commerce.operations,
  }),
  listAzureEntitlementsEndpoint({ holdings: commerce.holdings }),
  listSubscriptionsEndpoint({ holdings: commerce.holdings }),
  updateSubscriptionEndpoint({ subscriptionUpdates: commerce.subscriptionUpdates }),
  buyReservationEndpoint({ reservations: commerce.reservations, operations: commerce.operations }),
  getOrderEndpoint({ holdings: commerce.holdings }),
  listOrdersEndpoint({ holdings: commerce.holdings }),
  placeLegacyOrderEndpoint({ legacyOrders: commerce.legacyOrders, operations: commerce.operations }),
  getAzurePlanTransitionEndpoint,
  startAzurePlanTransitionEndpoint(root.startTransition),
  cancelPurchaseEndpoint({
    invitations,
    invitationTokenSecret: config.INVITATION_TOKEN_SECRET,
  }),
  getPurchaseEndpoint({ customers, commerce: commerceRecords }),
  startAzurePlanPurchaseEndpoint(root.startPurchase),
]) {
  registerEndpoint(endpoint, root.edge);
}
registerUnmatchedRoute();
registerPurchaseRequestTriggers(root.purchaseRequestTriggers);
registerReconciliationTimer(root.reconciliationTimer);
registerAzurePlanTransitionOrchestrator();
registerTransitionActivities(root.transitionActivities);
registerAzurePlanPurchaseOrchestrator();
registerPurchaseActivities(root.purchaseActivities);
