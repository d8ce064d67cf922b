/**
 * The app's entry point (package.json `main` after the build): importing a module registers its functions.
 * The configuration is parsed first so a missing or bad setting stops start-up with a list of what is wrong.
 */
import './agreements';
import './customers';
import './fallback';
import './health';
import './invitations';
import './openApi';
import './purchaseBatches';
import './purchaseRequests';
import './subscriptions';
import './reservations';
import './orders';
import './azurePlanTransition';
import '../orchestrations/azurePlanTransition/azurePlanTransitionOrchestrator';
import '../orchestrations/azurePlanTransition/transitionActivities';
import './purchases';
import '../orchestrations/azurePlanPurchase/azurePlanPurchaseOrchestrator';
import '../orchestrations/azurePlanPurchase/purchaseActivities';

import { getConfig } from '../shared/compositionRoot';

getConfig();
