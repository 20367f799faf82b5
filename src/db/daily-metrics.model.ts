/**
 * DailyMetrics: one document per athlete and local day (_id "<athleteId>:<date>", plus a unique
 * (athleteId, date) index). `fields` holds the merged value and its source per metric; `sources` every
 * source's own day verbatim (metrics, raw provider fields, workouts); `workouts` the workouts of the source
 * chosen for the day's load, each with its TSS-scale load and the raw value it came from.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { METRIC_FIELDS, type MetricField, type SourceDay, type WorkoutRecord } from '../core/metrics.ts';
import type { FieldValue } from '../core/types.ts';
import { isoDate, modelOf, schema } from './schema-helpers.ts';

export const METRIC_SOURCES = ['oura', 'whoop', 'intervals', 'polar', 'simulated', 'fit', 'apple_health', 'csv', 'manual'] as const;
const LOAD_METHODS = ['tss', 'srpe', 'trimp', 'strain', 'hr_estimate', 'duration_estimate'];

const workoutSchema = new Schema<WorkoutRecord>(
  {
    source: { type: String, required: true, enum: METRIC_SOURCES },
    externalId: { type: String, required: true },
    date: isoDate(),
    start: { type: String, required: true },
    sport: String,
    minutes: { type: Number, required: true, min: 0, max: 1440 },
    load: { type: Number, required: true, min: 0 },
    loadMethod: { type: String, required: true, enum: LOAD_METHODS },
    rawLoad: { type: new Schema({ value: { type: Number, required: true }, unit: { type: String, required: true } }, { _id: false }), required: false },
    avgHr: Number,
    maxHr: Number,
    distanceM: Number,
    rpe: Number,
  },
  { _id: false },
);

const fieldValueSchema = new Schema<FieldValue>({ value: { type: Number, required: true }, source: { type: String, required: true, enum: METRIC_SOURCES } }, { _id: false });

const sourceDaySchema = new Schema<SourceDay>(
  {
    source: { type: String, required: true, enum: METRIC_SOURCES },
    date: isoDate(),
    metrics: { type: Schema.Types.Mixed, default: {} },
    raw: { type: Schema.Types.Mixed, default: {} },
    workouts: { type: [workoutSchema], default: [] },
  },
  { _id: false, minimize: false },
);

export interface DailyMetricsDoc {
  _id: string;
  athleteId: string;
  date: string;
  fields: Partial<Record<MetricField, FieldValue>>;
  sources: SourceDay[];
  workouts: WorkoutRecord[];
  updatedAt: Date;
}

export const dailyMetricsSchema = schema<DailyMetricsDoc>(
  {
    athleteId: { type: String, required: true },
    date: isoDate(),
    fields: { type: new Schema(Object.fromEntries(METRIC_FIELDS.map((f) => [f, { type: fieldValueSchema, required: false }])), { _id: false, minimize: false }), default: {} },
    sources: { type: [sourceDaySchema], default: [] },
    workouts: { type: [workoutSchema], default: [] },
    updatedAt: { type: Date, required: true },
  },
  'daily_metrics',
);
dailyMetricsSchema.index({ athleteId: 1, date: 1 }, { unique: true });

export const dailyMetricsId = (athleteId: string, date: string) => `${athleteId}:${date}`;

export const registerDailyMetricsModel = (conn: Connection): Model<DailyMetricsDoc> => modelOf(conn, 'DailyMetrics', dailyMetricsSchema);
