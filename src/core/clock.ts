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

/** A clock jobs can be walked along minute by minute (Scheduler.advanceTo). */
export interface SettableClock extends Clock {
  set(to: Date | string): void;
}

/**
 * Real time plus an offset that only grows: local mode's virtual clock. `skip 1d` at the console walks
 * the scheduler over the next day (Scheduler.advanceTo sets this clock minute by minute); real time keeps
 * running underneath. The offset is kept by the caller (local mode stores it under DATA_DIR) so a restart
 * does not go back to days already lived.
 */
export class OffsetClock implements SettableClock {
  constructor(private offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** How far ahead of real time, in ms. */
  get offset(): number {
    return this.offsetMs;
  }
  set(to: Date | string): void {
    this.offsetMs = Math.max(this.offsetMs, new Date(to).getTime() - Date.now());
  }
}
