/**
 * A bounded number of turns in flight, with part of it kept for the turns that must never wait behind reads: incident
 * reports and decisions. Beyond the bound the answer is a cheap 503 with Retry-After, so admitted turns keep their
 * latency instead of every turn slowing down together.
 */
export class Admission {
  private inFlight = 0;

  constructor(
    private readonly max: number,
    private readonly reserved: number,
  ) {}

  /** A release function, or null when there is no room for this kind of turn. */
  enter(priority: boolean): (() => void) | null {
    if (this.inFlight >= (priority ? this.max : this.max - this.reserved)) return null;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}
