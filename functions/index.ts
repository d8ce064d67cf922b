/**
 * The app's entry point (package.json `main` after the build): importing a module registers its functions.
 * The configuration is parsed first so a missing or bad setting stops start-up with a list of what is wrong.
 */
import './health';
import './openApi';
import './purchaseBatches';
import './purchaseRequests';

import { getConfig } from '../shared/compositionRoot';

getConfig();
