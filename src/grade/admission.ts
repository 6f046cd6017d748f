// When the next student may start. A student mostly waits on the network, so many can be diagnosed at
// once; but their TLS handshakes and reports run on our one event loop. Once that loop is saturated,
// another student finishes no class sooner: it only stretches every student's steps toward their
// timeouts (and a 1000-student run at --concurrency 256 on a loaded 2-core machine ran students past
// their whole deadline). So above a few students in flight, a student starts only while the loop has
// spare time, measured (event-loop utilization over the last WINDOW_MS), whatever the machine and
// whatever else runs on it; --concurrency stays the most at once.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Up to this many students in flight, a free slot is enough (the slow twin, small classes). */
export const ALWAYS_ADMIT = 4;
/** Above this share of busy event-loop time no further student starts. */
export const BUSY_SHARE = 0.9;
const SAMPLE_MS = 20;
const WINDOW_MS = 100;
/** Students admitted per sample at most: their load shows only after they start. */
const PER_SAMPLE = 2;

export class Admission {
  private readonly history: { at: number; elu: EventLoopUtilization }[] = [];
  private busy = 0;
  private admitted = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting: (() => void)[] = [];

  /** Samples the loop for the run; stop() when it ends. */
  start(): this {
    this.history.push({ at: performance.now(), elu: performance.eventLoopUtilization() });
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const go of this.waiting.splice(0)) go();
  }

  /** Resolves when one more student may start; that student counts as running until done(). */
  admit(): Promise<void> {
    return new Promise((go) => {
      this.waiting.push(go);
      this.release();
    });
  }

  /** A student admitted earlier has finished. */
  done(): void {
    this.running -= 1;
    this.release();
  }

  private sample(): void {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    this.history.push({ at: now, elu });
    while (this.history.length > 2 && this.history[1].at <= now - WINDOW_MS) this.history.shift();
    this.busy = performance.eventLoopUtilization(elu, this.history[0].elu).utilization;
    this.admitted = 0;
    this.release();
  }

  private release(): void {
    while (this.waiting.length > 0) {
      const spare = !this.timer || this.running < ALWAYS_ADMIT || (this.busy < BUSY_SHARE && this.admitted < PER_SAMPLE);
      if (!spare) return;
      if (this.running >= ALWAYS_ADMIT) this.admitted += 1;
      this.running += 1;
      this.waiting.shift()!();
    }
  }
}

