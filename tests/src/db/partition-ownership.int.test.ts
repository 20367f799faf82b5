import { describe, expect, it } from 'vitest';
import { registerLeaseModel } from '../../../src/db/lease.repository.ts';
import { PartitionOwnership, registerPartitionWorkerModel } from '../../../src/db/partition-ownership.ts';
import { useTestDatabase } from '../../helpers/db.ts';

const db = useTestDatabase({
  register: (conn) => {
    registerLeaseModel(conn);
    registerPartitionWorkerModel(conn);
  },
});

const COUNT = 16;
const TTL = 3_000;
const EVERY = 1_000;

/** Two workers on one virtual wall clock; rounds are run by hand in a fixed order. */
function pair(start: number, onChangeOfA?: (held: number[]) => void) {
  let t = start;
  const clock = () => new Date(t);
  const make = (workerId: string, onChange?: (held: number[]) => void) =>
    new PartitionOwnership(db.connection, { workerId, count: COUNT, ttlMs: TTL, renewEveryMs: EVERY, marginMs: 500, now: clock, ...(onChange ? { onChange } : {}) });
  return { a: make('worker-a', onChangeOfA), b: make('worker-b'), advance: (ms: number) => (t += ms), now: () => t };
}

function expectNoOverlap(a: PartitionOwnership, b: PartitionOwnership, at: Date): void {
  const both = a.owned(at).filter((p) => b.owns(p, at));
  expect(both, `partitions owned by both at ${at.toISOString()}`).toEqual([]);
}

describe('partition ownership (leases on unique _id inserts)', () => {
  it('when two workers start then they split the partitions evenly with no overlap at any moment', async () => {
    const { a, b, advance, now } = pair(Date.parse('2026-12-01T06:00:00Z'));
    await a.round(); // a alone: takes everything
    expect(a.owned()).toHaveLength(COUNT);
    for (let i = 0; i < 6; i++) {
      await b.round();
      expectNoOverlap(a, b, new Date(now()));
      await a.round();
      expectNoOverlap(a, b, new Date(now()));
      advance(EVERY);
    }
    expect(a.owned()).toHaveLength(COUNT / 2);
    expect(b.owned()).toHaveLength(COUNT / 2);
    expect([...a.owned(), ...b.owned()].sort((x, y) => x - y)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    // the database agrees: the newest generation of every partition is held by the worker that thinks it owns it
    const leases = registerLeaseModel(db.connection);
    for (const [w, owner] of [
      [a, 'worker-a'],
      [b, 'worker-b'],
    ] as const)
      for (const p of w.owned()) {
        const chain = await leases.find({ key: w.keyOf(p) }).lean().exec();
        const newest = chain.reduce((m, d) => (d.gen > m.gen ? d : m));
        expect(newest).toMatchObject({ owner, state: 'held' });
      }
    await a.stop();
    await b.stop();
  });

  it('when a worker dies (stops renewing) then the other takes all its partitions within one lease period', async () => {
    const { a, b, advance, now } = pair(Date.parse('2026-12-02T06:00:00Z'));
    let lastRenewal = 0; // b's last round: its leases run until lastRenewal + TTL
    for (let i = 0; i < 6; i++) {
      await a.round();
      await b.round();
      lastRenewal = now();
      advance(EVERY);
    }
    expect(b.owned()).toHaveLength(COUNT / 2);
    const orphans = b.owned();
    await b.stop({ release: false }); // a crash: no release, no goodbye
    let takenAt: number | undefined;
    for (let i = 0; i < 10 && takenAt === undefined; i++) {
      advance(EVERY);
      await a.round();
      // never early: while b's leases can still be live, a must not hold them
      if (now() < lastRenewal + TTL) expect(orphans.filter((p) => a.owns(p))).toEqual([]);
      if (a.owned().length === COUNT) takenAt = now();
    }
    expect(takenAt).toBeDefined();
    expect(takenAt! - lastRenewal).toBeLessThanOrEqual(TTL + EVERY);
    for (const p of orphans) expect(a.adoptedAt(p)).toEqual(new Date(takenAt!));
    await a.stop();
  });

  it('when a worker leaves cleanly then its partitions are free at once and the other takes them on its next round', async () => {
    let changes: number[][] = [];
    const { a, b, advance } = pair(Date.parse('2026-12-03T06:00:00Z'), (held) => changes.push(held));
    for (let i = 0; i < 6; i++) {
      await a.round();
      await b.round();
      advance(EVERY);
    }
    changes = [];
    await b.stop();
    advance(EVERY);
    await a.round();
    expect(a.owned()).toHaveLength(COUNT);
    expect(changes).toEqual([Array.from({ length: COUNT }, (_, i) => i)]);
    await a.stop();
  });

  it('when a worker is stalled past its margin then it stops owning on its own, before anyone can take over', async () => {
    const { a, advance } = pair(Date.parse('2026-12-04T06:00:00Z'));
    await a.round();
    expect(a.owned()).toHaveLength(COUNT);
    advance(TTL - 500); // until − margin: the lease still runs in the database, but a no longer claims it
    expect(a.owned()).toEqual([]);
    await a.stop({ release: false });
  });
});
