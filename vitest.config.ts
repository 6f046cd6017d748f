import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/plain-summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Lab suites start real brokers; two cores are shared between them.
    maxWorkers: 2,
  },
});
