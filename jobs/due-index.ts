/**
 * An in-memory index of "which athlete's local time comes next", so a minute tick that has nothing to do
 * costs one comparison (Job.due) instead of a database query — and the virtual clock can walk weeks fast.
 *
 * Per athlete it keeps the next local date not yet handled and the UTC instant of the job's wall-clock
 * time on that date (src/core/local-time.ts: DST gaps move forward, overlaps take the first occurrence,
 * so each local date has exactly one instant → one run per athlete per local day).
 *
 * - load(schedules, now): (re)reads the athletes. On the first load every athlete starts today (minus
 *   `catchUpDays`: CATCH_UP_YESTERDAY), so overdue times of today are caught up at start. Athletes who
 *   appear later (new, resumed) start today if their time has not come yet, else tomorrow. Athletes who
 *   disappear (or for whom `timeOf` is null: paused) are dropped. An athlete whose partition this worker
 *   took over in the last hour of wall time (`adoptedAt`, jobs/partitions.ts) starts like at the first
 *   load: the previous owner may have died before handling today (its claims skip what it did finish).
 * - take(now): the athletes whose time has come, each with its local date. A date older than
 *   today − catchUpDays (the process slept, or a day kept failing past midnight) is skipped to today.
 * - done(id, date) moves the athlete to the next date; retry(id, date, at) waits until `at`.
 *
 * The index is per process and only a shortcut: exactly-once is the job's claim/lease, never this.
 */
import { addDays, localDate, localTimeReached, localTimeToInstant } from '../src/core/local-time.ts';
import { partitionedSchedules, type PartitionView } from './partitions.ts';
import type { AthleteSchedule } from './ports.ts';

export interface DueItem {
  athleteId: string;
  /** The athlete's local date this run is for. */
  date: string;
  schedule: AthleteSchedule;
  /** The instant the local time came. */
  dueAt: Date;
}

export interface DueIndexOptions {
  /** The athlete's local HH:MM for this job, or null when it does not apply (e.g. paused). */
  timeOf(schedule: AthleteSchedule): string | null;
  /** Days before today offered at the first load and kept while late (1 = CATCH_UP_YESTERDAY). Default 0. */
  catchUpDays?: number;
}

interface Entry {
  schedule: AthleteSchedule;
  time: string;
  nextDate: string;
  dueAt: number;
  retryAt: number;
}

/** A take-over newer than this (wall time) makes a newly seen athlete start today; owners reload within a minute. */
const ADOPTION_WINDOW_MS = 60 * 60_000;

export class DueIndex {
  private readonly entries = new Map<string, Entry>();
  private loaded = false;
  private minDue = Number.POSITIVE_INFINITY;
  private readonly catchUp: number;

  constructor(private readonly options: DueIndexOptions) {
    this.catchUp = Math.max(0, Math.floor(options.catchUpDays ?? 0));
  }

