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
