// At most N probes at once; the others queue in order, each for no longer than its own deadline.
export class Limiter {
  private running = 0;
  private peak = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.running;
  }

  /** The most probes ever in flight at once. */
  get highWater(): number {
    return this.peak;
  }

  /** Resolves with a release function, or with undefined when no slot freed up within `waitMs`. */
  acquire(waitMs: number): Promise<(() => void) | undefined> {
    if (this.running < this.limit) return Promise.resolve(this.take());
    return new Promise((done) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          done(this.take());
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        done(undefined);
      }, Math.max(0, waitMs));
      this.waiting.push(waiter);
    });
  }

  private take(): () => void {
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.waiting.shift()?.grant();
    };
  }
}
