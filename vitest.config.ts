import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time (vitest's default on 2 cores is one): most of a test waits on a
    // database, a child process or a local server. See docs/decisions.md.
    maxWorkers: 2,
    env: {
      // Fast password hashing in tests (production uses N=2^17).
      RAPPORT_SCRYPT_N: '1024',
    },
  },
});
