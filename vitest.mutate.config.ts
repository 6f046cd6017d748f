// The tests StrykerJS runs for every mutant (npm run mutate): those that need no network, no broker
// and no built bundle, over checks/ and src/engine/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.MUTATE_LINT
      ? ['test/config/lint.test.ts', 'test/config/seed.test.ts']
      : ['test/checks/**/*.test.ts', 'test/engine/**/*.test.ts', 'test/findings/catalog.test.ts'],
    // These run the built CLI against a lab broker, and test src/probes (not mutated): out of the no-network set.
    exclude: ['test/engine/client-ids.test.ts', 'test/checks/slow-tls13-verdict.test.ts', '**/node_modules/**'],
    testTimeout: 30_000,
    maxWorkers: 1,
  },
});
