import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/exit-code.js';
import { runChecks, type FactSource } from '../../src/engine/runner.js';
import { countStatuses, type Check, type Outcome } from '../../src/engine/types.js';

type Facts = { slow: number; fast: number; broken: number };
type C = Check<Facts, object, keyof Facts>;

function source(delays: Partial<Record<keyof Facts, number>> = {}): FactSource<Facts> & { peakInFlight: number } {
  let inFlight = 0;
  const facts = {
    peakInFlight: 0,
    async get(key: keyof Facts) {
      if (key === 'broken') throw new Error('probe exploded');
      inFlight += 1;
      facts.peakInFlight = Math.max(facts.peakInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delays[key] ?? 0));
      inFlight -= 1;
      return 1 as never;
    },
  };
  return facts;
}

const check = (id: string, dependsOn: string[], needs: (keyof Facts)[], outcome: Outcome | (() => Outcome)): C => ({
  id,
  title: id,
  dependsOn,
  needs,
  codes: {},
  run: () => (typeof outcome === 'function' ? outcome() : outcome),
});

const passing: Outcome = { status: 'pass', summary: 'ok' };

describe('runChecks', () => {
  it('gives a check the facts it `reads` only where the run gathers them, and never asks for them otherwise', async () => {
    const asked: string[] = [];
    const seen: string[][] = [];
    const reader: C = { id: 'r', title: 'r', dependsOn: [], needs: ['fast'], reads: ['slow'], codes: {}, run: (facts) => (seen.push(Object.keys(facts)), passing) };
    const run = (gathers: boolean) =>
      runChecks({ checks: [reader], facts: { get: async (key) => (asked.push(key), 1 as never), gathers: (key) => gathers && key === 'slow' }, settings: {}, deadlineMs: 1000 });
    await run(false);
    await run(true);
    expect(seen).toEqual([['fast'], ['fast', 'slow']]);
    expect(asked).toEqual(['fast', 'fast', 'slow']);
  });

  it('skips dependents of a failed check and says which prerequisite failed', async () => {
    const results = await runChecks({
      checks: [check('a', [], [], { status: 'fail', summary: 'no' }), check('b', ['a'], [], passing), check('c', ['b'], [], passing)],
      facts: source(),
      settings: {},
      deadlineMs: 1000,
    });
    expect(results.map((r) => r.status)).toEqual(['fail', 'skip', 'skip']);
    expect(results[1].summary).toBe('not run: a did not pass (fail)');
    expect(results[2].summary).toBe('not run: a did not pass (fail)'); // the root cause, not the knock-on skip
  });

  it('passes on the reason of a check that skipped itself', async () => {
    const results = await runChecks({
      checks: [check('a', [], [], { status: 'skip', summary: 'could not test: no answer' }), check('b', ['a'], [], passing), check('c', ['b'], [], passing)],
      facts: source(),
      settings: {},
      deadlineMs: 1000,
    });
    expect(results[1].summary).toBe('not run: a was skipped (could not test: no answer)');
    expect(results[2].summary).toBe(results[1].summary);
  });

  it('lets dependents of a warning run', async () => {
    const results = await runChecks({
      checks: [check('a', [], [], { status: 'warn', summary: 'hmm', hint: 'x' }), check('b', ['a'], [], passing)],
      facts: source(),
      settings: {},
      deadlineMs: 1000,
    });
    expect(results.map((r) => r.status)).toEqual(['warn', 'pass']);
  });

  it('turns an exception in a check or a probe into error, never a crash', async () => {
    const results = await runChecks({
      checks: [
        check('throws', [], [], () => {
          throw new Error('bug');
        }),
        check('probe', [], ['broken'], passing),
        check('after', ['throws'], [], passing),
      ],
      facts: source(),
      settings: {},
      deadlineMs: 1000,
    });
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'skip']);
    expect(results[0].summary).toContain('bug');
    expect(results[1].summary).toContain('probe exploded');
  });

  it('reports a check that outlives its deadline as error', async () => {
    const results = await runChecks({ checks: [check('slow', [], ['slow'], passing)], facts: source({ slow: 500 }), settings: {}, deadlineMs: 50 });
    expect(results[0]).toMatchObject({ status: 'error', summary: 'slow did not finish within 50 ms' });
  });

  it('runs independent checks concurrently and reports in registry order', async () => {
    const order: string[] = [];
    const facts = source({ slow: 50, fast: 0 });
    const results = await runChecks({
      checks: [check('one', [], ['slow'], passing), check('two', [], ['slow'], passing), check('three', [], ['fast'], passing)],
      facts,
      settings: {},
      deadlineMs: 2000,
      hooks: { onFinish: (r) => order.push(r.id) },
    });
    expect(results.map((r) => r.id)).toEqual(['one', 'two', 'three']);
    expect(order[0]).toBe('three'); // finished first, printed last
    expect(facts.peakInFlight).toBe(3); // all three probes were under way at once
  });
});

describe('exit codes', () => {
  it('is 0 without failures, 1 with a fail or error, and honours --fail-on warn', () => {
    expect(exitCodeFor([{ status: 'pass' }, { status: 'warn' }, { status: 'skip' }])).toBe(0);
    expect(exitCodeFor([{ status: 'pass' }, { status: 'fail' }])).toBe(1);
    expect(exitCodeFor([{ status: 'error' }])).toBe(1);
    expect(exitCodeFor([{ status: 'warn' }], 'warn')).toBe(1);
  });

  it('counts every status', () => {
    expect(countStatuses([{ status: 'pass' }, { status: 'pass' }, { status: 'skip' }])).toEqual({ pass: 2, warn: 0, fail: 0, skip: 1, error: 0 });
  });
});
