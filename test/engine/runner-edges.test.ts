// The runner's edges, without any network: our own starvation turning a timeout verdict into
// "could not test", cancellation, the safety net stretching by the time this process lost, and
// a check that throws something other than an Error.
import { describe, expect, it } from 'vitest';
import { runChecks, type FactSource } from '../../src/engine/runner.js';
import type { Check, Outcome } from '../../src/engine/types.js';

type Facts = { quick: number; late: number; never: number };
type C = Check<Facts, object, keyof Facts>;

const check = (id: string, needs: (keyof Facts)[], outcome: Outcome | (() => Outcome), dependsOn: string[] = []): C => ({
  id,
  title: `Title of ${id}`,
  codes: {},
  dependsOn,
  needs,
  run: () => (typeof outcome === 'function' ? outcome() : outcome),
});

/** Facts that arrive at once, except `never`; `starved` says how long this process was blocked behind each. */
function source(starved: Partial<Record<keyof Facts, number>> = {}): FactSource<Facts> {
  return {
    get: (key) => (key === 'never' ? new Promise<number>(() => undefined) : Promise.resolve(1)),
    starved: (key) => starved[key],
  };
}

const timedOut: Outcome = { status: 'fail', summary: 'the server never answered the TLS hello within 3000 ms', hint: 'h', code: 'timeout', evidence: { port: 8883 } };

describe('a timeout verdict while this process was starved', () => {
  it('becomes error/overloaded, keeping what it would have said', async () => {
    const [result] = await runChecks({ checks: [check('tls.handshake', ['quick', 'late'], timedOut)], facts: source({ quick: 120, late: 450 }), settings: {}, deadlineMs: 1000 });
    expect(result).toMatchObject({
      status: 'error',
      code: 'tls.handshake/overloaded',
      summary: 'could not test: this machine was overloaded',
      evidence: { port: 8883, eventLoopLagMs: 450, wouldHaveBeen: 'fail', wouldHaveSaid: timedOut.summary },
    });
    expect(result.hint).toContain('starved of CPU for 450 ms');
  });

  it('turns a timed-out warning too, for each way a summary can name a wait', async () => {
    const summaries = ['no answer within 200 ms', 'the subscription timed out', 'the broker sent no CONNACK', 'No Answer from the cloud', 'the server never answered'];
    for (const summary of summaries) {
      const [result] = await runChecks({ checks: [check('c', ['late'], { status: 'warn', summary, hint: 'h' })], facts: source({ late: 10 }), settings: {}, deadlineMs: 1000 });
      expect([summary, result.code]).toEqual([summary, 'c/overloaded']);
    }
  });

  it('leaves verdicts on what did arrive, passes, skips and an idle process alone', async () => {
    const expired: Outcome = { status: 'fail', summary: 'the certificate expired on 2026-01-01', hint: 'h', code: 'expired' };
    const results = await runChecks({
      checks: [
        check('arrived', ['late'], expired),
        check('passed', ['late'], { status: 'pass', summary: 'answered within 3 ms', code: 'ok' }),
        check('skipped', ['late'], { status: 'skip', summary: 'no answer: nothing to test' }),
        check('idle', ['quick'], timedOut),
      ],
      facts: source({ late: 300, quick: 0 }),
      settings: {},
      deadlineMs: 1000,
    });
    expect(results.map((r) => r.code)).toEqual(['arrived/expired', 'passed/ok', 'skipped/not-tested', 'idle/timeout']);
  });

  it('treats a source without starvation figures, or with negative ones, as not starved', async () => {
    const plain: FactSource<Facts> = { get: () => Promise.resolve(1) };
    const [a] = await runChecks({ checks: [check('a', ['late'], timedOut)], facts: plain, settings: {}, deadlineMs: 1000 });
    const [b] = await runChecks({ checks: [check('b', ['late'], timedOut)], facts: source({ late: -5 }), settings: {}, deadlineMs: 1000 });
    expect([a.code, b.code]).toEqual(['a/timeout', 'b/timeout']);
  });
});

