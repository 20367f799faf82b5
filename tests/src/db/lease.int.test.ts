import { describe, expect, it } from 'vitest';
import { LeaseRepository, registerLeaseModel } from '../../../src/db/lease.repository.ts';
import { useTestDatabase } from '../../helpers/db.ts';

const db = useTestDatabase({ register: registerLeaseModel });

describe('leases (atomic on MongoDB and FerretDB)', () => {
  it('when eight workers race for the same key then exactly one acquires it', async () => {
    const leases = new LeaseRepository(db.connection);
    for (let round = 0; round < 10; round++) {
      const key = `race:${round}`;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.acquire(key, `w${i}`, 60_000)));
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
    }
  });

  it('when a lease is done then nobody can acquire it again', async () => {
    const leases = new LeaseRepository(db.connection);
    const a = await leases.acquire('done:1', 'w1', 60_000);
    expect(a).toMatchObject({ acquired: true, gen: 0, takeover: false });
    expect(await leases.complete('done:1', 0)).toBe(true);
    expect(await leases.acquire('done:1', 'w2', 60_000)).toMatchObject({ acquired: false, reason: 'done', owner: 'w1' });
  });

  it('when a holder crashed and its lease expired then the next worker takes over with a new generation', async () => {
    const leases = new LeaseRepository(db.connection);
    const t0 = new Date('2026-11-22T06:30:00Z');
    await leases.acquire('crash:1', 'crashed', 1_000, t0);
    expect(await leases.acquire('crash:1', 'w2', 1_000, new Date(t0.getTime() + 500))).toMatchObject({ acquired: false, reason: 'held' });
    const later = await leases.acquire('crash:1', 'w2', 1_000, new Date(t0.getTime() + 5_000));
    expect(later).toMatchObject({ acquired: true, gen: 1, takeover: true });
    expect(await leases.complete('crash:1', 0)).toBe(false); // the crashed holder is told it was superseded
  });

  it('when a holder releases then the next acquire succeeds immediately', async () => {
    const leases = new LeaseRepository(db.connection);
    await leases.acquire('rel:1', 'w1', 60_000);
    await leases.release('rel:1', 0);
    expect(await leases.acquire('rel:1', 'w2', 60_000)).toMatchObject({ acquired: true, gen: 1, takeover: false });
  });
});

describe('leases: found by _id alone (the only indexed filter on the embedded FerretDB)', () => {
  it('when a process without hints looks up long chains then it finds the newest generation of each', async () => {
    const writer = new LeaseRepository(db.connection);
    const t0 = new Date('2026-11-22T06:30:00Z');
    for (const length of [1, 2, 3, 5, 8, 13, 33]) {
      const key = `chain:${length}`;
      for (let g = 0; g < length; g++) {
        const r = await writer.acquire(key, `w${g}`, 1_000, new Date(t0.getTime() + g * 10_000));
        expect(r).toMatchObject({ acquired: true, gen: g });
      }
      const fresh = new LeaseRepository(db.connection); // another process: no hints
      expect((await fresh.latest(key))?.gen).toBe(length - 1);
      // …and acquires the next generation once the newest expired
      expect(await fresh.acquire(key, 'late', 1_000, new Date(t0.getTime() + length * 10_000))).toMatchObject({ acquired: true, gen: length, takeover: true });
      expect((await writer.latest(key))?.gen).toBe(length); // the writer's hint (length − 1) is only a starting point
    }
    expect(await new LeaseRepository(db.connection).latest('chain:none')).toBeNull();
  });

  it('when leases are acquired, completed and released then every command on the collection filters by _id only', async () => {
    const filters: unknown[] = [];
    const conn = db.connection;
    conn.set('debug', (collection: string, method: string, query: unknown) => {
      if (collection === 'leases' && !method.startsWith('insert')) filters.push(query); // an insert's argument is the document
    });
    try {
      const leases = new LeaseRepository(conn);
      const a = await leases.acquire('byid:1', 'w1', 60_000);
      expect(a.acquired).toBe(true);
      expect(await leases.complete('byid:1', 0)).toBe(true);
      const b = await leases.acquire('byid:2', 'w1', 60_000);
      await leases.release('byid:2', 0);
      expect(await leases.acquire('byid:2', 'w2', 60_000)).toMatchObject({ acquired: true, gen: 1 });
      expect(await leases.isDone('byid:1')).toBe(true);
      expect(b.acquired).toBe(true);
    } finally {
      conn.set('debug', false);
    }
    const reads = filters.filter((f) => f && typeof f === 'object' && !Array.isArray(f));
    expect(reads.length).toBeGreaterThan(5);
    for (const f of reads) expect(Object.keys(f as object)).toEqual(['_id']);
  });
});
