import { defineConfig } from 'vitest/config';

/**
 * Two projects, chosen by path (README "Tests in layers"):
 * - `unit`: pure domain, replay, use case, activity and handler tests over in-memory ports. Nothing starts a process
 *   or a server, so they share worker threads without per-file isolation (`npm run test:unit`, the inner loop: ~5 s
 *   instead of ~18 s isolated; a unit test that fakes timers restores them in `afterEach`).
 * - `stack`: everything that starts a process or a server (the local host, Azurite, the Cosmos DB server, the
 *   simulators, `npm start`), each file in its own process: the local host hooks Node's module loader and keeps
 *   module state.
 * `stack` includes every test file that `unit` does not, so `npm test` still runs each file exactly once.
 */
const unit = [
  'test/shared/**/*.test.ts',
  // the durable patterns both workflows run, replayed
  'test/durablePatterns/**/*.test.ts',
  // each workflow's replay, activity and status tests; the rest of test/purchase/ and test/transition/ is full stack
  'test/purchase/azurePlanPurchaseReplay.test.ts',
  'test/purchase/partnerCenterSteps.test.ts',
  'test/purchase/purchaseActivities.test.ts',
  'test/purchase/startAzurePlanPurchase.test.ts',
  'test/transition/azurePlanTransitionOrchestrator.test.ts',
  'test/transition/transitionActivities.test.ts',
  'test/transition/transitionStatusReader.test.ts',
  'test/support/**/*.test.ts',
  // handler tests (callHandler over in-memory repositories); the rest of test/functions/ is full stack
  'test/functions/agreements.test.ts',
  'test/functions/customers.test.ts',
  'test/functions/invitations.test.ts',
  'test/functions/purchaseBatches.test.ts',
  'test/functions/purchases.test.ts',
  // gateways over a fake fetch; the contract test runs against the simulators
  'test/gateways/armCorrelationHeaders.test.ts',
  'test/gateways/gatewayHttp.test.ts',
  'test/gateways/keyVaultForbidden.test.ts',
  'test/gateways/partnerCenterError.test.ts',
  'test/conformance/partnerCenterReferenceGateway.test.ts',
  'test/deploy/infraTemplate.test.ts',
  'local/functions-host/test/clock.test.ts',
  'local/stores/test/openJournal.test.ts',
  'test/local-stack/checkPlatformPackages.test.ts',
  'test/local-stack/settingsPrecedence.test.ts',
  'test/local-stack/stateDirectory.test.ts',
  'test/newcomer/readmeWalkthrough.test.ts',
];

/** The app's tests, and each local package's own (local/<package>/test/, README "Map of the house"). */
const allTests = ['test/**/*.test.ts', 'local/*/test/**/*.test.ts'];

export default defineConfig({
  test: {
    // Vitest's default on two cores is one worker. Most stack files wait on processes, sockets and stores rather
    // than the CPU, so two workers take the suite from ~225 s to ~137 s here (same 601 tests passing).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    projects: [
      { extends: true, test: { name: 'unit', include: unit, pool: 'threads', isolate: false } },
      {
        extends: true,
        test: { name: 'stack', include: [...allTests], exclude: unit, pool: 'forks' },
      },
    ],
  },
});
