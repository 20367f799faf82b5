/**
 * A rate limit shared by every process that uses one bot token (src/chat/pacing.ts RateGate): N workers
 * together stay inside the platform's per-bot limits, which a per-process limiter cannot do.
 *
 * Time is cut into windows of `windowMs`; window w of key k has exactly `limit` slots, documents with
 * `_id` = `<scope>:<k>:<w>:<n>` for n < limit. Taking a slot is inserting its document: the unique `_id`
 * lets exactly one process have it (the one primitive that is atomic on MongoDB and FerretDB alike), so no
 * more than `limit` calls per window are ever granted, however many processes ask. A process remembers the
 * next slot number per key, so a grant usually costs one insert; when a window's slots are gone it sleeps
 * to the next window. A fixed window lets a burst straddle a boundary: any span of `windowMs` sees at most
 * 2 × limit, any second at most limit × (1000 / windowMs + 1) — hence small windows (Discord: 4 per 100 ms
 * = 40/s, at most 44 in any second, under the 50/s global limit).
 *
 * Housekeeping: each process deletes the slots it was granted once their window is two windows old (by
 * `_id`, batches of ≤ 50), and now and then sweeps what crashed processes left (`expireAt` passed). The
 * collection holds a few seconds of slots.
 */
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { AppError } from '../errors.ts';
import { isDuplicateKey } from './lease.repository.ts';
import { registerPersonalDataPolicy } from './personal-data.ts';

interface SlotDoc {
  _id: string;
  expireAt: Date;
}

const slotSchema = new Schema<SlotDoc>(
  {
    _id: { type: String, required: true },
    expireAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'rate_slots' },
);

export function registerRateSlotModel(conn: Connection): Model<SlotDoc> {
  return (conn.models.RateSlot as Model<SlotDoc> | undefined) ?? conn.model<SlotDoc>('RateSlot', slotSchema);
}
registerPersonalDataPolicy('RateSlot', { none: 'rate-limit slots keyed by a hash of a bot token and a channel id; no person' });

export interface SharedRateLimitOptions {
  /** Who shares the limit, e.g. `discord:<token hash>` (tokenScope()). */
  scope: string;
  /** Calls per window. */
  limit: number;
  windowMs: number;
  /** Longest wait for a slot before failing with RATE.BUSY, ms. Default 60 000. */
  maxWaitMs?: number;
  /** Sweep left-over slots of other processes at most this often, ms. Default 60 000. */
  sweepEveryMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A scope naming a bot token without storing it: `<platform>:<first 12 hex of sha256(token)>`. */
export function tokenScope(platform: string, token: string): string {
  return `${platform}:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

const CLEANUP_BATCH = 50;

export class SharedRateLimiter {
  private readonly model: Model<SlotDoc>;
  private readonly cursor = new Map<string, { window: number; n: number }>();
  private granted: { id: string; window: number }[] = [];
  private lastSweep: number;
  private cleaning: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    conn: Connection,
    private readonly options: SharedRateLimitOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
    if (!(options.windowMs >= 1)) throw new RangeError(`windowMs must be ≥ 1, got ${options.windowMs}`);
    this.model = registerRateSlotModel(conn);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.lastSweep = this.now();
  }

  /** Resolves once this process holds one of the key's slots of the current window. */
  async take(key = ''): Promise<void> {
    const { limit, windowMs } = this.options;
    const deadline = this.now() + (this.options.maxWaitMs ?? 60_000);
    for (;;) {
      const t = this.now();
      const window = Math.floor(t / windowMs);
      let c = this.cursor.get(key);
      if (!c || c.window !== window) this.cursor.set(key, (c = { window, n: 0 }));
      while (c.n < limit) {
        const id = `${this.options.scope}:${key}:${window}:${c.n}`;
        c.n += 1;
        try {
          await this.model.create({ _id: id, expireAt: new Date((window + 2) * windowMs) });
          this.granted.push({ id, window });
          this.housekeeping(window);
          // a slot counts for the window it names: one that took until a later window to insert is wasted
          if (Math.floor(this.now() / windowMs) === window) return;
          break;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        if (Math.floor(this.now() / windowMs) !== window) break; // the window passed while we tried
      }
      const current = Math.floor(this.now() / windowMs);
      const next = current === window ? (window + 1) * windowMs : this.now(); // full: wait for the next window
      if (next > deadline)
        throw new AppError('RATE.BUSY', 'The shared rate limit has no free slot right now.', { details: { scope: this.options.scope, key } });
      if (next > this.now()) await this.sleep(next - this.now());
    }
  }

  /** Delete own slots two windows old; now and then everybody's expired ones. Never blocks take(). */
  private housekeeping(window: number): void {
    if (this.cleaning) return;
    const old = this.granted.filter((g) => g.window < window - 1);
    const sweep = this.now() - this.lastSweep >= (this.options.sweepEveryMs ?? 60_000);
    if (old.length < CLEANUP_BATCH && !sweep) return;
    this.granted = this.granted.filter((g) => g.window >= window - 1);
    if (sweep) this.lastSweep = this.now();
    this.cleaning = (async () => {
      for (let i = 0; i < old.length; i += CLEANUP_BATCH)
        await this.model.deleteMany({ _id: { $in: old.slice(i, i + CLEANUP_BATCH).map((g) => g.id) } }).exec();
      if (sweep) await this.model.deleteMany({ expireAt: { $lt: new Date(this.now()) } }).exec();
    })()
      .catch(() => undefined) // best effort: the next sweep removes what this one left
      .finally(() => (this.cleaning = undefined));
  }

  /** Wait for pending housekeeping and delete every own slot (shutdown, tests). */
  async close(): Promise<void> {
    await this.cleaning;
    const ids = this.granted.map((g) => g.id);
    this.granted = [];
    for (let i = 0; i < ids.length; i += CLEANUP_BATCH) await this.model.deleteMany({ _id: { $in: ids.slice(i, i + CLEANUP_BATCH) } }).exec();
  }
}
