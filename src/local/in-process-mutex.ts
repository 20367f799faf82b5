/**
 * The core's Mutex port inside one process: a promise chain per key. Correct only when this process is
 * the database's single user — the demo's fresh embedded FerretDB, which nobody else can reach. It exists
 * because FerretDB 1.24 (SQLite) answers every non-_id query by scanning the whole collection: the
 * lease-based LeaseMutex reads its chain with `find({ key })`, which costs ~36 µs per lease document
 * (measured: 1,000 leases → 36 ms per lock read, 5,000 → 180 ms), so weeks of virtual time slow to a crawl.
 */
import type { Mutex } from '../core/ports.ts';

export class InProcessMutex implements Mutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
