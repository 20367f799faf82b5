import { describe, expect, it } from 'vitest';
import { DueIndex } from '../../jobs/due-index.ts';
import { partitionedSchedules, partitionOf, type PartitionView } from '../../jobs/partitions.ts';
import type { AthleteSchedule } from '../../jobs/ports.ts';

const athlete = (id: string, morningTime = '06:30'): AthleteSchedule => ({
  athleteId: id,
  timezone: 'UTC',
  morningTime,
  status: 'active',
  simulated: false,
  sport: 'running',
  level: 'trained',
});
const morning = () => new DueIndex({ timeOf: (s) => s.morningTime });
const ids = Array.from({ length: 6_400 }, (_, i) => `athlete-${i}`);

describe('partitions', () => {
  it('when athletes are hashed then the partition is stable, in range, and the partitions are about even', () => {
    // FNV-1a 32: fixed values, so every process and release agrees
    expect(partitionOf('', 64)).toBe(0x811c9dc5 % 64);
    expect(partitionOf('a', 1_000_000)).toBe(0xe40c292c % 1_000_000);
    const sizes = new Array<number>(64).fill(0);
    for (const id of ids) sizes[partitionOf(id, 64)]! += 1;
    expect(Math.min(...sizes)).toBeGreaterThan(100 * 0.6);
    expect(Math.max(...sizes)).toBeLessThan(100 * 1.4);
    expect(() => partitionOf('x', 0)).toThrow(RangeError);
  });

  it('when two views split the partitions then each athlete is listed by exactly one of them', async () => {
    const source = { list: async () => ids.map((id) => athlete(id)) };
    const half = (mine: 0 | 1): PartitionView => ({ count: 64, owns: (p) => p % 2 === mine, adoptedAt: () => undefined });
    const a = await partitionedSchedules(source, half(0)).list();
    const b = await partitionedSchedules(source, half(1)).list();
    expect(a.length + b.length).toBe(ids.length);
    expect(new Set([...a, ...b].map((s) => s.athleteId)).size).toBe(ids.length);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
  });

  it('when a partition is taken over after its athletes’ time then today is still offered; a brand-new athlete waits for tomorrow', async () => {
    const owned = new Set<number>();
    const adopted = new Map<number, Date>();
    const view: PartitionView = { count: 8, owns: (p) => owned.has(p), adoptedAt: (p) => adopted.get(p) };
    const [x, y] = ['x', 'y'].map((id) => athlete(id));
    const px = partitionOf('x', 8);
    const py = partitionOf('y', 8);
    expect(px).not.toBe(py);
    owned.add(py);
    const all = [x!, y!];
    const source = partitionedSchedules({ list: async () => all }, view);
    const idx = morning();
    idx.load(await source.list(), new Date('2026-06-01T05:00:00Z'));
    expect(idx.peek('x')).toBeUndefined();
    // the owner of x's partition died at 06:40; this worker takes it over at 07:00
    owned.add(px);
    adopted.set(px, new Date());
    idx.load(await source.list(), new Date('2026-06-01T07:00:00Z'));
    expect(idx.peek('x')!.date).toBe('2026-06-01');
    expect(idx.take(new Date('2026-06-01T07:00:00Z')).map((i) => i.athleteId).sort()).toEqual(['x', 'y']);
    // a new sign-up in a partition held since start keeps the old rule
    const z = ['z', 'z1', 'z2', 'z3', 'z4'].find((id) => partitionOf(id, 8) !== px)!;
    all.push(athlete(z));
    owned.add(partitionOf(z, 8));
    idx.load(await source.list(), new Date('2026-06-01T07:01:00Z'));
    expect(idx.peek(z)!.date).toBe('2026-06-02');
  });
});