describe('a check that throws', () => {
  it('shows a thrown non-Error as text, coded internal-error with the bug-report hint', async () => {
    const [result] = await runChecks({
      checks: [
        check('odd', [], () => {
          throw 'a plain string';
        }),
      ],
      facts: source(),
      settings: {},
      deadlineMs: 1000,
    });
    expect(result).toMatchObject({ status: 'error', code: 'odd/internal-error', summary: 'the check itself failed: a plain string' });
    expect(result.hint).toContain('lampi-doctor bug');
  });
});

describe('cancellation', () => {
  it('ends a running check as cancelled, with the reason the signal gives', async () => {
    const controller = new AbortController();
    const pending = runChecks({
      checks: [check('stuck', ['never'], timedOut)],
      facts: source(),
      settings: {},
      deadlineMs: 60_000,
      signal: controller.signal,
      hooks: { onStart: () => controller.abort(new Error('the student\'s deadline passed')) },
    });
    const [result] = await pending;
    expect(result).toMatchObject({ status: 'error', code: 'stuck/cancelled', summary: 'stuck was cancelled before it finished: the student\'s deadline passed' });
    expect(result.hint).toContain('raise it');
  });

  it('cancels at once when the run was cancelled before the check began, without an Error as reason', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const [result] = await runChecks({ checks: [check('late', ['never'], timedOut)], facts: source(), settings: {}, deadlineMs: 60_000, signal: controller.signal });
    expect(result).toMatchObject({ code: 'late/cancelled', summary: 'late was cancelled before it finished: the run was cancelled' });
  });

  it('lets a check that finished stand', async () => {
    const controller = new AbortController();
    const [result] = await runChecks({ checks: [check('done', ['quick'], { status: 'pass', summary: 'ok' })], facts: source(), settings: {}, deadlineMs: 60_000, signal: controller.signal });
    controller.abort();
    expect(result.code).toBe('done/ok');
  });
});

describe('the safety net stretches by our own starvation', () => {
  it('waits up to three more rounds while this process is starved, then says it was overloaded', async () => {
    const asked: number[] = [];
    const [result] = await runChecks({
      checks: [check('stuck', ['never'], timedOut)],
      facts: source(),
      settings: {},
      deadlineMs: 20,
      lagSince: (from) => (asked.push(from), 5),
    });
    expect(asked).toHaveLength(4);
    expect(new Set(asked).size).toBe(1); // always measured from when the check began
    expect(result).toMatchObject({ status: 'error', code: 'stuck/overloaded', summary: 'could not test: this machine was overloaded', evidence: { eventLoopLagMs: 5 } });
    expect(result.hint).toContain('starved of CPU for 5 ms');
  });

  it('stretches each round by at most the deadline, however long the starvation', async () => {
    // With a round as long as the starvation (ten minutes) this test would time out.
    const [result] = await runChecks({ checks: [check('stuck', ['never'], timedOut)], facts: source(), settings: {}, deadlineMs: 20, lagSince: () => 600_000 });
    expect(result.code).toBe('stuck/overloaded');
  });

  it('is a plain deadline when the starvation is under a quarter of it', async () => {
    let asked = 0;
    const [result] = await runChecks({ checks: [check('stuck', ['never'], timedOut)], facts: source(), settings: {}, deadlineMs: 20, lagSince: () => (asked++, 4.9) });
    expect(asked).toBe(1);
    expect(result).toMatchObject({ code: 'stuck/deadline', summary: 'stuck did not finish within 20 ms' });
  });

  it('stretches once and then decides on the starvation measured last', async () => {
    const lags = [10, 0];
    const [result] = await runChecks({ checks: [check('stuck', ['never'], timedOut)], facts: source(), settings: {}, deadlineMs: 20, lagSince: () => lags.shift() ?? 0 });
    expect(lags).toEqual([]);
    expect(result.code).toBe('stuck/deadline');
  });
});
