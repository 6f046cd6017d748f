// A fixed-seed sample of `npm run fuzz`: a few hundred cases per input parser, on every `npm test`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from './run.js';
import { allTargets, makeCorpus, type Corpus, type FuzzTarget } from './targets.js';

const SEED = 20261123;
/** Cases per target here; the config tree target writes files, so it gets fewer. */
const SAMPLE: Record<string, number> = { 'config load+lint': 40 };

let corpus: Corpus;
let targets: FuzzTarget[];

beforeAll(async () => {
  corpus = await makeCorpus();
  targets = await allTargets(corpus);
});
afterAll(() => corpus?.cleanup());

describe('fuzz sample (fixed seed): only results or usage errors, never a crash', () => {
  for (const name of ['config parse', 'config load+lint', 'PEM', 'DER', 'roster CSV', 'rubric', 'merge input']) {
    it(name, () => {
      const target = targets.find((t) => t.name === name)!;
      const outcome = fuzz(target, { numRuns: SAMPLE[name] ?? 300, seed: SEED });
      expect(outcome.crash).toBeUndefined();
      expect(outcome.cases).toBe(SAMPLE[name] ?? 300);
    });
  }
});
