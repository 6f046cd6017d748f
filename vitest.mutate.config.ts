// The tests StrykerJS runs for every mutant (npm run mutate): those that need no network, no broker
// and no built bundle, over checks/ and src/engine/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.MUTATE_LINT
      ? ['test/config/lint.test.ts', 'test/config/seed.test.ts']
      : ['test/checks/**/*.test.ts', 'test/engine/**/*.test.ts', 'test/findings/catalog.test.ts'],
    testTimeout: 30_000,
    maxWorkers: 1,
  },
});
