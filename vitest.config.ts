import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file gets its own process: the local host hooks Node's module loader and keeps module state.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  },
});
