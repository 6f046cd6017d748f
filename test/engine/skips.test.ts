// Typed "could not test": every skip says why, in words and as a kind; codes name runner outcomes.
import { describe, expect, it } from 'vitest';
import { runChecks, type FactSource } from '../../src/engine/runner.js';
import { planChecks, selectChecks } from '../../src/engine/selection.js';
import { exitCodeFor } from '../../src/engine/exit-code.js';
import type { Check, Outcome } from '../../src/engine/types.js';

type Facts = { value: number; slow: number };
const facts: FactSource<Facts> = {
  async get(key) {
    if (key === 'slow') await new Promise((resolve) => setTimeout(resolve, 200));
    return 1;
  },
};
const check = (id: string, dependsOn: string[], outcome: Outcome | (() => Outcome), needs: (keyof Facts)[] = []): Check<Facts, object, keyof Facts> => ({
  id,
  title: `Title of ${id}`,
  dependsOn,
  needs,
  codes: {},
  run: () => (typeof outcome === 'function' ? outcome() : outcome),
});
const run = (checks: Check<Facts, object, keyof Facts>[], hidden?: Set<string>, deadlineMs = 1000) => runChecks({ checks, hidden, facts, settings: {}, deadlineMs });

describe('skip kinds', () => {
  it('gives a check\'s own skip the kind it names, nothing-to-test by default, and no kind to other statuses', async () => {
    const results = await run([
      check('own', [], { status: 'skip', summary: 'nothing here' }),
      check('typed', [], { status: 'skip', summary: 'cannot tell', skipKind: 'inconclusive', code: 'looks-alike' }),
      check('fine', [], { status: 'pass', summary: 'ok', skipKind: 'inconclusive' }),
    ]);
    expect(results.map((r) => [r.code, r.skipKind])).toEqual([
      ['own/not-tested', 'nothing-to-test'],
      ['typed/looks-alike', 'inconclusive'],
      ['fine/ok', undefined],
    ]);
    expect(Object.keys(results[2])).not.toContain('skipKind');
    expect(results[0]).toMatchObject({ id: 'own', title: 'Title of own', summary: 'nothing here' });
  });

  it('passes a prerequisite\'s kind of skip on, and calls a failure prerequisite-failed', async () => {
    const results = await run([
      check('lonely', [], { status: 'skip', summary: 'no bridge given', skipKind: 'nothing-to-test', code: 'not-configured' }),
      check('after-lonely', ['lonely'], { status: 'pass', summary: 'ok' }),
      check('broken', [], { status: 'error', summary: 'boom', hint: 'h' }),
      check('after-broken', ['broken'], { status: 'pass', summary: 'ok' }),
      check('later', ['after-broken'], { status: 'pass', summary: 'ok' }),
    ]);
    expect(results.map((r) => `${r.code} ${r.skipKind ?? '-'}`)).toEqual([
      'lonely/not-configured nothing-to-test',
      'after-lonely/prerequisite-not-met nothing-to-test',
      'broken/internal-error -',
      'after-broken/prerequisite-not-met prerequisite-failed',
      'later/prerequisite-not-met prerequisite-failed',
    ]);
    expect(results[1]).toMatchObject({ summary: 'not run: lonely was skipped (no bridge given)', evidence: { prerequisite: 'lonely/not-configured' }, durationMs: 0, title: 'Title of after-lonely' });
    expect(results[4]).toMatchObject({ summary: 'not run: broken did not pass (error)', evidence: { prerequisite: 'broken/internal-error' } });
  });

  it('reports a hidden prerequisite that failed, so the run fails, and names what it found in the skip', async () => {
    const results = await run(
      [check('root', [], { status: 'fail', summary: 'no such host', hint: 'h', code: 'gone' }), check('leaf', ['root'], { status: 'pass', summary: 'ok' })],
      new Set(['root']),
    );
    expect(results.map((r) => `${r.code} ${r.status}`)).toEqual(['root/gone fail', 'leaf/prerequisite-not-met skip']);
    expect(results[1]).toMatchObject({ summary: 'not run: root did not pass (fail: no such host)', skipKind: 'prerequisite-failed', evidence: { prerequisite: 'root/gone' } });
    expect(exitCodeFor(results)).toBe(1);
  });

  it('reports only the hidden prerequisite that failed or errored, not the hidden ones between it and the selection', async () => {
    const results = await run(
      [
        check('fine', [], { status: 'pass', summary: 'ok' }),
        check('meh', ['fine'], { status: 'warn', summary: 'meh', hint: 'h' }),
        check('lonely', [], { status: 'skip', summary: 'no bridge given' }),
        check('broken', ['meh'], { status: 'error', summary: 'boom', hint: 'h' }),
        check('middle', ['broken'], { status: 'pass', summary: 'ok' }),
        check('leaf', ['middle', 'lonely'], { status: 'pass', summary: 'ok' }),
      ],
      new Set(['fine', 'meh', 'lonely', 'broken', 'middle']),
    );
    expect(results.map((r) => r.code)).toEqual(['broken/internal-error', 'leaf/prerequisite-not-met']);
    expect(results[1].summary).toBe('not run: broken did not pass (error: boom)');
    expect(exitCodeFor(results)).toBe(1);
  });

  it('waits for a hidden prerequisite that passes, then runs', async () => {
    const results = await run([check('root', [], { status: 'warn', summary: 'meh', hint: 'h' }), check('leaf', ['root'], { status: 'pass', summary: 'ok' })], new Set(['root']));
    expect(results.map((r) => r.code)).toEqual(['leaf/ok']);
  });

  it('skips a check whose prerequisite is not in the run as not-selected, and its dependents too', async () => {
    const results = await run([check('mid', ['absent', 'present'], { status: 'pass', summary: 'ok' }), check('present', [], { status: 'pass', summary: 'ok' }), check('end', ['mid'], { status: 'pass', summary: 'ok' })]);
    expect(results.map((r) => `${r.code} ${r.skipKind ?? '-'}`)).toEqual(['mid/prerequisite-not-selected not-selected', 'present/ok -', 'end/prerequisite-not-selected not-selected']);
    expect(results[0]).toMatchObject({ summary: 'not run: it needs absent, which was left out of this run', evidence: { prerequisite: 'absent' } });
    expect(results[2].summary).toBe(results[0].summary);
  });

  it('codes a deadline and a check that throws', async () => {
    const results = await run([check('slow', [], { status: 'pass', summary: 'ok' }, ['slow']), check('throws', [], () => { throw new Error('bug'); })], undefined, 50);
    expect(results.map((r) => `${r.code} ${r.status}`)).toEqual(['slow/deadline error', 'throws/internal-error error']);
    expect(results[1].summary).toBe('the check itself failed: bug');
    expect(results[0].hint).toContain('raise --timeout');
  });
});

