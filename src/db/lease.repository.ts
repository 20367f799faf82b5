/**
 * Leases that are atomic on MongoDB *and* on the embedded FerretDB.
 *
 * FerretDB 1.24 (SQLite) implements updateOne/findOneAndUpdate as "query, filter in Go, write by _id",
 * so two concurrent conditional updates can both succeed (measured: 29/30 and 30/30 races were
 * non-exclusive — see src/db/README.md). The one operation that is atomic on both servers is an insert
 * guarded by a unique index. So a lease is a chain of documents `<key>#<gen>`: to take the lease you
 * insert generation n+1; whoever inserts first holds it, every other racer gets a duplicate-key error.
 * An expired or released generation lets the next one be inserted (take-over after a crash).
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

export class LeaseRepository {
  private readonly model: Model<LeaseDoc>;
  constructor(conn: Connection) {
    this.model = registerLeaseModel(conn);
  }

  /** The newest generation of a key, or null. */
  async latest(key: string): Promise<LeaseDoc | null> {
    return this.model.findOne({ key }).sort({ gen: -1 }).lean<LeaseDoc>().exec();
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
        _id: `${key}#${gen}`,
        key,
        gen,
        owner,
        state: 'held',
        leaseUntil: new Date(now.getTime() + ttlMs),
        createdAt: now,
      });
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
    await this.model.updateOne({ _id: `${key}#${gen}` }, { $set: { state: 'done', doneAt: now } }).exec();
    const latest = await this.latest(key);
    return latest?.gen === gen;
  }

  /** Give the lease up without completing, so the next acquire need not wait for expiry. */
  async release(key: string, gen: number): Promise<void> {
    await this.model.updateOne({ _id: `${key}#${gen}`, state: 'held' }, { $set: { state: 'released' } }).exec();
  }

  async isDone(key: string): Promise<boolean> {
    return (await this.latest(key))?.state === 'done';
  }
}
