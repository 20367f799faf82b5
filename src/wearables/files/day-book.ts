/**
 * Collects per-day metrics, raw fields and workouts while a file is parsed, and turns them into SourceDay[]
 * (sorted by date, workouts by start). A day's `load` metric is the sum of its workouts' loads plus any
 * bare daily load (CSV rows that give `load` without a workout).
 */
import type { MetricField, MetricSource, SourceDay, WorkoutRecord } from '../../core/metrics.ts';
import { round1 } from './load.ts';

type Raw = SourceDay['raw'];

interface DayEntry {
  metrics: Partial<Record<MetricField, number>>;
  raw: Raw;
  workouts: WorkoutRecord[];
  bareLoad: number;
  hasBareLoad: boolean;
}

export class DayBook {
  private readonly days = new Map<string, DayEntry>();

  constructor(readonly source: MetricSource) {}

  private entry(date: string): DayEntry {
    let e = this.days.get(date);
    if (!e) {
      e = { metrics: {}, raw: {}, workouts: [], bareLoad: 0, hasBareLoad: false };
      this.days.set(date, e);
    }
    return e;
  }

  getMetric(date: string, field: MetricField): number | undefined {
    return this.days.get(date)?.metrics[field];
  }

  setMetric(date: string, field: Exclude<MetricField, 'load'>, value: number): void {
    this.entry(date).metrics[field] = value;
  }

  setRaw(date: string, key: string, value: Raw[string]): void {
    this.entry(date).raw[key] = value;
  }

  addWorkout(w: WorkoutRecord): void {
    this.entry(w.date).workouts.push(w);
  }

  addBareLoad(date: string, load: number): void {
    const e = this.entry(date);
    e.bareLoad += load;
    e.hasBareLoad = true;
  }

  get size(): number {
    return this.days.size;
  }

  toSourceDays(): SourceDay[] {
    const out: SourceDay[] = [];
    for (const date of [...this.days.keys()].sort()) {
      const e = this.days.get(date)!;
      const metrics = { ...e.metrics };
      if (e.workouts.length > 0 || e.hasBareLoad) {
        metrics.load = round1(e.workouts.reduce((s, w) => s + w.load, 0) + e.bareLoad);
      }
      if (Object.keys(metrics).length === 0 && e.workouts.length === 0) continue;
      const workouts = [...e.workouts].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      out.push({ source: this.source, date, metrics, raw: e.raw, workouts });
    }
    return out;
  }
}