describe('planning a run', () => {
  const registry = [
    { id: 'a.one', dependsOn: [] },
    { id: 'a.two', dependsOn: ['a.one'] },
    { id: 'b.one', dependsOn: ['a.two'] },
    { id: 'b.two', dependsOn: ['a.one', 'b.one'] },
    { id: 'c.one', dependsOn: [] },
  ];
  const ids = (plan: { checks: { id: string }[]; hidden: Set<string> }) => [plan.checks.map((c) => c.id), [...plan.hidden].sort()];

  it('adds every prerequisite, transitively, as hidden, in registry order', () => {
    expect(ids(planChecks(registry, ['b.two']))).toEqual([['a.one', 'a.two', 'b.one', 'b.two'], ['a.one', 'a.two', 'b.one']]);
    expect(ids(planChecks(registry, ['b']))).toEqual([['a.one', 'a.two', 'b.one', 'b.two'], ['a.one', 'a.two']]);
    expect(ids(planChecks(registry))).toEqual([registry.map((c) => c.id), []]);
  });

  it('keeps out what --skip names, hiding nothing of it', () => {
    expect(ids(planChecks(registry, ['b.two'], ['a.two']))).toEqual([['a.one', 'b.one', 'b.two'], ['a.one', 'b.one']]);
    expect(ids(planChecks(registry, [], ['a']))).toEqual([['b.one', 'b.two', 'c.one'], []]);
  });

  it('rejects unknown names and an empty selection, listing areas and checks', () => {
    expect(() => planChecks(registry, ['d'])).toThrow('--only d: no such check or area. Areas: a, b, c; checks: a.one, a.two, b.one, b.two, c.one');
    expect(() => selectChecks(registry, [], ['x.y'])).toThrow('--skip x.y: no such check or area');
    expect(() => selectChecks(registry, ['a'], ['a'])).toThrow('--only and --skip leave no check to run');
    expect(selectChecks(registry, [' a.one , c ', ''], []).map((c) => c.id)).toEqual(['a.one', 'c.one']);
  });
});
