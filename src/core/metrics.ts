/**
 * Canonical wearable data, the shape every provider adapter and file importer maps into.
 *
 * Units (see docs/domain.md): hrvRmssd ms (rMSSD only), hrvSdnn ms (Apple Health gives SDNN, kept
 * apart and never mixed with rMSSD), restingHr bpm, sleepHours h (sleep belongs to the local day you wake
 * up), sleepScore 0–100, readiness 0–100 (provider's own score), load TSS-scale points (1 h at threshold =
 * 100), with the raw value and its source kept next to the converted one.
 */
export const METRIC_FIELDS = [
  'hrvRmssd',
  'hrvSdnn',
  'restingHr',
  'sleepHours',
  'sleepScore',
  'readiness',
  'load',
] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];

export const PROVIDERS = ['oura', 'whoop', 'intervals', 'polar', 'simulated'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** Where a value came from: an API provider, a file import, or the athlete/coach by hand. */
export type MetricSource = ProviderId | 'fit' | 'apple_health' | 'csv' | 'manual';

/** How a workout's TSS-scale load was obtained. */
export type LoadMethod = 'tss' | 'srpe' | 'trimp' | 'strain' | 'hr_estimate' | 'duration_estimate';

export interface WorkoutRecord {
  source: MetricSource;
  /** Stable id at the source, used for idempotent upserts. */
  externalId: string;
  /** Local calendar day (athlete time zone) the workout started on, yyyy-mm-dd. */
  date: string;
  /** ISO timestamp with offset. */
  start: string;
  sport?: string;
  minutes: number;
  /** TSS-scale load after conversion. */
  load: number;
  loadMethod: LoadMethod;
  /** The value before conversion and its unit, e.g. { value: 14.2, unit: 'whoop_strain' }. */
  rawLoad?: { value: number; unit: string };
  avgHr?: number;
  maxHr?: number;
  distanceM?: number;
  rpe?: number;
}

/** One local day of canonical metrics from one source. */
export interface SourceDay {
  source: MetricSource;
  date: string;
  metrics: Partial<Record<MetricField, number>>;
  /** The provider's original fields for that day, kept verbatim (numbers/strings only). */
  raw: Record<string, number | string | boolean | null>;
  workouts: WorkoutRecord[];
}