  get size(): number {
    return this.entries.size;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  load(schedules: readonly AthleteSchedule[], now: Date): void {
    const first = !this.loaded;
    const seen = new Set<string>();
    for (const s of schedules) {
      const time = this.options.timeOf(s);
      if (time === null) continue;
      seen.add(s.athleteId);
      const e = this.entries.get(s.athleteId);
      if (!e) {
        const today = localDate(now, s.timezone);
        const adopted = s.adoptedAt !== undefined && Date.now() - s.adoptedAt.getTime() <= ADOPTION_WINDOW_MS;
        const nextDate = first || adopted ? addDays(today, -this.catchUp) : localTimeReached(now, time, s.timezone).reached ? addDays(today, 1) : today;
        this.entries.set(s.athleteId, { schedule: s, time, nextDate, dueAt: at(nextDate, time, s.timezone), retryAt: 0 });
      } else {
        const moved = e.time !== time || e.schedule.timezone !== s.timezone;
        e.schedule = s;
        e.time = time;
        if (moved) e.dueAt = at(e.nextDate, time, s.timezone);
      }
    }
    for (const id of [...this.entries.keys()]) if (!seen.has(id)) this.entries.delete(id);
    this.loaded = true;
    this.recompute();
  }

  /** Cheap: is anything due at `now`? */
  due(now: Date): boolean {
    return now.getTime() >= this.minDue;
  }

  /** When the next athlete is due (null when the index is empty). */
  nextDueAt(): Date | null {
    return Number.isFinite(this.minDue) ? new Date(this.minDue) : null;
  }

  take(now: Date): DueItem[] {
    if (!this.due(now)) return [];
    const t = now.getTime();
    const out: DueItem[] = [];
    let changed = false;
    for (const [athleteId, e] of this.entries) {
      if (Math.max(e.dueAt, e.retryAt) > t) continue;
      const oldest = addDays(localDate(now, e.schedule.timezone), -this.catchUp);
      if (e.nextDate < oldest) {
        e.nextDate = oldest;
        e.dueAt = at(oldest, e.time, e.schedule.timezone);
        e.retryAt = 0;
        changed = true;
        if (e.dueAt > t) continue;
      }
      out.push({ athleteId, date: e.nextDate, schedule: e.schedule, dueAt: new Date(e.dueAt) });
    }
    if (changed) this.recompute();
    return out;
  }

  /** The athlete's `date` is handled: move on to the next local day. */
  done(athleteId: string, date: string): void {
    const e = this.entries.get(athleteId);
    if (!e || e.nextDate > date) return;
    e.nextDate = addDays(date, 1);
    e.dueAt = at(e.nextDate, e.time, e.schedule.timezone);
    e.retryAt = 0;
    this.recompute();
  }

  /** Try `date` again, not before `when`. */
  retry(athleteId: string, date: string, when: Date): void {
    const e = this.entries.get(athleteId);
    if (!e || e.nextDate !== date) return;
    e.retryAt = when.getTime();
    this.recompute();
  }

  /** The athlete's pending date, for tests and logs. */
  peek(athleteId: string): { date: string; dueAt: Date } | undefined {
    const e = this.entries.get(athleteId);
    return e ? { date: e.nextDate, dueAt: new Date(Math.max(e.dueAt, e.retryAt)) } : undefined;
  }

  private recompute(): void {
    let m = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) {
      const d = Math.max(e.dueAt, e.retryAt);
      if (d < m) m = d;
    }
    this.minDue = m;
  }
}

function at(date: string, hhmm: string, zone: string): number {
  return localTimeToInstant(date, hhmm, zone).getTime();
}

/**
 * The athletes' schedules, read at most once per `ttlMs` of clock time and shared by every job's index
 * (one query per refresh, not one per job). invalidate() forces the next read (e.g. after local mode
 * created athletes, or when this process saw a settings change).
 */
export class SharedSchedules {
  private cached: { at: number; list: AthleteSchedule[] } | undefined;
  private pending: Promise<AthleteSchedule[]> | undefined;
  private generation = 0;

  constructor(
    private source: { list(): Promise<AthleteSchedule[]> },
    readonly ttlMs = 5 * 60_000,
  ) {}

  /** From now on list only the athletes of partitions `view` owns (partitioned workers); reads afresh. */
  partition(view: PartitionView): void {
    this.source = partitionedSchedules(this.source, view);
    this.invalidate();
  }

  /** Bumped on every fresh read: indexes reload when it moved. */
  get version(): number {
    return this.generation;
  }

  stale(now: Date): boolean {
    return !this.cached || now.getTime() - this.cached.at >= this.ttlMs;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  async list(now: Date): Promise<AthleteSchedule[]> {
    if (!this.stale(now)) return this.cached!.list;
    this.pending ??= this.source.list().finally(() => (this.pending = undefined));
    const list = await this.pending;
    if (this.stale(now)) {
      this.cached = { at: now.getTime(), list };
      this.generation += 1;
    }
    return this.cached!.list;
  }
}

/** A DueIndex kept in step with SharedSchedules: due() is true when the index must reload or someone is due. */
export class ScheduledIndex {
  private loadedVersion = -1;

  constructor(
    readonly schedules: SharedSchedules,
    readonly index: DueIndex,
  ) {}

  due(now: Date): boolean {
    return this.schedules.stale(now) || this.loadedVersion !== this.schedules.version || this.index.due(now);
  }

  /** Reload when the shared list moved on, then take what is due. */
  async take(now: Date): Promise<DueItem[]> {
    const list = await this.schedules.list(now);
    if (this.loadedVersion !== this.schedules.version) {
      this.index.load(list, now);
      this.loadedVersion = this.schedules.version;
    }
    return this.index.take(now);
  }
}
