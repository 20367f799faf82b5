/**
 * Mutex (src/core/ports.ts) on the insert-based leases of lease.repository.ts — atomic on FerretDB and
 * MongoDB alike. withLock(key) takes lease `lock:<key>`, runs fn and releases it.
 *
 * Every lock adds a generation to the key's chain and none is deleted here: a chain must stay contiguous
 * from generation 0 for the lease repository's `_id`-only lookups (deleting the older generations, as
 * an earlier version did, also let a racer that read "latest = n" long ago insert n+1 into the emptied
 * key). With the chain contiguous, a successful insert of n+1 proves n+1 is the newest generation.
 *
 * Leases use the wall clock (not the virtual Clock of use cases): they guard real concurrency, and a
 * frozen virtual clock would never let a crashed holder's lease expire. The TTL (30 s) bounds how long a
 * crashed holder blocks others; work under a lock is a read and a write, so it never comes close.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { fail } from '../core/error-codes.ts';
import type { Mutex } from '../core/ports.ts';
import { LeaseRepository } from './lease.repository.ts';

export interface LeaseMutexOptions {
  ttlMs?: number;
  /** Give up (RECORD.BUSY) after waiting this long. */
  waitMs?: number;
  owner?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LeaseMutex implements Mutex {
  private readonly leases: LeaseRepository;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly owner: string;
  private seq = 0;

  constructor(conn: Connection, options: LeaseMutexOptions = {}) {
    this.leases = new LeaseRepository(conn);
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
      if (r.acquired) {
        try {
          return await fn();
        } finally {
          await this.leases.release(leaseKey, r.gen);
        }
      }
      if (Date.now() > deadline)
        throw fail('RECORD.BUSY', 'Someone else is changing this right now. Please try again in a moment.', { key });
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  }
}
