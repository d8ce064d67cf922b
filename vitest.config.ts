import { defineConfig } from 'vitest/config';

/**
 * Two projects, chosen by folder (README "Tests in layers"):
 * - `stack`: every test in a folder named `stack/` (test/<feature>/stack/, local/<package>/test/stack/): it starts
 *   a process or a server (the local host, Azurite, the Cosmos DB server, the simulators, `npm start`), each file in
 *   its own process: the local host hooks Node's module loader and keeps module state.
 * - `unit`: every other test: pure domain, replay, use case, activity and handler tests over in-memory ports. Nothing
 *   starts a process or a server, so they share worker threads without per-file isolation (`npm run test:unit`, the
 *   inner loop: ~5 s instead of ~18 s isolated; a unit test that fakes timers restores them in `afterEach`).
 * Together they hold every test file once, so `npm test` runs each exactly once.
 */
const allTests = ['test/**/*.test.ts', 'local/*/test/**/*.test.ts'];
const stack = ['**/stack/**'];

export default defineConfig({
  test: {
    // Vitest's default on two cores is one worker. Most stack files wait on processes, sockets and stores rather
    // than the CPU, so two workers take the suite from ~225 s to ~137 s here (same 601 tests passing).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: allTests, exclude: stack, pool: 'threads', isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: allTests.map((glob) => glob.replace('**/', '**/stack/**/')),
          pool: 'forks',
        },
      },
    ],
  },
});
