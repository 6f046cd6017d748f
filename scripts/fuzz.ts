// `npm run fuzz`: every input parser under property-based fuzzing, 100,000+ cases in all. Passes
// when no case crashed (only results and UsageErrors are allowed) and none took over 2 s.
// FUZZ_SEED=N repeats a run; FUZZ_SCALE=0.1 runs a tenth of the cases.
import { allTargets, makeCorpus } from '../test/fuzz/targets.js';
import { fuzz, SLOW_CASE_MS, type FuzzOutcome } from '../test/fuzz/run.js';

/** Cases per target: the pure parsers are cheap, loading config trees from disk is not. */
const RUNS: Record<string, number> = {
  'config parse': 28_000,
  'config load+lint': 2_000,
  PEM: 12_000,
  DER: 15_000,
  'roster CSV': 20_000,
  rubric: 15_000,
  'merge input': 12_000,
};

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const scale = Number(process.env.FUZZ_SCALE ?? 1);
const corpus = await makeCorpus();
const outcomes: FuzzOutcome[] = [];
const began = performance.now();
try {
  for (const target of await allTargets(corpus)) {
    const numRuns = Math.max(1, Math.round((RUNS[target.name] ?? 10_000) * scale));
    const t0 = performance.now();
    const outcome = fuzz(target, { numRuns, seed });
    outcomes.push(outcome);
    const verdict = outcome.crash ? 'CRASH' : outcome.slow.length ? 'SLOW' : 'ok';
    console.log(`${verdict.padEnd(5)} ${target.name.padEnd(17)} ${String(outcome.cases).padStart(7)} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${outcome.slowestMs.toFixed(1)} ms`);
    if (outcome.crash) console.log(outcome.crash);
    for (const slow of outcome.slow.slice(0, 3)) console.log(`      a case took ${slow.ms} ms (input of ${slow.size} characters as JSON)`);
  }
} finally {
  corpus.cleanup();
}
const cases = outcomes.reduce((sum, o) => sum + o.cases, 0);
const crashes = outcomes.filter((o) => o.crash).length;
const slow = outcomes.reduce((sum, o) => sum + o.slow.length, 0);
const slowest = outcomes.reduce((worst, o) => (o.slowestMs > worst.slowestMs ? o : worst), outcomes[0]);
console.log(
  `fuzz: ${cases} cases in ${outcomes.length} targets, ${crashes} crashes, ${slow} cases over ${SLOW_CASE_MS} ms (slowest ${slowest.slowestMs.toFixed(0)} ms in ${slowest.name}), ${((performance.now() - began) / 1000).toFixed(0)} s, seed ${seed} (FUZZ_SEED=${seed} repeats it)`,
);
process.exitCode = crashes || slow ? 1 : 0;
