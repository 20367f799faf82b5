/**
 * Partition ownership for partitioned workers (jobs/partitions.ts hashes athletes into `count` partitions).
 *
 * Each partition `p` is a lease chain `partition:<count>:<p>` of lease.repository.ts: taking a partition is
 * inserting the chain's next generation (the unique `_id` lets exactly one worker win, on MongoDB and on
 * FerretDB, whose conditional updates are not atomic). Holding it is renewing that generation's
 * `leaseUntil` by `_id` well before it runs out and then checking that no next generation exists:
 *
 * - another worker can insert generation n+1 only after reading generation n as expired; a renewal is done
 *   only while `now < until − margin`, so a read before the renewal saw a lease that had not run out yet
 *   (clocks of the workers agree within `margin`), and a read after it sees the extended one;
 * - if the renewal came too late (process paused, database slow) the partition counts as lost here at
 *   `until − margin`, whatever the database says; the worker takes it again through the insert if it is
 *   still free. `owns()` says no from `until − margin` on, so a stalled worker stops on its own.
 *
 * A renewal writes no new document: a chain grows only on a take-over or a rebalance.
 *
 * Fair share: every worker heartbeats a row in `partition_workers` (`_id` = worker id, `until`); the live
 * rows, sorted by id, give each worker its share — `floor(count / n)`, plus one for the first
 * `count mod n` — so the shares add up to `count`. A worker above its share releases the surplus (a
 * newcomer takes it on its next round), one below takes free or expired partitions. When a worker dies its
 * row and its leases run out after `ttlMs`; the others' next round (every `renewEveryMs`) sees the larger
 * share and takes the partitions over: a dead worker's partitions move within `ttlMs + renewEveryMs`.
 * Rows of workers dead for longer than `ttlMs` are deleted by `_id`. The members collection holds one row
 * per live worker, so reading it whole is cheap on FerretDB too.
 *
 * A single process (local mode) needs none of this: jobs/partitions.ts ALL_PARTITIONS.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Schema, type Connection, type Model } from 'mongoose';
import { LeaseRepository, leaseIdOf, registerLeaseModel, type LeaseDoc } from './lease.repository.ts';
import { registerPersonalDataPolicy } from './personal-data.ts';

interface MemberDoc {
  _id: string;
  until: Date;
  startedAt: Date;
}

const memberSchema = new Schema<MemberDoc>(
  {
    _id: { type: String, required: true },
    until: { type: Date, required: true },
    startedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'partition_workers' },
);

export function registerPartitionWorkerModel(conn: Connection): Model<MemberDoc> {
  return (conn.models.PartitionWorker as Model<MemberDoc> | undefined) ?? conn.model<MemberDoc>('PartitionWorker', memberSchema);
}
registerPersonalDataPolicy('PartitionWorker', { none: 'worker process ids and heartbeat times; nothing about a person' });

export const workerIdOf = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

export interface PartitionOwnershipOptions {
  /** Unique per process (workerIdOf()). */
  workerId: string;
  /** Number of partitions; every worker of a deployment must use the same. */
  count: number;
  /** Lease period, ms. Default 30 000. */
  ttlMs?: number;
  /** Round period (heartbeat, renewals, rebalancing), ms. Default ttlMs / 3. */
  renewEveryMs?: number;
  /** Ownership ends locally this long before the lease does (clock skew + one command), ms. Default ttlMs / 6. */
  marginMs?: number;
  /** Wall clock (leases use wall time). */
  now?: () => Date;
  /** Called after a round that changed the partitions held (e.g. SharedSchedules.invalidate). */
  onChange?: (held: number[]) => void;
  /** A failed background round (the next one retries). */
  onError?: (err: unknown) => void;
}

interface Held {
  gen: number;
  until: number;
  adoptedAt?: Date;
}

