/**
 * A per-key pacer: calls for the same key (a Slack channel) are spaced at least `intervalMs` apart, in
 * arrival order; different keys do not wait for each other. Slack allows about one message per second
 * per channel, so the Slack sender paces chat.postMessage per channel and rarely sees a 429.
 *
 * (Discord needs no pacer of ours: discord.js REST reads every bucket's headers, queues requests per
 * bucket, and holds a global limiter of `globalRequestsPerSecond` = 50 across all routes — per process. With
 * several workers on one bot token, a RateGate shares the limit: both senders take it before each request.)
 */
import { DeliveryError } from './errors.ts';

/**
 * A limit shared beyond this process: take(key) resolves when one more call for `key` may go (src/db
 * rate-slots.ts SharedRateLimiter: slots claimed in the database, so N workers using one bot token stay
 * inside the platform's per-bot limit together). Throws when no slot came in time; the call was not made.
 */
export interface RateGate {
  take(key: string): Promise<void>;
}

/** A gate that gave no slot in time: transient and not ambiguous (nothing was sent). */
export async function takeGate(gate: RateGate, key: string): Promise<void> {
  try {
    await gate.take(key);
  } catch (err) {
    throw new DeliveryError('CHAT.RATE_LIMITED', { permanent: false, cause: err, details: { sharedLimit: key } });
  }
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeyedPacer {
  private readonly next = new Map<string, number>();
  /** Per key: settles when the latest run() for the key has finished (runs for one key go one at a time). */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: { now: () => number; sleep: Sleep } = { now: Date.now, sleep: realSleep },
  ) {}

  /** Resolves when the caller may go; reserves the next slot for `key`. */
  async wait(key: string): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + this.intervalMs);
    if (slot > now) await this.clock.sleep(slot - now);
  }

  /**
   * Run `fn` for `key` once the previous run for `key` has finished and `intervalMs` has passed since it
   * finished. Unlike wait() (spacing from dispatch), the gap then holds at the platform's end even when the
   * request was held up on our side — event-loop lag, or an HTTP client that paused its queue after a 429
   * elsewhere and then released several requests at once. Runs for different keys do not wait for each other.
   */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key);
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, tail);
    try {
      if (prev) await prev;
      await this.wait(key);
      return await fn();
    } finally {
      this.defer(key, this.clock.now() + this.intervalMs);
      if (this.tails.get(key) === tail) this.tails.delete(key);
      release();
    }
  }

  /** Push the next slot for `key` out, e.g. after the platform answered 429 with Retry-After. */
  defer(key: string, untilMs: number): void {
    this.next.set(key, Math.max(this.next.get(key) ?? 0, untilMs));
  }

  /** Forget keys whose slot has passed (call now and then on long-running processes). */
  sweep(): void {
    const now = this.clock.now();
    for (const [k, t] of this.next) if (t <= now) this.next.delete(k);
  }
}
