/**
 * Mutex (src/core/ports.ts) on the insert-based leases of lease.repository.ts — atomic on FerretDB and
 * MongoDB alike. withLock(key) takes lease `lock:<key>`, runs fn, releases it, and deletes the key's
 * older generations so each key keeps one document.
 *
 * Deleting old generations re-opens their keys: a racer that read "latest = gen n" long ago could insert
 * gen n+1 after it was deleted and believe it holds the lock while a newer generation exists. So after
 * every successful acquire we re-read the latest generation — the latest is never deleted (each holder
 * deletes only generations below its own) — and back off unless it is ours.
 *
 * Leases use the wall clock (not the virtual Clock of use cases): they guard real concurrency, and a
 * frozen virtual clock would never let a crashed holder's lease expire. The TTL (30 s) bounds how long a
 * crashed holder blocks others; work under a lock is a read and a write, so it never comes close.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { fail } from '../core/error-codes.ts';
import type { Mutex } from '../core/ports.ts';
import { LeaseRepository, registerLeaseModel } from './lease.repository.ts';

export interface LeaseMutexOptions {
  ttlMs?: number;
  /** Give up (RECORD.BUSY) after waiting this long. */
  waitMs?: number;
  owner?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LeaseMutex implements Mutex {
  private readonly leases: LeaseRepository;
  private readonly model;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly owner: string;
  private seq = 0;

  constructor(conn: Connection, options: LeaseMutexOptions = {}) {
    this.leases = new LeaseRepository(conn);
    this.model = registerLeaseModel(conn);
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 20_000;
    this.owner = options.owner ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const leaseKey = `lock:${key}`;
    const owner = `${this.owner}#${++this.seq}`;
    const deadline = Date.now() + this.waitMs;
    let delay = 4;
    for (;;) {
      const r = await this.leases.acquire(leaseKey, owner, this.ttlMs, new Date());
      if (r.acquired && (await this.leases.latest(leaseKey))?.gen !== r.gen) {
        await this.leases.release(leaseKey, r.gen); // a stale generation: somebody newer exists
      } else if (r.acquired) {
        try {
          return await fn();
        } finally {
          await this.leases.release(leaseKey, r.gen);
          await this.model.deleteMany({ key: leaseKey, gen: { $lt: r.gen } }).exec();
        }
      }
      if (Date.now() > deadline)
        throw fail('RECORD.BUSY', 'Someone else is changing this right now. Please try again in a moment.', { key });
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  }
}
