/**
 * Partitioned workers: athletes are hashed into `count` partitions (a stable FNV-1a hash of the athlete
 * id, so every process and every release agrees), each partition is owned by one worker at a time
 * (src/db/partition-ownership.ts: renewable leases resting on unique-`_id` inserts), and a worker's jobs see
 * only the athletes of the partitions it owns.
 *
 * The hook is the schedule source: `partitionedSchedules(source, ownership)` filters the athlete list that
 * SharedSchedules caches for every job's DueIndex, and marks athletes whose partition this worker took over
 * (`adoptedAt`), so the DueIndex offers them today's run even when their local time has already passed
 * (the previous owner died mid-morning; the job's delivery claims keep whatever it did finish from being
 * sent twice). When ownership changes, the owner calls back and the app invalidates SharedSchedules, so
 * indexes reload on their next minute tick instead of after the schedule TTL.
 *
 * Exactly-once never rests on partitions: during a take-over two workers may both hold an athlete in their
 * index for a moment; the claims decide. Partitions only keep N workers from doing N× the work.
 */
import type { AthleteSchedule, ScheduleSource } from './ports.ts';

export const DEFAULT_PARTITIONS = 64;

/** FNV-1a (32 bit) of the UTF-16 code units — stable across processes and platforms. */
export function partitionOf(athleteId: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`partition count must be a positive integer, got ${count}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < athleteId.length; i++) {
    h ^= athleteId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** What the jobs need to know about this worker's partitions (src/db PartitionOwnership implements it). */
export interface PartitionView {
  readonly count: number;
  /** This worker holds the partition's lease now (with a safety margin before it runs out). */
  owns(partition: number, now?: Date): boolean;
  /** When this worker took the partition over from another worker (undefined: held since start, or not held). */
  adoptedAt(partition: number): Date | undefined;
}

/** Everything: a single process (local mode) owns every partition. */
export const ALL_PARTITIONS: PartitionView = { count: 1, owns: () => true, adoptedAt: () => undefined };

/** The source's athletes that fall in partitions this worker owns; take-overs marked with `adoptedAt`. */
export function partitionedSchedules(source: ScheduleSource, view: PartitionView, clock: () => Date = () => new Date()): ScheduleSource {
  return {
    async list(): Promise<AthleteSchedule[]> {
      const all = await source.list();
      const now = clock();
      const out: AthleteSchedule[] = [];
      for (const s of all) {
        const p = partitionOf(s.athleteId, view.count);
        if (!view.owns(p, now)) continue;
        const adoptedAt = view.adoptedAt(p);
        out.push(adoptedAt ? { ...s, adoptedAt } : s);
      }
      return out;
    },
  };
}
