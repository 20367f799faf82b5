/**
 * Leases that are atomic on MongoDB *and* on the embedded FerretDB.
 *
 * FerretDB 1.24 (SQLite) implements updateOne/findOneAndUpdate as "query, filter in Go, write by _id",
 * so two concurrent conditional updates can both succeed (measured: 29/30 and 30/30 races were
 * non-exclusive — see src/db/README.md). The one operation that is atomic on both servers is an insert
 * guarded by a unique index. So a lease is a chain of documents `<key>#<gen>`: to take the lease you
 * insert generation n+1; whoever inserts first holds it, every other racer gets a duplicate-key error.
 * An expired or released generation lets the next one be inserted (take-over after a crash).
 *
 * Every read and write here is by `_id` — the only filter FerretDB answers from an index (with the id
 * index keeper of tools/ferretdb); a `{key}` query reads the whole collection, which grows by a document
 * per delivered message. The newest generation is found by probing ids: a chain is contiguous from
 * generation 0 (generations are never deleted one by one), so from a generation known to exist we gallop
 * upwards (n+1, n+2, n+4, …) to the first missing one and binary-search the gap. Each process remembers
 * the newest generation it saw per key as the starting point, so the usual acquire is one probe that
 * misses plus the insert. An empty chain is one probe.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface LeaseDoc {
  _id: string;
  key: string;
  gen: number;
  owner: string;
  state: 'held' | 'done' | 'released';
  leaseUntil: Date;
  createdAt: Date;
  doneAt?: Date;
}

const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    gen: { type: Number, required: true, min: 0 },
    owner: { type: String, required: true },
    state: { type: String, required: true, enum: ['held', 'done', 'released'] },
    leaseUntil: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    doneAt: Date,
  },
  { versionKey: false, collection: 'leases' },
);
leaseSchema.index({ key: 1, gen: -1 });

export function registerLeaseModel(conn: Connection): Model<LeaseDoc> {
  return (conn.models.Lease as Model<LeaseDoc> | undefined) ?? conn.model<LeaseDoc>('Lease', leaseSchema);
}

export type AcquireResult =
  | { acquired: true; gen: number; takeover: boolean }
  | { acquired: false; reason: 'done' | 'held'; owner: string; until: Date };

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

export const leaseIdOf = (key: string, gen: number) => `${key}#${gen}`;

/** Most keys whose newest generation a process remembers (oldest forgotten first). */
const HINTS = 50_000;

export class LeaseRepository {
  private readonly model: Model<LeaseDoc>;
  /** key → a generation known to exist (a lower bound of the newest). */
  private readonly hints = new Map<string, number>();
  constructor(conn: Connection) {
    this.model = registerLeaseModel(conn);
  }

  private async gen(key: string, gen: number): Promise<LeaseDoc | null> {
    return this.model.findOne({ _id: leaseIdOf(key, gen) }).lean<LeaseDoc>().exec();
  }

  private remember(key: string, gen: number): void {
    this.hints.delete(key);
    this.hints.set(key, gen);
    if (this.hints.size > HINTS) this.hints.delete(this.hints.keys().next().value!);
  }

  /** The newest generation of a key, or null. */
  async latest(key: string): Promise<LeaseDoc | null> {
    let lo = this.hints.get(key) ?? 0;
    let doc = await this.gen(key, lo);
    if (!doc && lo > 0) doc = await this.gen(key, (lo = 0)); // the collection was emptied since: start over
    if (!doc) {
      this.hints.delete(key);
      return null;
    }
    // gallop from `lo` (exists) to a missing generation `hi`, then binary-search between them
    let hi = lo + 1;
    for (let step = 1; ; step *= 2) {
      const probe = await this.gen(key, lo + step);
      if (!probe) {
        hi = lo + step;
        break;
      }
      lo += step;
      doc = probe;
    }
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const probe = await this.gen(key, mid);
      if (probe) {
        lo = mid;
        doc = probe;
      } else hi = mid;
    }
    this.remember(key, lo);
    return doc;
  }

  /** Try to take the lease for `key` until now + ttlMs. Never throws on a lost race. */
  async acquire(key: string, owner: string, ttlMs: number, now: Date = new Date()): Promise<AcquireResult> {
    const latest = await this.latest(key);
    if (latest?.state === 'done') return { acquired: false, reason: 'done', owner: latest.owner, until: latest.leaseUntil };
    if (latest?.state === 'held' && latest.leaseUntil.getTime() > now.getTime())
      return { acquired: false, reason: 'held', owner: latest.owner, until: latest.leaseUntil };
    const gen = latest ? latest.gen + 1 : 0;
    try {
      await this.model.create({
        _id: leaseIdOf(key, gen),
        key,
        gen,
        owner,
        state: 'held',
        leaseUntil: new Date(now.getTime() + ttlMs),
        createdAt: now,
      });
      this.remember(key, gen);
      return { acquired: true, gen, takeover: latest?.state === 'held' };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const winner = await this.latest(key);
      return {
        acquired: false,
        reason: winner?.state === 'done' ? 'done' : 'held',
        owner: winner?.owner ?? 'unknown',
        until: winner?.leaseUntil ?? now,
      };
    }
  }

  /**
   * Mark the held generation done. Returns false when a newer generation exists (our lease expired and
   * somebody took over), so the caller can log the possible duplicate.
   */
  async complete(key: string, gen: number, now: Date = new Date()): Promise<boolean> {
    await this.model.updateOne({ _id: leaseIdOf(key, gen) }, { $set: { state: 'done', doneAt: now } }).exec();
    return !(await this.gen(key, gen + 1)); // nobody took over after us
  }

  /**
   * Give up a generation you hold and have not completed, so the next acquire need not wait for expiry.
   * By `_id` alone (the indexed path). If the lease expired and somebody took over meanwhile, marking the
   * old generation released changes nothing: only the newest generation counts.
   */
  async release(key: string, gen: number): Promise<void> {
    await this.model.updateOne({ _id: leaseIdOf(key, gen) }, { $set: { state: 'released' } }).exec();
  }

  async isDone(key: string): Promise<boolean> {
    return (await this.latest(key))?.state === 'done';
  }
}