export class PartitionOwnership {
  readonly workerId: string;
  readonly count: number;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly marginMs: number;
  private readonly now: () => Date;
  private readonly leases: LeaseRepository;
  private readonly leaseModel: Model<LeaseDoc>;
  private readonly members: Model<MemberDoc>;
  private readonly held = new Map<number, Held>();
  private readonly startedAt: Date;
  private rounds = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    conn: Connection,
    private readonly options: PartitionOwnershipOptions,
  ) {
    if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError(`partition count must be a positive integer, got ${options.count}`);
    this.workerId = options.workerId;
    this.count = options.count;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.marginMs = options.marginMs ?? Math.floor(this.ttlMs / 6);
    if (this.renewEveryMs >= this.ttlMs - this.marginMs) throw new RangeError('renewEveryMs must be shorter than ttlMs − marginMs');
    this.now = options.now ?? (() => new Date());
    this.leases = new LeaseRepository(conn);
    this.leaseModel = registerLeaseModel(conn);
    this.members = registerPartitionWorkerModel(conn);
    this.startedAt = this.now();
  }

  keyOf(partition: number): string {
    return `partition:${this.count}:${partition}`;
  }

  owns(partition: number, now: Date = this.now()): boolean {
    const h = this.held.get(partition);
    return h !== undefined && now.getTime() < h.until - this.marginMs;
  }

  adoptedAt(partition: number): Date | undefined {
    return this.held.get(partition)?.adoptedAt;
  }

  /** The partitions held now, ascending. */
  owned(now: Date = this.now()): number[] {
    return [...this.held.keys()].filter((p) => this.owns(p, now)).sort((a, b) => a - b);
  }

  /** Run the first round, then one every renewEveryMs in the background. */
  async start(): Promise<void> {
    await this.round();
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.round()
        .catch((err) => this.options.onError?.(err))
        .finally(() => (this.running = undefined));
    }, this.renewEveryMs);
    this.timer.unref();
  }

  /**
   * Stop renewing. `release` (default): give every partition back and leave the members, so the others take
   * over on their next round. `release: false` is what a crash looks like (tests, bench).
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    if (!release) {
      this.held.clear();
      return;
    }
    for (const [p, h] of this.held) await this.leases.release(this.keyOf(p), h.gen);
    this.held.clear();
    await this.members.deleteOne({ _id: this.workerId }).exec();
  }

  /** One round: heartbeat, renew, then give back the surplus or take up to the fair share. */
  async round(): Promise<void> {
    if (this.stopped) return;
    const before = this.owned().join(',');
    const now = this.now();
    const t = now.getTime();
    await this.members
      .updateOne({ _id: this.workerId }, { $set: { until: new Date(t + this.ttlMs) }, $setOnInsert: { startedAt: this.startedAt } }, { upsert: true })
      .exec();
    const share = await this.share(now);

    for (const [p, h] of [...this.held]) {
      if (t >= h.until - this.marginMs) {
        this.held.delete(p); // too late to renew safely: take it again below if it is still free
        continue;
      }
      const until = t + this.ttlMs;
      await this.leaseModel.updateOne({ _id: leaseIdOf(this.keyOf(p), h.gen) }, { $set: { leaseUntil: new Date(until) } }).exec();
      const next = await this.leaseModel.exists({ _id: leaseIdOf(this.keyOf(p), h.gen + 1) }).exec();
      if (next) this.held.delete(p);
      else h.until = until;
    }

    if (this.held.size > share) {
      const surplus = [...this.held.keys()].sort((a, b) => b - a).slice(0, this.held.size - share);
      for (const p of surplus) {
        const h = this.held.get(p)!;
        this.held.delete(p);
        await this.leases.release(this.keyOf(p), h.gen);
      }
    } else if (this.held.size < share) {
      const start = this.offset();
      for (let i = 0; i < this.count && this.held.size < share; i++) {
        const p = (start + i) % this.count;
        if (this.held.has(p)) continue;
        const r = await this.leases.acquire(this.keyOf(p), this.workerId, this.ttlMs, now);
        if (r.acquired) this.held.set(p, { gen: r.gen, until: t + this.ttlMs, ...(this.rounds > 0 ? { adoptedAt: now } : {}) });
      }
    }
    this.rounds += 1;
    const after = this.owned().join(',');
    if (after !== before) this.options.onChange?.(this.owned());
  }

  /** This worker's fair share among the live members; deletes rows of members dead for over a lease period. */
  private async share(now: Date): Promise<number> {
    const t = now.getTime();
    const rows = await this.members.find({}).lean<MemberDoc[]>().exec();
    const live: string[] = [];
    for (const r of rows) {
      const until = new Date(r.until).getTime();
      if (until > t || r._id === this.workerId) live.push(r._id);
      else if (until < t - this.ttlMs) await this.members.deleteOne({ _id: r._id }).exec();
    }
    live.sort();
    const n = live.length;
    const rank = live.indexOf(this.workerId);
    return Math.floor(this.count / n) + (rank < this.count % n ? 1 : 0);
  }

  /** Where this worker starts looking for free partitions (spreads concurrent claimers). */
  private offset(): number {
    let h = 0;
    for (let i = 0; i < this.workerId.length; i++) h = (Math.imul(h, 31) + this.workerId.charCodeAt(i)) >>> 0;
    return h % this.count;
  }
}
