import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file gets its own process: the local host hooks Node's module loader and keeps module state.
    pool: 'forks',
    // Vitest's default on two cores is one worker. Most files wait on processes, sockets and stores rather than the
    // CPU, so two workers take the suite from ~225 s to ~137 s here (same 601 tests passing).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  },
});
