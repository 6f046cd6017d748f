// Mutation testing (npm run mutate): mutants of the checks and the engine, judged by the tests that
// need no network (vitest.mutate.config.ts). String-literal mutants are excluded: wording is covered
// by finding codes and a few exact summaries, not by every sentence. The run fails under 80%.
// Static mutants (module-level tables: each check's dependsOn/needs/codes, constant sets) are left
// out: each would re-run every test, about 97% of the time. The registry's wiring is held by
// test/engine/registry.test.ts instead, whose table fails when a check's dependsOn or needs change.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // checks/config/ (the lint rules) is left out: its tests build certificate trees for every run,
  // which makes each of its mutants cost seconds on a shared two-core machine (`npm run mutate:lint`).
  mutate: ['checks/**/*.ts', '!checks/config/**', 'src/engine/**/*.ts'],
  mutator: { excludedMutations: ['StringLiteral'] },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
