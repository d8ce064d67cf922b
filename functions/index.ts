/**
 * The app's entry point (package.json `main` after the build) and the one place where functions are registered:
 * every endpoint, queue trigger, timer, orchestrator and activity, each handed its dependency factory from the
 * composition root (the only module that imports it). The configuration is parsed first, so a missing or bad
 * setting stops start-up with a list of what is wrong. Registration is synchronous, at import, as the Functions
 * worker requires; the clients and repositories behind the handlers are built on first use (compositionRoot.ts).
 */
import { registerAzurePlanPurchaseOrchestrator } from '../orchestrations/purchase/azurePlanPurchaseOrchestrator';
import { registerPurchaseActivities } from '../orchestrations/purchase/purchaseActivities';
import { registerAzurePlanTransitionOrchestrator } from '../orchestrations/transition/azurePlanTransitionOrchestrator';
import { registerTransitionActivities } from '../orchestrations/transition/transitionActivities';
import {
  getConfig,
  getServices,
  purchaseActivityDependencies,
  purchaseRequestTriggerDependencies,
  reconciliationTimerDependencies,
  transitionActivityDependencies,
} from '../shared/compositionRoot';
import { isEndpoint, registerEndpoint } from '../shared/platform/http/endpoint';
import { instrumentInvocations } from '../shared/platform/telemetry/functionsInstrumentation';
import { startTelemetry } from '../shared/platform/telemetry/startTelemetry';
import { edgeDependencies, type Services } from '../shared/services';
import * as agreements from './agreements';
import * as azurePlanTransition from './azurePlanTransition';
import * as commerceOperations from './commerceOperations';
import * as customers from './customers';
import { registerUnmatchedRoute } from './fallback';
import * as health from './health';
import * as invitations from './invitations';
import * as openApi from './openApi';
import * as orders from './orders';
import * as purchaseBatches from './purchaseBatches';
import { registerPurchaseRequestTriggers } from './purchaseRequests';
import * as purchases from './purchases';
import { registerReconciliationTimer } from './reconciliation';
import * as reservations from './reservations';
import * as subscriptions from './subscriptions';

getConfig();
// OpenTelemetry: the SDK loads only when APPLICATIONINSIGHTS_CONNECTION_STRING or OTEL_EXPORTER_OTLP_ENDPOINT is set.
void startTelemetry();
instrumentInvocations();

const featureModules: Record<string, unknown>[] = [
  agreements,
  commerceOperations,
  customers,
  health,
  invitations,
  openApi,
  purchaseBatches,
  subscriptions,
  reservations,
  orders,
  azurePlanTransition,
  purchases,
];
for (const endpoint of featureModules
  .flatMap((module): unknown[] => Object.values(module))
  .filter((value) => isEndpoint<Services>(value))) {
  registerEndpoint(endpoint, { services: getServices, edge: edgeDependencies });
}
registerUnmatchedRoute();
registerPurchaseRequestTriggers(purchaseRequestTriggerDependencies);
registerReconciliationTimer(reconciliationTimerDependencies);
registerAzurePlanTransitionOrchestrator();
registerTransitionActivities(transitionActivityDependencies);
registerAzurePlanPurchaseOrchestrator();
registerPurchaseActivities(purchaseActivityDependencies);
