// The tests StrykerJS runs for every mutant (npm run mutate): those that need no network, no broker
// and no built bundle, over checks/ and src/engine/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.MUTATE_LINT
      ? ['test/config/lint.test.ts', 'test/config/seed.test.ts']
      : ['test/checks/**/*.test.ts', 'test/engine/**/*.test.ts', 'test/findings/catalog.test.ts'],
    exclude: [
      '**/node_modules/**',
      // These run the built CLI or a broker, and test src/probes (not mutated).
      'test/engine/client-ids.test.ts',
      'test/checks/slow-tls13-verdict.test.ts',
      // This one reads the checks' source text, which Stryker rewrites in its instrumented copies.
      'test/checks/emitted-codes.test.ts',
    ],
    testTimeout: 30_000,
    maxWorkers: 1,
  },
});
