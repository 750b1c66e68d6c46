import { defineConfig } from 'vitest/config';

// Browser tests: the real server and the built web app, driven in Chromium by playwright-core.
// Run with `npm run test:browser`, which builds the web app first.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
