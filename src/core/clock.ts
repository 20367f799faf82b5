/**
 * Time as a port. Use cases and jobs ask a Clock for "now" instead of calling Date.now(), so tests and
 * the demo can run weeks of virtual time in seconds (jobs/virtual-clock.ts).
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (tests, demos). */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(to: Date | string): void {
    const next = new Date(to).getTime();
    if (next < this.t) throw new Error(`ManualClock cannot go back in time (${new Date(this.t).toISOString()} → ${new Date(next).toISOString()})`);
    this.t = next;
  }
  advance(ms: number): void {
    this.set(new Date(this.t + ms));
  }
}
