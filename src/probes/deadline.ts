// One way to cancel: every network step runs under a Step, whose signal fires when the step's own
// timeout passes or when the run (or student, or scrape) it belongs to is cancelled. Whoever holds a
// socket, timer, resolver or MQTT client listens to that one signal and destroys what it holds.
import { inheritScope, scopeOf } from './load.js';

export interface Step {
  readonly signal: AbortSignal;
  /** True when the step's own timeout fired (not the run being cancelled). */
  readonly timedOut: boolean;
  /** Stops the step's timer and unlinks it from its parent: call when the step is over. */
  dispose(): void;
}

/** Why a run-level signal fired; probes treat every reason the same way (destroy and return). */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

export function startStep(parent: AbortSignal | undefined, timeoutMs: number): Step {
  const controller = new AbortController();
  let timedOut = false;
  const began = performance.now();
  const scope = scopeOf(parent);
  inheritScope(parent, controller.signal);
  // The limit counts time this process could listen: a timer that fires after our own event loop
  // was starved gets one extension (an answer may sit unread in a socket buffer); if the loop is
  // starved through that too, the timeout is noted as ours, not the peer's.
  let extendedAt: number | undefined;
  const fire = () => {
    const now = performance.now();
    if (scope && extendedAt === undefined && scope.monitor.starvedSince(began, timeoutMs)) {
      extendedAt = now;
      timer = setTimeout(fire, Math.min(Math.max(scope.monitor.lagBetween(began, now), 50), timeoutMs));
      return;
    }
    if (scope && extendedAt !== undefined && scope.monitor.starvedSince(extendedAt, now - extendedAt)) {
      scope.noteStarved(scope.facts, scope.monitor.lagBetween(began, now));
    }
    timedOut = true;
    controller.abort(new Cancelled(`no answer within ${timeoutMs} ms`));
  };
  let timer = setTimeout(fire, timeoutMs);
  const fromParent = () => controller.abort(parent?.reason ?? new Cancelled('cancelled'));
  if (parent?.aborted) fromParent();
  else parent?.addEventListener('abort', fromParent, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', fromParent);
    },
  };
}

/** Runs `onAbort` once when the signal fires (at once if it already has); returns an unsubscribe. */
export function whenAborted(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    queueMicrotask(onAbort);
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Settles like `work`, or with `fallback()` once the signal fires, whichever comes first. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined, fallback: () => T): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = whenAborted(signal, () => resolve(fallback()));
    work.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}
