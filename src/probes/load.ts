// Our own starvation, measured: a timer that should fire every TICK_MS records how late it was.
// A step that timed out while this process was starved cannot blame the peer: the answer may have
// sat unread in a socket buffer. The monitor only records facts (lag per moment); checks decide.
import { setMaxListeners } from 'node:events';

const TICK_MS = 20;
/** How much of a step's time the loop may lose before its timeout says more about us than the peer. */
const STARVED_SHARE = 0.25;
const KEEP_MS = 10 * 60_000;
/** Late ticks below this are scheduler jitter (a busy but responsive machine), not starvation. */
const STALL_MS = 30;

export class LoadMonitor {
  private readonly lags: { at: number; lagMs: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;

  start(): this {
    this.expected = performance.now() + TICK_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      const lagMs = Math.max(0, now - this.expected);
      this.expected = now + TICK_MS;
      if (lagMs >= STALL_MS) this.lags.push({ at: now, lagMs });
      while (this.lags.length && this.lags[0].at < now - KEEP_MS) this.lags.shift();
    }, TICK_MS);
    return this;
  }

  /** Must be called when the run ends: the monitor holds a timer. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Event-loop time lost between two moments (performance.now() values), in ms. */
  lagBetween(from: number, to: number): number {
    // A tick that ends after `from` covers the stall just before it; include stalls that end up to a tick later.
    let total = 0;
    for (const { at, lagMs } of this.lags) if (at > from && at <= to + TICK_MS) total += Math.min(lagMs, at - from);
    // Lag still accumulating (the timer has not fired yet because the loop is blocked right now).
    const pending = performance.now() - this.expected;
    if (this.timer && pending >= STALL_MS) total += pending;
    return Math.round(total);
  }

  /** Whether a step that ran from `from` until now under `timeoutMs` was starved. */
  starvedSince(from: number, timeoutMs: number): boolean {
    return this.lagBetween(from, performance.now()) >= timeoutMs * STARVED_SHARE;
  }
}

/** Which facts a running step serves (the fact, and the facts waiting on it), and where to note starvation. */
export interface StepScope {
  monitor: LoadMonitor;
  facts: string[];
  noteStarved(facts: string[], lagMs: number): void;
}

// A step's scope travels with the signal it is started under (a WeakMap, not AsyncLocalStorage:
// its async hooks cost every promise and socket callback of a run, ~0.08 ms a round-trip sample).
const scopes = new WeakMap<AbortSignal, StepScope>();

/** A signal that aborts with `parent` and carries `scope` to every step started under it. */
export function scopedSignal(parent: AbortSignal | undefined, scope: StepScope): AbortSignal {
  const signal = parent ? AbortSignal.any([parent]) : new AbortController().signal;
  // Every step of the fact links to it (and unlinks when done): no listener warning for a busy one.
  setMaxListeners(0, signal);
  scopes.set(signal, scope);
  return signal;
}

/** The scope `signal` carries, if any. */
export function scopeOf(signal: AbortSignal | undefined): StepScope | undefined {
  return signal && scopes.get(signal);
}

/** `child` (a step's own signal) carries what `parent` carries: steps nest. */
export function inheritScope(parent: AbortSignal | undefined, child: AbortSignal): void {
  const scope = scopeOf(parent);
  if (scope) scopes.set(child, scope);
}
