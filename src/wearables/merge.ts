/**
 * Several sources for the same local day → one merged day. Pure: no I/O, inputs are not mutated.
 *
 * Per metric field, the value comes from the first source in that field's precedence list that has it;
 * sources missing from a list rank after the listed ones, alphabetically (deterministic). Every source's
 * metrics and raw fields are kept in `bySource`, and `sources` says which one won each field.
 *
 * Load is special: the same session usually reaches us through several sources (a Polar exercise also synced
 * to intervals.icu), so the day's load and its workouts come from one source — the first in the `load`
 * precedence that has a load that day — never from a sum across sources.
 *
 * Duplicate SourceDays for the same (source, date) are combined: later metrics override earlier ones field by
 * field, raw fields merge, workouts are de-duplicated by externalId.
 */
import { METRIC_FIELDS, type MetricField, type MetricSource, type SourceDay, type WorkoutRecord } from '../core/metrics.ts';

export type Precedence = Record<MetricField, readonly MetricSource[]>;

/**
 * Defaults: manual entries beat devices; Oura's nightly rMSSD and lowest HR are the cleanest nocturnal figures,
 * then WHOOP, then Polar (4-hour averages), then intervals.icu (usually a re-export of one of these). Load
 * prefers intervals.icu (power/HR-based TSS), then FIT files, then vendor conversions.
 */
export const DEFAULT_PRECEDENCE: Precedence = {
  hrvRmssd: ['manual', 'oura', 'whoop', 'polar', 'intervals', 'fit', 'csv'],
  hrvSdnn: ['manual', 'apple_health', 'intervals', 'csv'],
  restingHr: ['manual', 'oura', 'whoop', 'polar', 'intervals', 'apple_health', 'fit', 'csv'],
  sleepHours: ['manual', 'oura', 'whoop', 'polar', 'intervals', 'apple_health', 'csv'],
  sleepScore: ['manual', 'oura', 'whoop', 'polar', 'intervals', 'csv'],
  readiness: ['manual', 'oura', 'whoop', 'intervals', 'polar', 'csv'],
  load: ['manual', 'intervals', 'fit', 'polar', 'whoop', 'oura', 'apple_health', 'csv', 'simulated'],
};

export interface MergedDay {
  date: string;
  metrics: Partial<Record<MetricField, number>>;
  /** The source each merged metric came from. */
  sources: Partial<Record<MetricField, MetricSource>>;
  /** Every source's own metrics and raw fields for the day. */
  bySource: Partial<Record<MetricSource, { metrics: SourceDay['metrics']; raw: SourceDay['raw']; workouts: WorkoutRecord[] }>>;
  /** Workouts of the source chosen for `load`. */
  workouts: WorkoutRecord[];
}

export interface MergeOptions {
  /** Per-field overrides of DEFAULT_PRECEDENCE. */
  precedence?: Partial<Precedence>;
}

export function mergeSourceDays(days: readonly SourceDay[], options: MergeOptions = {}): MergedDay[] {
  const precedence: Precedence = { ...DEFAULT_PRECEDENCE, ...options.precedence };

  // date → source → combined SourceDay
  const byDate = new Map<string, Map<MetricSource, SourceDay>>();
  for (const d of days) {
    let perSource = byDate.get(d.date);
    if (!perSource) byDate.set(d.date, (perSource = new Map()));
    const prev = perSource.get(d.source);
    if (!prev) {
      perSource.set(d.source, {
        source: d.source,
        date: d.date,
        metrics: { ...d.metrics },
        raw: { ...d.raw },
        workouts: [...d.workouts],
      });
    } else {
      Object.assign(prev.metrics, d.metrics);
      Object.assign(prev.raw, d.raw);
      const ids = new Map(prev.workouts.map((w, i) => [w.externalId, i]));
      for (const w of d.workouts) {
        const i = ids.get(w.externalId);
        if (i === undefined) prev.workouts.push(w);
        else prev.workouts[i] = w;
      }
    }
  }

  const out: MergedDay[] = [];
  for (const date of [...byDate.keys()].sort()) {
    const perSource = byDate.get(date) as Map<MetricSource, SourceDay>;
    const merged: MergedDay = { date, metrics: {}, sources: {}, bySource: {}, workouts: [] };
    for (const [source, d] of perSource) {
      merged.bySource[source] = { metrics: { ...d.metrics }, raw: { ...d.raw }, workouts: [...d.workouts] };
    }
    for (const field of METRIC_FIELDS) {
      const winner = rank(precedence[field], [...perSource.keys()]).find((s) => {
        const v = perSource.get(s)?.metrics[field];
        return typeof v === 'number' && Number.isFinite(v);
      });
      if (winner === undefined) continue;
      merged.metrics[field] = perSource.get(winner)?.metrics[field] as number;
      merged.sources[field] = winner;
      if (field === 'load') merged.workouts = [...(perSource.get(winner)?.workouts ?? [])];
    }
    out.push(merged);
  }
  return out;
}

/** Present sources in precedence order: listed first (in list order), the rest alphabetically. */
function rank(list: readonly MetricSource[], present: MetricSource[]): MetricSource[] {
  const listed = list.filter((s) => present.includes(s));
  const rest = present.filter((s) => !list.includes(s)).sort();
  return [...listed, ...rest];
}
